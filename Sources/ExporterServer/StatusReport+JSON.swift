import AWSCore
import ConfigFile
import FoundationEssentials
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry

extension StatusReport {
    /// The report as JSON, for scripts: the same facts as the page, times in ISO 8601 UTC, absent values `null`.
    func json() -> JSONValue {
        .object([
            "generated": .string(UTCText.iso8601(generated)),
            "process": processJSON(),
            "rules": .array(rules.map(Self.ruleJSON)),
            "load_balancers": .array(loadBalancers.map(Self.loadBalancerJSON)),
            "untagged_with_series": .array(untaggedWithSeries.map(JSONValue.string)),
            "target_groups": .array(targetGroups.map(Self.targetGroupJSON)),
            "services": .array(services.map(Self.serviceFrontJSON)),
            "kubernetes": kubernetes.map(Self.kubernetesJSON) ?? .null,
            "aws_usage": Self.usageJSON(usage),
        ])
    }

    private func processJSON() -> JSONValue {
        let load = process.lastConfigLoad
        return .object([
            "version": .string(process.version),
            "revision": .string(process.revision),
            "config_file": .string(process.configFile),
            "started": .string(UTCText.iso8601(process.started)),
            "last_config_load": .object([
                "trigger": .string(load.trigger.rawValue),
                "time": .string(UTCText.iso8601(load.time)),
                "succeeded": .bool(load.error == nil),
                "error": load.error.map(JSONValue.string) ?? .null,
                "warnings": .array(load.warnings.map(JSONValue.string)),
            ]),
            "region": .string(process.region),
            "credential_source": .string(process.credentialSource),
            "tags_refreshed": .object(
                Dictionary(
                    process.tagsRefreshed.map { ($0.service, $0.time.map { .string(UTCText.iso8601($0)) } ?? .null) },
                    uniquingKeysWith: { first, _ in first }
                )
            ),
        ])
    }

    private static func ruleJSON(_ rule: Rule) -> JSONValue {
        let config = rule.rule
        let discovery: JSONValue =
            rule.discovery.map { discovery in
                .object([
                    "source": .string(discovery.source.rawValue),
                    "listed": .number(Double(discovery.listed)),
                    "exact_dimensions": .number(Double(discovery.exactDimensions)),
                    "after_select": .number(Double(discovery.afterSelect)),
                    "after_regex": .number(Double(discovery.afterRegex)),
                    "kept": .number(Double(discovery.kept)),
                    "with_data": .number(Double(rule.withData)),
                    "exported": .number(Double(rule.exported)),
                ])
            }
            ?? .object([
                "source": .null, "listed": .number(0), "exact_dimensions": .number(0), "after_select": .number(0),
                "after_regex": .number(0), "kept": .number(0), "with_data": .number(Double(rule.withData)),
                "exported": .number(Double(rule.exported)),
            ])
        return .object([
            "name": .string(rule.name),
            "target": targetJSON(rule.target),
            "namespace": .string(config.awsNamespace),
            "metric_name": .string(config.awsMetricName),
            "dimensions": .array((config.awsDimensions ?? []).map(JSONValue.string)),
            "statistics": .array((config.statistics ?? []).map(JSONValue.string)),
            "extended_statistics": .array((config.extendedStatistics ?? []).map(JSONValue.string)),
            "period_seconds": .number(Double(config.periodSeconds)),
            "delay_seconds": .number(Double(config.delaySeconds)),
            "range_seconds": .number(Double(config.rangeSeconds)),
            "api": .string(config.useGetMetricData ? "GetMetricData" : "GetMetricStatistics"),
            "last_scrape": rule.lastScrape.map { .string(UTCText.iso8601($0)) } ?? .null,
            "window": rule.window.map {
                .object(["start": .string(UTCText.iso8601($0.start)), "end": .string(UTCText.iso8601($0.end))])
            } ?? .null,
            "dimension_sets": discovery,
            "store_answered": .number(Double(rule.storeAnswered)),
            "last_error": rule.lastFailure.map { failure in
                .object([
                    "code": .string(failure.code),
                    "service": .string(failure.service),
                    "action": .string(failure.operation),
                    "iam_action": .string(failure.iamAction),
                    "message": .string(failure.message),
                    "time": .string(UTCText.iso8601(failure.time)),
                ])
            } ?? .null,
            "why_no_data": .array(rule.whyNoData.map(JSONValue.string)),
        ])
    }

