/// An object the fake API server serves: metadata it fills in (namespace, name, resourceVersion, labels) and the
/// raw JSON of the rest (`"spec": ..., "status": ...`).
struct FakeObject: Sendable, Equatable {
    var namespace: String
    var name: String
    var labels: [String: String] = [:]
    /// JSON members after `metadata`, without surrounding braces; may be empty.
    var members: String

    var key: String { "\(namespace)/\(name)" }

    /// The object as the API server writes it, with `resourceVersion`.
    func json(kind: String, resourceVersion: Int) -> String {
        var metadata = "\"namespace\":\(jsonString(namespace)),\"name\":\(jsonString(name)),"
        metadata += "\"uid\":\(jsonString("uid-\(namespace)-\(name)")),\"resourceVersion\":\"\(resourceVersion)\""
        if !labels.isEmpty {
            let pairs = labels.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            metadata += ",\"labels\":{\(pairs.joined(separator: ","))}"
        }
        // Fields the directory must ignore, present as on a real server.
        metadata += ",\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\"}]"
        let rest = members.isEmpty ? "" : "," + members
        return "{\"kind\":\(jsonString(kind)),\"apiVersion\":\"v1\",\"metadata\":{\(metadata)}\(rest)}"
    }

    /// A Service; `type` LoadBalancer with these ingress hostnames by default.
    static func service(
        _ namespace: String,
        _ name: String,
        type: String = "LoadBalancer",
        hostnames: [String] = [],
        labels: [String: String] = [:]
    ) -> FakeObject {
        let ingress = hostnames.map { "{\"hostname\":\(jsonString($0))}" }.joined(separator: ",")
        let members = """
            "spec":{"type":\(jsonString(type)),"ports":[{"name":"http","port":80,"protocol":"TCP"}],\
            "selector":{"app":\(jsonString(name))}},"status":{"loadBalancer":{"ingress":[\(ingress)]}}
            """
        return FakeObject(namespace: namespace, name: name, labels: labels, members: members)
    }

    /// A TargetGroupBinding; `port` is raw JSON (`80` or `"http"`).
    static func binding(
        _ namespace: String,
        _ name: String,
        arn: String,
        service: String,
        port: String = "80"
    ) -> FakeObject {
        let members = """
            "spec":{"targetGroupARN":\(jsonString(arn)),"targetType":"ip",\
            "serviceRef":{"name":\(jsonString(service)),"port":\(port)}}
            """
        return FakeObject(namespace: namespace, name: name, members: members)
    }
}

/// A JSON string literal for test values (quotes, backslashes and control characters escaped).
func jsonString(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}
