import AWSServices
import ConfigFile
import FoundationEssentials
import ResourceTags
import ScrapePipeline
import ScrapeStatus
import Telemetry

/// Renders a ``StatusReport`` as one server-side HTML page: no JavaScript, no external assets, every value escaped,
/// readable in a terminal browser. `/` and `/status` serve it; upstream's title and metrics link stay.
enum StatusPage {
    /// Sent with the page: nothing but the inline style may load, whatever a value managed to contain.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'none'"

    static func html(_ report: StatusReport) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>CloudWatch Exporter</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>CloudWatch Exporter</h1>
            <p>cloudwatch-tag-exporter \(e(BuildInfo.summary)) &middot; status at \(e(UTCText.dateTime(report.generated)))</p>
            <nav><a href="/metrics">Metrics</a> &middot; <a href="/status">Status</a> &middot; \
            <a href="/-/healthy">/-/healthy</a> &middot; <a href="/-/ready">/-/ready</a> &middot; \
            POST /-/reload reloads the configuration &middot; <code>/status</code> with \
            <code>Accept: application/json</code> gives this page as JSON</nav>

            """
        page += rulesSection(report)
        page += loadBalancersSection(report)
        page += targetGroupsSection(report)
        page += servicesSection(report)
        page += kubernetesSection(report.kubernetes, now: report.generated)
        page += usageSection(report.usage)
        page += processSection(report.process, now: report.generated)
        page += "</body>\n</html>\n"
        return page
    }

    // MARK: Rules

    private static func rulesSection(_ report: StatusReport) -> String {
        var html = """
            <section id="rules">
            <h2>Rules</h2>
            <table>
            <thead><tr><th>Rule</th><th>Statistics</th><th>Period / delay / range</th><th>API</th>\
            <th>Last window (UTC)</th><th title="ListMetrics results">Listed</th>\
            <th title="with exactly the rule's dimensions">Exact</th>\
            <th title="after aws_dimension_select, _regex and aws_tag_select">Kept</th>\
            <th title="with a datapoint in the window">With data</th><th title="series">Exported</th>\
            <th title="dimension sets the datapoint store answered">From store</th><th>Last error</th></tr></thead>
            <tbody>

            """
        for rule in report.rules {
            let config = rule.rule
            let statistics = (config.statistics ?? []) + (config.extendedStatistics ?? [])
            let discovery = rule.discovery
            func count(_ value: Int?) -> String { value.map(String.init) ?? "&ndash;" }
            let window = rule.window.map { "\(UTCText.clock($0.start)) &ndash; \(UTCText.clock($0.end))" } ?? "never"
            var source = ""
            switch discovery?.source {
            case .listMetricsCache: source = " <small>(cached)</small>"
            case .dimensionSelect: source = " <small>(aws_dimension_select)</small>"
            case .noDimensions: source = " <small>(no dimensions)</small>"
            default: break
            }
            let error =
                rule.lastFailure.map { failure in
                    "<span class=\"error\">\(e(failure.code))</span> \(e(failure.operation)) at "
                        + e(UTCText.dateTime(failure.time))
                } ?? ""
            let state = rule.whyNoData.isEmpty ? "ok" : (rule.exported == 0 ? "empty" : "warn")
            html += """
                <tr class="rule" data-state="\(state)" data-rule="\(e(rule.name))"><td class="name">\(e(rule.name))</td>\
                <td>\(e(statistics.joined(separator: ", ")))</td>\
                <td>\(config.periodSeconds) / \(config.delaySeconds) / \(config.rangeSeconds) s</td>\
                <td>\(config.useGetMetricData ? "GetMetricData" : "GetMetricStatistics")</td>\
                <td class="window">\(window)</td><td class="listed">\(count(discovery?.listed))\(source)</td>\
                <td class="exact">\(count(discovery?.exactDimensions))</td><td class="kept">\(count(discovery?.kept))</td>\
                <td class="with-data">\(rule.withData)</td><td class="exported">\(rule.exported)</td>\
                <td class="from-store">\(rule.storeAnswered)</td><td class="last-error">\(error)</td></tr>

