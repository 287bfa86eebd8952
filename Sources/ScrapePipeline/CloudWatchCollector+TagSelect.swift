import AWSCore
import AWSServices
import ConfigFile
import Foundation

extension CloudWatchCollector {
    /// Every page of GetResources for an `aws_tag_select` rule.
    func taggedResources(
        _ tagSelect: TagSelect,
        run: RuleRun,
        deadline: ContinuousClock.Instant?
    ) async throws -> [ResourceTagMapping] {
        let filters = (tagSelect.tagSelections ?? []).map { TagFilter(key: $0.key, values: $0.values) }
        var mappings: [ResourceTagMapping] = []
        let ending = try await Paginator().forEachPage { token in
            let input = GetResourcesInput(
                resourceTypeFilters: [tagSelect.resourceTypeSelection],
                tagFilters: filters,
                paginationToken: token,
                resourcesPerPage: 100
            )
            let page = try await run.limiter.withSlot {
                try await run.apis.tagging.getResources(input, deadline: deadline)
            }
            metrics.increment(.taggingRequests, ["getResources", tagSelect.resourceTypeSelection])
            return (page, page.paginationToken)
        } consume: { page in
            mappings += page.mappings
        }
        warnIfIncomplete(ending, operation: "GetResources", rule: run.rule)
        return mappings
    }
}
