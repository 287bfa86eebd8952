#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A detached POSIX thread that sleeps, says why, and ends the process with status 0: it fires even when every
/// task and every thread of Swift's concurrency pool is stuck.
enum ShutdownWatchdog {
    /// What the thread needs, handed over through its start argument.
    private final class Job {
        let delay: Duration
        let report: @Sendable () -> Void

        init(delay: Duration, report: @escaping @Sendable () -> Void) {
            self.delay = delay
            self.report = report
        }
    }

    /// Starts the thread: after `delay`, `report` runs and the process exits. When no thread can be started, the
    /// process exits at once (it is shutting down, and nothing would bound it otherwise).
    static func start(after delay: Duration, report: @escaping @Sendable () -> Void) {
        let job = Unmanaged.passRetained(Job(delay: delay, report: report)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let started = pthread_create(
            &thread,
            &attributes,
            { argument in
                guard let argument else { return nil }
                let job = Unmanaged<Job>.fromOpaque(argument).takeRetainedValue()
                let (seconds, attoseconds) = job.delay.components
                var remaining = timespec(
                    tv_sec: Int(max(seconds, 0)),
                    tv_nsec: Int(max(attoseconds, 0) / 1_000_000_000)
                )
                var left = timespec()
                while nanosleep(&remaining, &left) != 0, errno == EINTR { remaining = left }
                job.report()
                _exit(0)
            },
            job
        )
        if started != 0 {
            Unmanaged<Job>.fromOpaque(job).release()
            report()
            _exit(0)
        }
    }
}