                """
        }
        html += "</tbody>\n</table>\n"
        let explained = report.rules.filter { !$0.whyNoData.isEmpty }
        html += "<h3>Why no data</h3>\n"
        if explained.isEmpty {
            html += "<p class=\"all-ok\">Every rule exported series in its last scrape.</p>\n"
        } else {
            html += whyList(explained.map { ($0.name, $0.whyNoData) }, attribute: "data-rule")
        }
        return html + "</section>\n"
    }

    /// The why-no-data sentences of rules or load balancers, one item per sentence, each tagged with its subject's
    /// name in `attribute` (the browser test finds them by it).
    private static func whyList(_ subjects: [(name: String, sentences: [String])], attribute: String) -> String {
        var html = "<ul class=\"why-list\">\n"
        for subject in subjects {
            let name = e(subject.name)
            for sentence in subject.sentences {
                html += "<li class=\"why\" \(attribute)=\"\(name)\"><b>\(name)</b>: \(e(sentence))</li>\n"
            }
        }
        return html + "</ul>\n"
    }

    // MARK: Load balancers

    private static func loadBalancersSection(_ report: StatusReport) -> String {
        var html = """
            <section id="load-balancers">
            <h2>Load balancers</h2>

            """
        if report.loadBalancers.isEmpty {
            html += "<p>The tag cache holds no load balancer (no rule in an ELB namespace with tag labels, or the "
            html += "first refresh has not finished).</p>\n"
        } else {
            // A column for the region and credential source only when the config has several.
            let placed = report.loadBalancers.contains { $0.target != nil }
            html += """
                <table>
                <thead><tr><th>Load balancer</th>\(placed ? "<th>Region and credentials</th>" : "")<th>Kind</th><th>Namespace</th><th>Service</th><th>Ingress</th>\
                <th>Cluster</th><th>Labels on its series</th><th>Rules with its series</th></tr></thead>
                <tbody>

                """
            for lb in report.loadBalancers {
                let labels = lb.labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ")
                html += """
                    <tr class="load-balancer" data-name="\(e(lb.name))"><td class="name">\(e(lb.name))</td>\
                    \(placed ? "<td class=\"target\">\(e(lb.target.map { "\($0)" } ?? ""))</td>" : "")\
                    <td class="kind">\(e(lb.kind))</td><td class="namespace">\(e(lb.namespace ?? ""))</td>\
                    <td class="service">\(e(lb.service ?? ""))</td><td class="ingress">\(e(lb.ingress ?? ""))</td>\
                    <td class="cluster">\(e(lb.cluster ?? ""))</td><td class="labels">\(e(labels))</td>\
                    <td class="rules">\(e(lb.rules.joined(separator: ", ")))</td></tr>

                    """
            }
            html += "</tbody>\n</table>\n"
        }
        let explained = report.loadBalancers.filter { !$0.whyNoData.isEmpty }
        if !explained.isEmpty {
            html += whyList(explained.map { ($0.name, $0.whyNoData) }, attribute: "data-load-balancer")
        }
        if !report.untaggedWithSeries.isEmpty {
            html += "<h3>Series without Kubernetes labels</h3>\n<p>These load balancers have series but no "
            html += "Kubernetes tags (or are not in the tag cache):</p>\n<ul class=\"untagged\">\n"
            for name in report.untaggedWithSeries { html += "<li>\(e(name))</li>\n" }
            html += "</ul>\n"
        }
        return html + "</section>\n"
    }

    // MARK: AWS usage

    private static func usageSection(_ usage: AWSUsage) -> String {
        var html = """
            <section id="aws-usage">
            <h2>AWS usage</h2>
            <p>Billed units: one per ListMetrics or GetMetricStatistics request, one per metric a GetMetricData request \
            asks for; the ELB and tagging APIs are free. Estimated at the public list price of \
            $\(price(AWSUsage.pricePerThousandUnits)) per 1,000 (us-east-1; other regions and free tiers differ).</p>
            <table>
            <thead><tr><th></th><th>Last hour</th><th>Since start</th></tr></thead>
            <tbody>
            <tr><td>Billed CloudWatch units</td><td class="billed-last-hour">\(usage.lastHour.billedUnits)</td>\
            <td class="billed">\(usage.sinceStart.billedUnits)</td></tr>
            <tr><td>Estimated cost (USD)</td><td class="estimated-cost-last-hour">\(price(usage.lastHour.estimatedCostUSD))</td>\
            <td class="estimated-cost">\(price(usage.sinceStart.estimatedCostUSD))</td></tr>

            """
        let hour = Dictionary(
            usage.lastHour.calls.map { ("\($0.service) \($0.action)", $0.count) },
            uniquingKeysWith: +
        )
        for call in usage.sinceStart.calls {
            html += """
                <tr class="calls"><td>\(e(call.service)) \(e(call.action)) calls</td>\
                <td>\(hour["\(call.service) \(call.action)"] ?? 0)</td><td>\(call.count)</td></tr>