    private static func loadBalancerJSON(_ lb: LoadBalancer) -> JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "name": .string(lb.name),
            "kind": .string(lb.kind),
            "namespace": optional(lb.namespace),
            "service": optional(lb.service),
            "ingress": optional(lb.ingress),
            "cluster": optional(lb.cluster),
            "labels": .object(
                Dictionary(
                    lb.labels.map { ($0.name, JSONValue.string($0.value)) },
                    uniquingKeysWith: { first, _ in first }
                )
            ),
            "rules": .array(lb.rules.map(JSONValue.string)),
            "why_no_data": .array(lb.whyNoData.map(JSONValue.string)),
            "target": targetJSON(lb.target),
        ])
    }

    /// `null` with one region and account, else the region and role (`null` for the default credentials).
    static func targetJSON(_ target: AWSTarget?) -> JSONValue {
        guard let target else { return .null }
        return .object([
            "region": target.region.map(JSONValue.string) ?? .null,
            "role_arn": target.roleARN.map(JSONValue.string) ?? .null,
        ])
    }

    private static func usageJSON(_ usage: AWSUsage) -> JSONValue {
        func counts(_ list: [AWSUsage.Count], detail: String?) -> JSONValue {
            .array(
                list.map { count in
                    var object: [String: JSONValue] = [
                        "service": .string(count.service), "action": .string(count.action),
                        "count": .number(Double(count.count)),
                    ]
                    if let detail { object[detail] = .string(count.detail) }
                    return .object(object)
                }
            )
        }
        func totals(_ totals: AWSUsage.Totals) -> JSONValue {
            .object([
                "calls": counts(totals.calls, detail: nil),
                "errors": counts(totals.errors, detail: "code"),
                "retries": counts(totals.retries, detail: "reason"),
                "billed_units": .number(Double(totals.billedUnits)),
                "estimated_cost_usd": .number(totals.estimatedCostUSD),
            ])
        }
        return .object([
            "price_per_1000_units_usd": .number(AWSUsage.pricePerThousandUnits),
            "since_start": totals(usage.sinceStart),
            "last_hour": totals(usage.lastHour),
            "calls_per_minute": .array(usage.callsPerMinute.map { .number(Double($0)) }),
        ])
    }
    private static func targetGroupJSON(_ group: TargetGroup) -> JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "name": .string(group.name),
            "target": targetJSON(group.target),
            "load_balancers": .array(group.loadBalancers.map(JSONValue.string)),
            "namespace": optional(group.namespace),
            "service": optional(group.service),
            "port": optional(group.port),
            "ingress": optional(group.ingress),
            "source": .string(group.source),
            "notes": .array(group.notes.map(JSONValue.string)),
        ])
    }

    private static func serviceFrontJSON(_ front: ServiceFront) -> JSONValue {
        .object([
            "namespace": .string(front.namespace),
            "service": .string(front.service),
            "load_balancers": .array(front.loadBalancers.map(JSONValue.string)),
            "target_groups": .array(front.targetGroups.map(JSONValue.string)),
        ])
    }

    private static func kubernetesJSON(_ source: KubernetesSource) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(UTCText.iso8601($0)) } ?? .null }
        return .object([
            "resources": .array(
                source.resources.map { resource in
                    .object([
                        "name": .string(resource.name),
                        "state": .string(resource.state),
                        "synced_since": time(resource.syncedSince),
                        "failing_since": time(resource.failingSince),
                        "last_error": resource.lastError.map(JSONValue.string) ?? .null,
                        "not_installed_since": time(resource.notInstalledSince),
                        "objects": .number(Double(resource.objects)),
                    ])
                }
            )
        ])
    }
}
