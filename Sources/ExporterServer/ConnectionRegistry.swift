import NIOCore
import Synchronization

/// The open connections, for `--web.max-connections`.
///
/// When a connection beyond the cap arrives, the registry closes the connection that has waited longest without a
/// request in progress (idle keep-alive, or still sending its request: a slowloris). Refusing new connections
/// instead would let a client that holds the cap with idle sockets lock Prometheus out until the idle timeout;
/// closing the longest-waiting one keeps a slot for Prometheus, whose own connection is busy or recently used.
/// Only when every open connection has a request in progress is the new connection closed.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        var channel: any Channel
        var busy: Bool
        /// When the connection last started waiting (opened, or finished a response).
        var waitingSince: NIODeadline
    }

    private let maxConnections: Int
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// The number of open connections.
    var count: Int { entries.withLock { $0.count } }

    /// Registers a new connection; returns `false` when it must be closed because every slot is busy.
    func open(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let (admitted, victim) = entries.withLock { entries -> (Bool, (any Channel)?) in
            var victim: (any Channel)?
            if entries.count >= maxConnections {
                guard
                    let oldest = entries.filter({ !$0.value.busy }).min(by: {
                        $0.value.waitingSince < $1.value.waitingSince
                    })
                else { return (false, nil) }
                victim = oldest.value.channel
                entries[oldest.key] = nil
            }
            entries[id] = Entry(channel: channel, busy: false, waitingSince: .now())
            return (true, victim)
        }
        // Closed outside the lock: close runs the victim's handlers, which call back into the registry.
        victim?.close(promise: nil)
        return admitted
    }

    /// Marks a connection busy (a request is being answered) or waiting.
    func setBusy(_ channel: any Channel, _ busy: Bool) {
        entries.withLock { entries in
            let id = ObjectIdentifier(channel)
            guard entries[id] != nil else { return }
            entries[id]?.busy = busy
            if !busy { entries[id]?.waitingSince = .now() }
        }
    }

    /// Forgets a closed connection.
    func close(_ channel: any Channel) {
        _ = entries.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}
