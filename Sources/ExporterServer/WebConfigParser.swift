import FoundationEssentials
import YAMLDocument

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Parses and validates an exporter-toolkit web configuration file as strictly as exporter-toolkit does
/// (`yaml.UnmarshalStrict`: unknown and duplicate keys are errors), plus its semantic checks (`ConfigToTLSConfig`,
/// `validateUsers`, `validateHeaderConfig`).
///
/// It checks the file's text only; reading the certificate and key files is ``WebTLSContextFactory``'s job, so a
/// start-up check does both and a request only parses.
public struct WebConfigParser {
    /// Files larger than this are refused before parsing: a web config is a few lines, and YAML aliases can make a
    /// small file expand, so the size is bounded where it is cheap to bound.
    public static let maximumFileSize = 1 << 20

    private let file: String
    private var problems: [WebConfigError.Problem] = []

    private init(file: String) {
        self.file = file
    }

    /// Parses `text`, the content of `file` (used for messages and to resolve relative paths).
    /// - Throws: ``WebConfigError`` listing every problem found.
    public static func parse(_ text: String, file: String) throws -> WebConfig {
        var parser = WebConfigParser(file: file)
        guard text.utf8.count <= maximumFileSize else {
            throw WebConfigError(file: file, message: "the file is larger than \(maximumFileSize) bytes")
        }
        let root: YAMLNode?
        do {
            root = try composer.compose(text)
        } catch {
            throw WebConfigError(file: file, message: "invalid YAML: \(Self.describe(error))")
        }
        let config = parser.document(root)
        if !parser.problems.isEmpty {
            // In file order: a mapping's unknown keys are found before its known keys' values are read.
            let ordered = parser.problems.enumerated().sorted {
                ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
            }.map(\.element)
            throw WebConfigError(file: file, problems: ordered)
        }
        return config
    }

    /// The composer for web configs: YAMLDocument's limits, and duplicate keys refused as yaml.v2's `UnmarshalStrict`
    /// refuses them (keys are strings: a key's text names it, unless it is tagged otherwise).
    private static let composer = YAMLComposer(
        duplicateKeys: .reject(scalarType: { scalar in
            scalar.tag == nil || scalar.tag == YAMLScalar.nonSpecificTag ? YAMLScalar.stringTag : scalar.tag ?? ""
        })
    )

