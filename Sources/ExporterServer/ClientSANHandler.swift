import NIOCore
import NIOSSL
import NIOTLS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `client_allowed_sans`: once the TLS handshake completes, the client certificate must carry one of the allowed
/// Subject Alternative Names (DNS, IP, e-mail or URI, exact match, as exporter-toolkit's `VerifyPeerCertificate`),
/// else the connection is closed before any request is read.
final class ClientSANHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let allowed: Set<String>
    private var verified = false

    init(allowed: [String]) {
        self.allowed = Set(allowed)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
                .peerCertificate
            if let certificate, !allowed.isDisjoint(with: Self.names(certificate)) {
                verified = true
            } else {
                context.close(promise: nil)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Nothing reaches HTTP before the check has passed.
        guard verified else { return }
        context.fireChannelRead(data)
    }

    /// The certificate's SANs as Go prints them: DNS names, e-mail addresses, IPs and URIs. NIOSSL's SAN reader is
    /// used (BoringSSL parses the extension) rather than a second X.509 parser.
    static func names(_ certificate: NIOSSLCertificate) -> [String] {
        certificate._subjectAlternativeNames().compactMap { name in
            let bytes = Array(name.contents)
            switch name.nameType {
            case .ipAddress: return format(ip: bytes)
            case .dnsName, .email, .uri: return String(decoding: bytes, as: UTF8.self)
            default: return nil
            }
        }
    }

    /// An IP address in Go's `net.IP.String()` form (dotted IPv4, compressed IPv6); `nil` for a bad length.
    static func format(ip bytes: [UInt8]) -> String? {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let result = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard result != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
