import AWSClient
import ExporterConfig
import Foundation

extension CloudWatchCollector {
    /// Every page of GetResources for an `aws_tag_select` rule.
    func taggedResources(
        _ tagSelect: TagSelect,
        limiter: AsyncLimiter,
        deadline: ContinuousClock.Instant?
    ) async throws -> [ResourceTagMapping] {
        let filters = (tagSelect.tagSelections ?? []).map { TagFilter(key: $0.key, values: $0.values) }
        var mappings: [ResourceTagMapping] = []
        var token: String?
        var pages = 0
        repeat {
            let input = GetResourcesInput(
                resourceTypeFilters: [tagSelect.resourceTypeSelection],
                tagFilters: filters,
                paginationToken: token,
                resourcesPerPage: 100
            )
            let page = try await limiter.withSlot { try await apis.tagging.getResources(input, deadline: deadline) }
            metrics.increment(.taggingRequests, ["getResources", tagSelect.resourceTypeSelection])
            mappings += page.mappings
            token = page.paginationToken
            pages += 1
        } while token != nil && pages < Self.maximumPages
        return mappings
    }
}