                """
        }
        html += "</tbody>\n</table>\n"
        html += "<h3>Calls per minute, last hour</h3>\n" + chart(usage.callsPerMinute)
        let problems = usage.sinceStart.errors.map { ("error", $0) } + usage.sinceStart.retries.map { ("retry", $0) }
        if problems.isEmpty {
            html += "<p>No AWS call failed or was retried.</p>\n"
        } else {
            html += "<h3>Errors and retries since start</h3>\n<table>\n"
            html += "<thead><tr><th>Call</th><th>Failed or retried</th><th>Code or reason</th><th>Count</th></tr>"
            html += "</thead>\n<tbody>\n"
            for (kind, count) in problems {
                html += """
                    <tr class="\(kind)"><td>\(e(count.service)) \(e(count.action))</td><td>\(kind == "error" ? "failed" : "retried")</td>\
                    <td>\(e(count.detail))</td><td>\(count.count)</td></tr>

                    """
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</section>\n"
    }

    /// A bar per minute, oldest on the left; numbers only, so nothing in it comes from outside.
    private static func chart(_ perMinute: [Int]) -> String {
        let width = 600
        let height = 100
        let bar = width / max(perMinute.count, 1)
        let peak = max(perMinute.max() ?? 0, 1)
        var svg = """
            <svg class="chart" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height + 20)" \
            viewBox="0 0 \(width) \(height + 20)" role="img" aria-label="AWS calls per minute over the last hour, \
            peak \(peak)">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#f4f6f8"/>

            """
        for (offset, calls) in perMinute.enumerated() where calls > 0 {
            let barHeight = max(1, calls * height / peak)
            let minutesAgo = perMinute.count - 1 - offset
            svg += """
                <rect x="\(offset * bar)" y="\(height - barHeight)" width="\(max(bar - 1, 1))" height="\(barHeight)" \
                fill="#3b73b9"><title>\(calls) calls, \(minutesAgo) min ago</title></rect>

                """
        }
        svg += """
            <text x="0" y="\(height + 15)" font-size="11">60 min ago</text>
            <text x="\(width)" y="\(height + 15)" font-size="11" text-anchor="end">now (peak \(peak)/min)</text>
            </svg>

            """
        return svg
    }

    // MARK: Process

    private static func processSection(_ process: StatusReport.Process, now: Date) -> String {
        let load = process.lastConfigLoad
        var loadText = "\(load.trigger.rawValue) at \(UTCText.dateTime(load.time)): "
        loadText += load.error.map { "failed, the previous configuration stays in force: \($0)" } ?? "succeeded"
        var html = """
            <section id="process">
            <h2>Process</h2>
            <table class="facts">
            <tr><th>Version</th><td class="version">\(e(process.version)) (revision \(e(process.revision)))</td></tr>
            <tr><th>Started</th><td>\(e(UTCText.dateTime(process.started)))</td></tr>
            <tr><th>Config file</th><td class="config-file">\(e(process.configFile))</td></tr>
            <tr><th>Last config load</th><td class="config-load">\(e(loadText))</td></tr>
            <tr><th>Region</th><td class="region">\(e(process.region))</td></tr>
            <tr><th>Credential source</th><td class="credential-source">\(e(process.credentialSource))</td></tr>

            """
        for (service, time) in process.tagsRefreshed {
            let age = time.map { "\(ageText(now.timeIntervalSince($0))) ago (\(UTCText.dateTime($0)))" } ?? "never"
            html += "<tr><th>Tags of \(e(service)) refreshed</th><td class=\"tag-cache-age\">\(e(age))</td></tr>\n"
        }
        html += "</table>\n"
        if !load.warnings.isEmpty {
            html += "<h3>Config warnings</h3>\n<ul class=\"config-warnings\">\n"
            for warning in load.warnings { html += "<li>\(e(warning))</li>\n" }
            html += "</ul>\n"
        }
        return html + "</section>\n"
    }

    // MARK: Helpers

    private static func e(_ text: String) -> String { HTMLText.escape(text) }

    static func ageText(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "0 s" }
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        return seconds < 1e9 ? "\(Int(seconds / 3600)) h" : "long"
    }

    /// A dollar amount with up to 5 decimals, without a formatter (whose output depends on the locale).
    static func price(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e12 else { return "0" }
        let hundredThousandths = Int64((value * 100_000).rounded())
        let whole = hundredThousandths / 100_000
        var fraction = String(hundredThousandths % 100_000)
        fraction = String(repeating: "0", count: 5 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    private static let style = """
        body{font-family:system-ui,sans-serif;margin:1.5em;color:#1d2329}\
        table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #d0d7de;padding:.25em .5em;\
        text-align:left;vertical-align:top;font-size:.9em}th{background:#f4f6f8}tr[data-state=empty] td.name{color:#b3261e}\
        tr[data-state=warn] td.name{color:#9a6700}.error{color:#b3261e;font-weight:600}li.why{margin:.2em 0}\
        section{margin-bottom:2em}code{background:#f4f6f8;padding:0 .2em}
        """
}
