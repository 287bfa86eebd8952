import FoundationEssentials
import ScrapeStatus

/// The status page's target groups, Services and Kubernetes API sections.
extension StatusPage {
    private static func e(_ text: String) -> String { HTMLText.escape(text) }

    static func targetGroupsSection(_ report: StatusReport) -> String {
        guard !report.targetGroups.isEmpty else { return "" }
        let placed = report.targetGroups.contains { $0.target != nil }
        var html = """
            <section id="target-groups">
            <h2>Target groups</h2>
            <p>A series with a <code>TargetGroup</code> dimension carries the namespace and Service of its target \
            group's backend Service: from its TargetGroupBinding (the Kubernetes API source), else from the tags the \
            Kubernetes controllers write on it.</p>
            <table>
            <thead><tr><th>Target group</th>\(placed ? "<th>Region and credentials</th>" : "")<th>Load balancer</th>\
            <th>Namespace</th><th>Service</th><th>Port</th><th>Ingress</th><th>Source</th><th>Notes</th></tr></thead>
            <tbody>

            """
        for group in report.targetGroups {
            let target = placed ? "<td class=\"target\">\(e(group.target.map { "\($0)" } ?? ""))</td>" : ""
            html += """
                <tr class="target-group" data-name="\(e(group.name))"><td class="name">\(e(group.name))</td>\(target)\
                <td class="load-balancer">\(e(group.loadBalancers.joined(separator: ", ")))</td>\
                <td class="namespace">\(e(group.namespace ?? ""))</td><td class="service">\(e(group.service ?? ""))</td>\
                <td class="port">\(e(group.port ?? ""))</td><td class="ingress">\(e(group.ingress ?? ""))</td>\
                <td class="source">\(e(group.source))</td><td class="notes">\(e(group.notes.joined(separator: " ")))</td></tr>

                """
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func servicesSection(_ report: StatusReport) -> String {
        guard !report.services.isEmpty else { return "" }
        var html = """
            <section id="services">
            <h2>Services</h2>
            <p>What fronts each Kubernetes Service: the load balancers and target groups whose series carry its \
            figures.</p>
            <table>
            <thead><tr><th>Namespace</th><th>Service</th><th>Load balancers</th><th>Target groups</th></tr></thead>
            <tbody>

            """
        for front in report.services {
            html += """
                <tr class="service-front" data-name="\(e(front.namespace + "/" + front.service))">\
                <td class="namespace">\(e(front.namespace))</td><td class="service">\(e(front.service))</td>\
                <td class="load-balancers">\(e(front.loadBalancers.joined(separator: ", ")))</td>\
                <td class="target-groups">\(e(front.targetGroups.joined(separator: ", ")))</td></tr>

                """
        }
        return html + "</tbody>\n</table>\n</section>\n"
    }

    static func kubernetesSection(_ source: StatusReport.KubernetesSource?, now: Date) -> String {
        guard let source else { return "" }
        var html = """
            <section id="kubernetes">
            <h2>Kubernetes API</h2>
            <table>
            <thead><tr><th>Resource</th><th>State</th><th>Since</th><th>Objects</th><th>Last error</th></tr></thead>
            <tbody>

            """
        for resource in source.resources {
            let since = resource.failingSince ?? resource.notInstalledSince ?? resource.syncedSince
            let sinceText = since.map { "\(ageText(now.timeIntervalSince($0))) ago (\(UTCText.dateTime($0)))" } ?? ""
            html += """
                <tr class="kubernetes-resource" data-name="\(e(resource.name))"><td class="name">\(e(resource.name))</td>\
                <td class="state">\(e(resource.state))</td><td class="since">\(e(sinceText))</td>\
                <td class="objects">\(resource.objects)</td><td class="error">\(e(resource.lastError ?? ""))</td></tr>

                """
        }
        html += "</tbody>\n</table>\n"
        html += "<p>An unreachable API server never delays a scrape: the last mapping stays in use.</p>\n"
        return html + "</section>\n"
    }
}
