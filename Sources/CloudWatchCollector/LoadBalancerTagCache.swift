public import AWSClient
public import Foundation
public import Logging
import Synchronization

/// Load balancers and their tags, refreshed off the scrape path every `tag_labels.cache_ttl_seconds`.
///
/// A scrape only reads the snapshot, so a steady-state scrape makes no tag calls. Each API part is replaced only
/// by a complete successful refresh: a failed refresh keeps the last known tags (and is counted and logged), a
/// deleted load balancer disappears at the next successful refresh.
public final class LoadBalancerTagCache: Sendable {
    private struct State {
        var snapshot: LoadBalancerTagSnapshot
        /// Parts that have finished at least one refresh, successful or not.
        var attempted: Set<LoadBalancerAPIKind> = []
    }

    private let state: Mutex<State>

    /// Creates a cache, optionally seeded with an earlier snapshot (a reload keeps the tags it already knows).
    public init(initial: LoadBalancerTagSnapshot = LoadBalancerTagSnapshot()) {
        state = Mutex(State(snapshot: initial))
    }

    /// The current snapshot.
    public var snapshot: LoadBalancerTagSnapshot { state.withLock { $0.snapshot } }

    /// Refreshes the parts in `kinds`, concurrently and each independently.
    public func refresh(
        _ kinds: Set<LoadBalancerAPIKind>,
        apis: AWSAPIs,
        metrics: SelfMetrics,
        now: @escaping @Sendable () -> Date,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for kind in kinds {
                group.addTask {
                    await self.refreshPart(
                        kind,
                        apis: apis,
                        metrics: metrics,
                        now: now,
                        deadline: deadline,
                        logger: logger
                    )
                }
            }
        }
    }

    private func refreshPart(
        _ kind: LoadBalancerAPIKind,
        apis: AWSAPIs,
        metrics: SelfMetrics,
        now: @Sendable () -> Date,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) async {
        defer { state.withLock { _ = $0.attempted.insert(kind) } }
        do {
            let records =
                switch kind {
                case .classic: try await Self.fetchClassic(apis.elb, deadline: deadline)
                case .v2: try await Self.fetchV2(apis.elbv2, deadline: deadline)
                }
            let refreshedAt = now()
            state.withLock { $0.snapshot.replace(kind, with: records, refreshedAt: refreshedAt) }
            logger.debug(
                "Refreshed load balancer tags",
                metadata: ["aws.service": "\(kind.service)", "tags.load_balancers": "\(records.count)"]
            )
        } catch {
            metrics.increment(.tagRefreshErrors, [kind.service])
            logger.warning(
                "Load balancer tag refresh failed; keeping the last known tags",
                metadata: ["aws.service": "\(kind.service)", "error": "\(error)"]
            )
        }
    }

    /// Waits, at most until `deadline`, until each part in `kinds` has been refreshed at least once (successfully or
    /// not), so the first scrape after start-up has labels. Afterwards this returns at once.
    public func waitForFirstRefresh(_ kinds: Set<LoadBalancerAPIKind>, until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            let waiting = state.withLock { !kinds.isSubset(of: $0.attempted) }
            if !waiting { return }
            do { try await Task.sleep(for: .milliseconds(25)) } catch { return }
        }
    }

    private static func fetchClassic(
        _ api: any ClassicLoadBalancerAPI,
        deadline: ContinuousClock.Instant?
    ) async throws -> [String: LoadBalancerRecord] {
        var names: [String] = []
        var marker: String?
        repeat {
            let page = try await api.describeLoadBalancers(marker: marker, pageSize: 400, deadline: deadline)
            names += page.loadBalancers.map(\.name)
            marker = page.nextMarker
        } while marker != nil
        let tags = names.isEmpty ? [:] : try await api.describeTags(loadBalancerNames: names, deadline: deadline)
        var records: [String: LoadBalancerRecord] = [:]
        for name in names {
            records[name] = LoadBalancerRecord(
                kind: .classic,
                name: name,
                dimensionValue: name,
                arn: nil,
                tags: tags[name] ?? []
            )
        }
        return records
    }

    private static func fetchV2(
        _ api: any LoadBalancerV2API,
        deadline: ContinuousClock.Instant?
    ) async throws -> [String: LoadBalancerRecord] {
        var loadBalancers: [LoadBalancerV2] = []
        var marker: String?
        repeat {
            let page = try await api.describeLoadBalancers(marker: marker, pageSize: 400, deadline: deadline)
            loadBalancers += page.loadBalancers
            marker = page.nextMarker
        } while marker != nil
        let arns = loadBalancers.map(\.arn)
        let tags = arns.isEmpty ? [:] : try await api.describeTags(resourceARNs: arns, deadline: deadline)
        var records: [String: LoadBalancerRecord] = [:]
        for loadBalancer in loadBalancers {
            guard let kind = LoadBalancerKind(v2Type: loadBalancer.type),
                let dimensionValue = LoadBalancerRecord.v2DimensionValue(arn: loadBalancer.arn, kind: kind)
            else { continue }
            records[dimensionValue] = LoadBalancerRecord(
                kind: kind,
                name: loadBalancer.name,
                dimensionValue: dimensionValue,
                arn: loadBalancer.arn,
                tags: tags[loadBalancer.arn] ?? []
            )
        }
        return records
    }
}
