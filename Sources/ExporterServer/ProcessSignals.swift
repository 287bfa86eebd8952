import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process-wide signal settings the server needs before it starts.
public enum ProcessSignals {
    /// Ignores SIGPIPE, whose default action ends the process: a log line written to a stderr pipe whose reader
    /// went away (a closed `kubectl logs -f`, a crashed log shipper) must fail that write, not stop monitoring.
    /// NIO's sockets already suppress it per write; stderr is a plain file descriptor.
    public static func ignoreBrokenPipe() {
        _ = signal(SIGPIPE, SIG_IGN)
    }
}
