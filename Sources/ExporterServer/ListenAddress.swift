/// A `--web.listen-address` value: `:9106`, `0.0.0.0:9106`, `127.0.0.1:9106` or `[::]:9106`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host to bind; all IPv4 interfaces when the address has none, as upstream binds.
    public var host: String
    /// The port.
    public var port: Int

    /// Parses `text`.
    /// - Throws: ``ListenAddressError`` when the port is missing or not a number in 0...65535.
    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":") else { throw ListenAddressError(text: text) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ListenAddressError(text: text)
        }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    /// An address on all interfaces for an upstream-style positional port.
    public init(port: Int) {
        self.host = "0.0.0.0"
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A listen address that cannot be parsed.
public struct ListenAddressError: Error, CustomStringConvertible {
    /// The text given.
    public var text: String
    public var description: String {
        "invalid listen address \"\(text)\": expected [host]:port, e.g. :9106 or 127.0.0.1:9106"
    }
}
