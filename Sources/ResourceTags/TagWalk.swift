import AWSCore
public import AWSServices
import AsyncCoordination

/// Lists resources page by page and asks their tags in batches of 20, each page's batches started as the page
/// arrives (within the cache's bound), so a large fleet's tags come in while the listing is still paging.
enum TagWalk {
    /// The most ids one DescribeTags call takes (both APIs).
    static let describeTagsBatchSize = 20

    /// What DescribeTags answered: tags by id, and the ids it said no longer exist (a load balancer without tags
    /// is in neither and is kept, with no tags).
    struct TagAnswer: Sendable {
        var tags: [String: [AWSTag]] = [:]
        var deleted: Set<String> = []

        mutating func merge(_ other: TagAnswer) {
            tags.merge(other.tags) { first, _ in first }
            deleted.formUnion(other.deleted)
        }
    }

    /// One page of a listing: the ids to ask tags of, the resources, and the next marker.
    struct Page<Resource: Sendable>: Sendable {
        var ids: [String]
        var resources: [Resource]
        var next: String?
    }

    /// Every resource of the listing and the tags of each.
    struct Walk<Resource: Sendable>: Sendable {
        var resources: [Resource]
        var tags: TagAnswer
    }

    /// Walks the listing and asks the tags of each page's resources.
    /// - Parameters:
    ///   - limiter: The bound every DescribeTags batch takes a slot of (the page fetches take theirs themselves).
    ///   - service: The service, for the error when the listing stops early.
    ///   - operation: The listing's operation, likewise.
    ///   - page: Fetches the page at a marker.
    ///   - describe: DescribeTags for up to 20 ids.
    /// - Throws: When a page or a batch fails, or the listing stopped early (pages may be missing: the last complete
    ///   snapshot is better than a partial one).
    static func run<Resource: Sendable>(
        limiter: AsyncLimiter,
        service: String,
        operation: String,
        page:
            @escaping @Sendable (_ marker: String?) async throws -> (
                ids: [String], resources: [Resource], next: String?
            ),
        describe: @escaping @Sendable ([String]) async throws -> [String: [AWSTag]]
    ) async throws -> Walk<Resource> {
        try await withThrowingTaskGroup(of: TagAnswer.self) { group in
            var resources: [Resource] = []
            // Ids not yet asked: full batches go out as soon as a page completes one, so a fleet makes as many
            // DescribeTags calls as if it had been listed whole first.
            var waiting: [String] = []
            let ending = try await Paginator().forEachPage { marker in
                let (ids, found, next) = try await page(marker)
                return (Page(ids: ids, resources: found, next: next), next)
            } consume: { page in
                resources += page.resources
                waiting += page.ids
                while waiting.count >= describeTagsBatchSize {
                    let batch = Array(waiting.prefix(describeTagsBatchSize))
                    waiting.removeFirst(describeTagsBatchSize)
                    group.addTask { try await tags(of: batch, limiter: limiter, describe: describe) }
                }
            }
            guard ending == .complete else {
                throw AWSError(
                    kind: .malformedResponse,
                    service: service,
                    operation: operation,
                    code: "IncompletePagination",
                    message: "pagination stopped early (\(ending)); the last complete tag snapshot stays"
                )
            }
            if !waiting.isEmpty {
                let batch = waiting
                group.addTask { try await tags(of: batch, limiter: limiter, describe: describe) }
            }
            var answer = TagAnswer()
            for try await part in group { answer.merge(part) }
            return Walk(resources: resources, tags: answer)
        }
    }

    /// The tags of one batch. A load balancer deleted after DescribeLoadBalancers listed it makes its whole batch
    /// fail with `LoadBalancerNotFound`; that batch is asked again one id at a time, and only the deleted ones are
    /// left out, so one deletion does not fail the refresh.
    private static func tags(
        of batch: [String],
        limiter: AsyncLimiter,
        describe: @Sendable ([String]) async throws -> [String: [AWSTag]]
    ) async throws -> TagAnswer {
        do {
            return TagAnswer(tags: try await limiter.withSlot { try await describe(batch) })
        } catch let error as AWSError where error.kind == .notFound && batch.count > 1 {
            var answer = TagAnswer()
            for id in batch {
                do {
                    answer.tags.merge(try await limiter.withSlot { try await describe([id]) }) { first, _ in first }
                } catch let error as AWSError where error.kind == .notFound {
                    answer.deleted.insert(id)
                }
            }
            return answer
        } catch let error as AWSError where error.kind == .notFound {
            return TagAnswer(deleted: Set(batch))
        }
    }
}
