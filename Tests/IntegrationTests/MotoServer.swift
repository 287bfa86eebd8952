import AWSCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A moto_server for one test: started on a free loopback port and stopped by ``stop()``, or an already running
/// server named by `MOTO_ENDPOINT` (never stopped here).
///
/// A missing `moto_server` is a test failure, not a skip: the AWS round trips are the point of this target.
final class MotoServer: @unchecked Sendable {
    let endpoint: String
    private let process: Process?

    private init(endpoint: String, process: Process?) {
        self.endpoint = endpoint
        self.process = process
    }

    static func start() async throws -> MotoServer {
        let environment = ProcessInfo.processInfo.environment
        if let external = environment["MOTO_ENDPOINT"], !external.isEmpty {
            let server = MotoServer(endpoint: external, process: nil)
            try await server.waitUntilAnswering()
            return server
        }
        guard let executable = findExecutable("moto_server", path: environment["PATH"] ?? "") else {
            throw MotoError(message: "moto_server is not on PATH; install moto[server] (pip install 'moto[server]')")
        }
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = MotoServer(endpoint: "http://127.0.0.1:\(port)", process: process)
        do {
            try await server.waitUntilAnswering()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Stops a server this helper started.
    func stop() {
        guard let process, process.isRunning else { return }
        // moto_server (werkzeug) does not always stop on SIGTERM; SIGINT stops it, SIGKILL is the fallback.
        process.interrupt()
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// How long moto_server may take to answer: importing moto alone takes 20 s on a busy 2-core machine.
    static let startTimeout: Duration = .seconds(120)

    private func waitUntilAnswering() async throws {
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(1))
        let deadline = ContinuousClock.now.advanced(by: Self.startTimeout)
        var answered = false
        var exited = false
        while ContinuousClock.now < deadline, !answered {
            if let process, !process.isRunning {
                exited = true
                break
            }
            let probe = HTTPRequest(method: "GET", url: "\(endpoint)/moto-api/")
            answered = (try? await transport.send(probe, timeout: .seconds(2))) != nil
            if !answered { try? await Task.sleep(for: .milliseconds(200)) }
        }
        try? await transport.shutdown()
        if exited { throw MotoError(message: "moto_server exited at start") }
        if !answered {
            throw MotoError(message: "moto_server did not answer at \(endpoint) within \(Self.startTimeout)")
        }
    }

    private static func findExecutable(_ name: String, path: String) -> String? {
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Asks the kernel for a free loopback port.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw MotoError(message: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw MotoError(message: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw MotoError(message: "getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct MotoError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
