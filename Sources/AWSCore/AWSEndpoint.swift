/// Where to send a service's requests and how to sign them.
public struct AWSEndpoint: Sendable, Hashable {
    /// `http` or `https`.
    public var scheme: String
    /// The host name or address (IPv6 in brackets).
    public var host: String
    /// The port, when not the scheme's default.
    public var port: Int?
    /// The request path, `/` unless an override URL carries one.
    public var path: String
    /// The region the signature is scoped to (overrides never change it).
    public var signingRegion: String
    /// The SigV4 service name.
    public var signingName: String

    /// Creates an endpoint.
    public init(
        scheme: String,
        host: String,
        port: Int? = nil,
        path: String = "/",
        signingRegion: String,
        signingName: String
    ) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.signingRegion = signingRegion
        self.signingName = signingName
    }

    /// The value of the `Host` header: the host, plus the port when it is not the default.
    public var hostHeader: String {
        guard let port else { return host }
        return "\(host):\(port)"
    }

    /// The absolute URL of the request, e.g. `https://monitoring.us-east-1.amazonaws.com/`.
    public var url: String { "\(scheme)://\(hostHeader)\(path)" }
}
