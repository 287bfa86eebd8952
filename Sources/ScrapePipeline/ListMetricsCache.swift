public import AWSServices
public import ConfigFile
public import FoundationEssentials
import Synchronization

/// Caches dimension discovery (`list_metrics_cache_ttl`), keyed like cloudwatch_exporter by the rule and the
/// `aws_tag_select` resource ids. An entry's expiry is fixed when it is stored; reads do not extend it. A reload
/// starts a new cache.
public final class ListMetricsCache: Sendable {
    private struct Key: Hashable {
        var rule: RuleID
        var resourceIds: [String]
    }

    private struct Entry {
        var dimensionSets: [[MetricDimension]]
        var expires: Date
    }

    private let entries = Mutex<[Key: Entry]>([:])

    /// Creates an empty cache.
    public init() {}

    /// The cached dimension sets of `rule`, if present and not expired at `now`.
    public func lookup(_ rule: RuleID, resourceIds: [String], now: Date) -> [[MetricDimension]]? {
        entries.withLock { entries in
            guard let entry = entries[Key(rule: rule, resourceIds: resourceIds)], entry.expires > now else {
                return nil
            }
            return entry.dimensionSets
        }
    }

    /// Stores `dimensionSets` for `ttlSeconds` from `now`; a TTL of 0 stores nothing.
    public func store(
        _ dimensionSets: [[MetricDimension]],
        for rule: RuleID,
        resourceIds: [String],
        ttlSeconds: Int,
        now: Date
    ) {
        guard ttlSeconds > 0 else { return }
        let expires = now.addingTimeInterval(TimeInterval(ttlSeconds))
        entries.withLock { entries in
            // Expired entries are dropped here, so rules removed by config edits do not accumulate.
            entries = entries.filter { $0.value.expires > now }
            entries[Key(rule: rule, resourceIds: resourceIds)] = Entry(dimensionSets: dimensionSets, expires: expires)
        }
    }
}
