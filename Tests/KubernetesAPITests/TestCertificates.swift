import Foundation
import Synchronization

/// Certificates made with `openssl` when a test first needs them (never committed): a CA, a server certificate
/// for 127.0.0.1 only (not for 127.0.0.2, which reaches the same test server) signed by it, a client certificate signed by it, and an unrelated second CA.
struct TestCertificates: Sendable {
    var authorityPEM: String
    var serverCertificatePEM: String
    var serverKeyPEM: String
    var clientCertificatePEM: String
    var clientKeyPEM: String
    var otherAuthorityPEM: String

    private static let shared = Mutex<Task<TestCertificates, any Error>?>(nil)

    /// The certificates, generated once per test process.
    static func get() async throws -> TestCertificates {
        let task = shared.withLock { task in
            if let task { return task }
            let made = Task { try generate() }
            task = made
            return made
        }
        return try await task.value
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var description: String { "openssl \(arguments.joined(separator: " ")) exited with \(status)" }
    }

    private static func generate() throws -> TestCertificates {
        let directory = try TemporaryDirectory()
        let dir = directory.path
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try directory.write(
            "server.ext",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
        )
        try directory.write("client.ext", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n")
        for name in ["ca", "other-ca"] {
            try openssl(
                ["req", "-x509"] + curve + [
                    "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).crt", "-days", "3650",
                    "-subj", "/CN=\(name) for kubernetes api tests",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ]
            )
        }
        for name in ["server", "client"] {
            try openssl(
                ["req"] + curve + [
                    "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).csr",
                    "-subj", name == "server" ? "/CN=127.0.0.1" : "/CN=exporter/O=tests",
                ]
            )
            try openssl([
                "x509", "-req", "-in", "\(dir)/\(name).csr", "-CA", "\(dir)/ca.crt", "-CAkey", "\(dir)/ca.key",
                "-CAcreateserial", "-out", "\(dir)/\(name).crt", "-days", "3650", "-extfile", "\(dir)/\(name).ext",
            ])
        }
        func read(_ name: String) throws -> String { try String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8) }
        return TestCertificates(
            authorityPEM: try read("ca.crt"),
            serverCertificatePEM: try read("server.crt"),
            serverKeyPEM: try read("server.key"),
            clientCertificatePEM: try read("client.crt"),
            clientKeyPEM: try read("client.key"),
            otherAuthorityPEM: try read("other-ca.crt")
        )
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailed(arguments: arguments, status: process.terminationStatus)
        }
    }
}