    /// Reads and parses the file at `path`.
    /// - Throws: ``WebConfigError`` when the file cannot be read or is invalid.
    public static func load(path: String) throws -> WebConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw WebConfigError(file: path, message: "cannot read the file: \(Self.describe(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WebConfigError(file: path, message: "the file is not UTF-8")
        }
        return try parse(text, file: path)
    }

    // MARK: - Document

    private mutating func document(_ root: YAMLNode?) -> WebConfig {
        var config = WebConfig()
        guard let root, !isNull(root) else { return config }
        let known = ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"]
        for (key, _, value) in mapping(root, path: "", known: known) {
            switch key {
            case "tls_server_config": config.tls = tls(value, path: key)
            case "http_server_config": http(value, path: key, into: &config)
            case "basic_auth_users": config.users = users(value, path: key)
            case "rate_limit": config.rateLimit = rateLimit(value, path: key)
            default: break
            }
        }
        return config
    }

    private mutating func tls(_ node: YAMLNode, path: String) -> WebTLSConfig? {
        let known = [
            "cert", "key", "client_ca", "cert_file", "key_file", "client_auth_type", "client_ca_file",
            "client_allowed_sans", "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites",
            "curve_preferences",
        ]
        var strings: [String: (value: String, node: YAMLNode)] = [:]
        var config = WebTLSConfig(certificate: .inline(""), key: .inline(""))
        for (key, keyNode, value) in mapping(node, path: path, known: known) {
            let keyPath = "\(path).\(key)"
            switch key {
            case "cert", "key", "client_ca", "cert_file", "key_file", "client_auth_type", "client_ca_file":
                if let text = string(value, path: keyPath), !text.isEmpty { strings[key] = (text, keyNode) }
            case "min_version", "max_version":
                guard let text = string(value, path: keyPath) else { continue }
                guard let version = WebTLSConfig.Version(rawValue: text) else {
                    problem(value, keyPath, "unknown TLS version: \(text) (expected TLS10, TLS11, TLS12 or TLS13)")
                    continue
                }
                if key == "min_version" { config.minVersion = version } else { config.maxVersion = version }
            case "cipher_suites":
                config.cipherSuites = list(value, path: keyPath).compactMap { item, itemNode in
                    guard let code = WebTLSConfig.cipherSuiteNames[item] else {
                        problem(itemNode, keyPath, "unknown cipher: \(item)")
                        return nil
                    }
                    return code
                }
            case "curve_preferences":
                config.curvePreferences = list(value, path: keyPath).compactMap { item, itemNode in
                    guard let code = WebTLSConfig.curveNames[item] else {
                        problem(
                            itemNode,
                            keyPath,
                            "unknown curve: \(item) (expected CurveP256, CurveP384, CurveP521 or X25519)"
                        )
                        return nil
                    }
                    return code
                }
            case "prefer_server_cipher_suites":
                if let flag = bool(value, path: keyPath) { config.preferServerCipherSuites = flag }
            case "client_allowed_sans":
                if !isNull(value) { config.clientAllowedSANs = list(value, path: keyPath).map(\.0) }
            default: break
            }
        }
        // exporter-toolkit's IsEnabled: any of these makes the server speak TLS; none of them means plain HTTP even
        // when other TLS keys (versions, ciphers) are present.
        let enabling = ["cert", "key", "client_ca", "cert_file", "key_file", "client_ca_file", "client_auth_type"]
        guard enabling.contains(where: { strings[$0] != nil }) else { return nil }
        config.certificate = source(strings, file: "cert_file", inline: "cert", path: path) ?? .inline("")
        config.key = source(strings, file: "key_file", inline: "key", path: path) ?? .inline("")
        if strings["cert_file"] == nil, strings["cert"] == nil {
            problem(node, path, "missing one of cert or cert_file")
        }
        if strings["key_file"] == nil, strings["key"] == nil {
            problem(node, path, "missing one of key or key_file")
        }
        config.clientCA = source(strings, file: "client_ca_file", inline: "client_ca", path: path)
        if let auth = strings["client_auth_type"] {
            if let value = WebTLSConfig.ClientAuth(name: auth.value) {
                config.clientAuth = value
            } else {
                let names = WebTLSConfig.ClientAuth.allCases.map(\.rawValue).joined(separator: ", ")
                problem(
                    auth.node,
                    "\(path).client_auth_type",
                    "invalid ClientAuth: \(auth.value) (expected one of \(names))"
                )
            }
        }
        if config.clientCA != nil, config.clientAuth == .noClientCert {
            problem(node, path, "client CA's have been configured without a Client Auth Policy (set client_auth_type)")
        }
        if config.minVersion > config.maxVersion {
            problem(
                node,
                path,
                "min_version \(config.minVersion.rawValue) is above max_version \(config.maxVersion.rawValue)"
            )
        }
        return config
    }

    /// The file or inline form of one PEM input. Both forms at once are refused: exporter-toolkit silently prefers
    /// the file, which hides a mistake.
    private mutating func source(
        _ strings: [String: (value: String, node: YAMLNode)],
        file fileKey: String,
        inline inlineKey: String,
        path: String
    ) -> WebTLSConfig.Source? {
        switch (strings[fileKey], strings[inlineKey]) {
        case (let file?, nil): return .file(Self.join(directoryOf: self.file, file.value))
        case (nil, let inline?): return .inline(inline.value)
        case (let file?, _?):
            problem(file.node, path, "give either \(fileKey) or \(inlineKey), not both")
            return nil
        case (nil, nil): return nil
        }
    }

    private mutating func http(_ node: YAMLNode, path: String, into config: inout WebConfig) {
        for (key, _, value) in mapping(node, path: path, known: ["http2", "headers"]) {
            let keyPath = "\(path).\(key)"
            switch key {
            case "http2":
                if let flag = bool(value, path: keyPath) { config.http2 = flag }
            case "headers":
                for (name, nameNode, valueNode) in mapping(value, path: keyPath, known: nil) {
                    let headerPath = "\(keyPath).\(name)"
                    guard let text = string(valueNode, path: headerPath) else { continue }
                    guard let allowed = WebConfig.allowedHeaders[name] else {
                        problem(
                            nameNode,
                            keyPath,
                            "HTTP header \"\(name)\" can not be configured (allowed: \(WebConfig.allowedHeaders.keys.sorted().joined(separator: ", ")))"
                        )
                        continue
                    }
                    if !allowed.isEmpty, !allowed.contains(text) {
                        problem(
                            valueNode,
                            headerPath,
                            "invalid value for \(name). Expected one of: \(allowed), but got: \"\(text)\""
                        )
                        continue
                    }
                    // A value with a line break or another control character would split or corrupt the response
                    // head; Go rewrites such bytes, this exporter refuses them.
                    if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
                        problem(valueNode, headerPath, "the value contains a control character")
                        continue
                    }
                    if !text.isEmpty { config.headers[name] = text }
                }
            default: break
            }
        }
    }

    private mutating func rateLimit(_ node: YAMLNode, path: String) -> WebConfig.RateLimit? {
        var interval = Duration.zero
        var burst = 0
        for (key, _, value) in mapping(node, path: path, known: ["interval", "burst"]) {
            let keyPath = "\(path).\(key)"
            guard let text = string(value, path: keyPath) else { continue }
            switch key {
            case "interval":
                // Go's yaml.v2 reads a plain integer into a time.Duration as nanoseconds, and a string with
                // time.ParseDuration.
                if let nanoseconds = Int64(text), nanoseconds >= 0 {
                    interval = .nanoseconds(nanoseconds)
                } else if let parsed = GoDuration.parse(text) {
                    interval = parsed
                } else {
                    problem(value, keyPath, "invalid duration \"\(text)\" (expected e.g. 100ms, 1s, 1m)")
                }
            case "burst":
                if text.isEmpty { continue }
                guard let number = Int(text), number >= 0 else {
                    problem(value, keyPath, "expected a non-negative integer, got \"\(text)\"")
                    continue
                }
                burst = number
            default: break
            }
        }
        // exporter-toolkit: "set to 0 to disable rate limiter".
        return interval > .zero ? WebConfig.RateLimit(interval: interval, burst: burst) : nil
    }

    private mutating func users(_ node: YAMLNode, path: String) -> [String: String] {
        var users: [String: String] = [:]
        for (user, _, value) in mapping(node, path: path, known: nil) {
            let keyPath = "\(path).\(user)"
            guard let hash = string(value, path: keyPath) else { continue }
            // The hash itself is never echoed: it is a secret in exporter-toolkit's model.
            if let complaint = BcryptHash.problem(hash) {
                problem(value, keyPath, complaint)
                continue
            }
            users[user] = hash
        }
        return users
    }

    // MARK: - Node helpers

    /// The pairs of a mapping, reporting keys outside `known` (when given), duplicate keys and non-scalar keys.
    private mutating func mapping(_ node: YAMLNode, path: String, known: [String]?) -> [(String, YAMLNode, YAMLNode)] {
        if isNull(node) { return [] }
        guard case .mapping(let mapping) = node.kind else {
            problem(node, path, "expected a mapping, got \(kind(node))")
            return []
        }
        var seen = Set<String>()
        var pairs: [(String, YAMLNode, YAMLNode)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode.kind else {
                problem(keyNode, path, "keys must be strings")
                continue
            }
            let key = scalar.value
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            if let known, !known.contains(key) {
                problem(keyNode, keyPath, "unknown key \"\(key)\" (known keys: \(known.joined(separator: ", ")))")
                continue
            }
            guard seen.insert(key).inserted else {
                problem(keyNode, keyPath, "key \"\(key)\" already set")
                continue
            }
            pairs.append((key, keyNode, value))
        }
        return pairs
    }

    /// A scalar's text, as Go's YAML decoder gives any scalar to a string field; `nil` (with a problem) for a
    /// mapping or list. A null value is the empty string, Go's zero value.
    private mutating func string(_ node: YAMLNode, path: String) -> String? {
        if isNull(node) { return "" }
        guard case .scalar(let scalar) = node.kind else {
            problem(node, path, "expected a string, got \(kind(node))")
            return nil
        }
        return scalar.value
    }

    /// A YAML 1.1 boolean (`true`, `yes`, `on`, ...), as Go's yaml.v2 reads one.
    private mutating func bool(_ node: YAMLNode, path: String) -> Bool? {
        if case .scalar(let scalar) = node.kind, scalar.style == .plain {
            switch scalar.value {
            case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE": return true
            case "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE": return false
            default: break
            }
        }
        problem(node, path, "expected a boolean (true or false), got \(kind(node))")
        return nil
    }

    /// A list of strings with each item's node (for positions).
    private mutating func list(_ node: YAMLNode, path: String) -> [(String, YAMLNode)] {
        if isNull(node) { return [] }
        guard case .sequence(let sequence) = node.kind else {
            problem(node, path, "expected a list, got \(kind(node))")
            return []
        }
        return sequence.compactMap { item in string(item, path: path).map { ($0, item) } }
    }

    private func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node.kind, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.value)
    }

    private func kind(_ node: YAMLNode) -> String {
        switch node.kind {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar: "a scalar"
        }
    }

    private mutating func problem(_ node: YAMLNode, _ key: String, _ message: String) {
        problems.append(.init(line: node.mark.line, column: node.mark.column, key: key, message: message))
    }

    /// exporter-toolkit's `JoinDir`: relative paths are relative to the web config file's directory.
    static func join(directoryOf file: String, _ path: String) -> String {
        if path.isEmpty || path.hasPrefix("/") { return path }
        guard let slash = file.lastIndex(of: "/") else { return path }
        let directory = file[..<slash]
        if directory.isEmpty { return "/" + path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// A YAML error without the document's text (which may hold a secret): libyaml's problem and position only.
    private static func describe(_ error: YAMLError) -> String {
        switch error.kind {
        case .duplicateKeys:
            "\(error.mark): keys set more than once: \(error.duplicateKeys.joined(separator: ", "))"
        case .reader, .scanner, .parser, .composer, .memory:
            "\(error.mark): \(error.problem)"
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let posix = cocoa.userInfo["NSUnderlyingError"] as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        return "\(error)"
    }
}
