import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import ExporterServer

@Suite struct WebConfigStoreTests {
    static let hash = WebConfigParserTests.hash

    func temporaryFile(_ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("webconfig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("web.yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func rereadsOnChangeAndFailsWhileInvalid() throws {
        let path = try temporaryFile("basic_auth_users:\n  a: \(Self.hash)\n")
        let store = try WebConfigStore(path: path, logger: Logger(label: "test"))
        #expect(!store.servesTLS)
        #expect(try store.current().get().users.keys.sorted() == ["a"])
        try "basic_auth_users:\n  b: \(Self.hash)\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try store.current().get().users.keys.sorted() == ["b"])
        try "basic_auth_users: [\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: WebConfigError.self) { try store.current().get() }
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: WebConfigError.self) { try store.current().get() }
        try "{}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try store.current().get() == WebConfig())
    }

    @Test func startUpFailsOnMissingCertificateFiles() throws {
        let path = try temporaryFile("tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n")
        #expect {
            try WebConfigStore.validate(path: path)
        } throws: { error in
            "\(error)".contains("tls_server_config.cert_file: cannot read") && "\(error)".contains(path)
        }
        #expect(throws: WebConfigError.self) { try WebConfigStore.validate(path: path + ".absent") }
    }

    @Test func connectionCapClosesTheLongestWaitingConnection() throws {
        let registry = ConnectionRegistry(maxConnections: 2)
        let first = EmbeddedChannel()
        let second = EmbeddedChannel()
        let third = EmbeddedChannel()
        let fourth = EmbeddedChannel()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 9106)
        for channel in [first, second, third, fourth] { try channel.connect(to: address).wait() }
        #expect(registry.open(first))
        #expect(registry.open(second))
        registry.setBusy(second, true)
        // The cap is reached: the waiting one (first) goes, the busy one stays.
        #expect(registry.open(third))
        #expect(!first.isActive)
        #expect(second.isActive && third.isActive)
        #expect(registry.count == 2)
        registry.setBusy(third, true)
        // Every connection is busy: the newcomer is refused.
        #expect(!registry.open(fourth))
        #expect(registry.count == 2)
        registry.close(second)
        #expect(registry.count == 1)
    }
}
