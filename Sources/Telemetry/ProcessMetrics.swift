import AWSCore
public import Exposition
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The standard `process_*` metrics, read from `/proc` (Linux); absent where `/proc` is not available.
public struct ProcessMetrics: Sendable {
    private let procRoot: String

    /// Creates a reader of `/proc/self` (or another root, for tests).
    public init(procRoot: String = "/proc/self") { self.procRoot = procRoot }

    /// The families: CPU seconds, start time, open and max file descriptors, virtual and resident memory.
    public func families() -> [MetricFamily] {
        var families: [MetricFamily] = []
        if let stat = try? String(contentsOfFile: procRoot + "/stat", encoding: .utf8),
            let fields = Self.statFields(stat)
        {
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
            if fields.count > 21, ticks > 0 {
                let cpu = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
                families.append(
                    family(
                        "process_cpu_seconds",
                        "Total user and system CPU time spent in seconds.",
                        .counter,
                        cpu,
                        sample: "process_cpu_seconds_total"
                    )
                )
                if let bootTime = Self.bootTime(), let startTicks = Double(fields[19]) {
                    families.append(
                        family(
                            "process_start_time_seconds",
                            "Start time of the process since unix epoch in seconds.",
                            .gauge,
                            bootTime + startTicks / ticks
                        )
                    )
                }
                families.append(
                    family(
                        "process_virtual_memory_bytes",
                        "Virtual memory size in bytes.",
                        .gauge,
                        Double(fields[20]) ?? 0
                    )
                )
                if fields.count > 21 {
                    families.append(
                        family(
                            "process_resident_memory_bytes",
                            "Resident memory size in bytes.",
                            .gauge,
                            (Double(fields[21]) ?? 0) * pageSize
                        )
                    )
                }
            }
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: procRoot + "/fd") {
            families.append(
                family("process_open_fds", "Number of open file descriptors.", .gauge, Double(descriptors.count))
            )
        }
        if let limits = try? String(contentsOfFile: procRoot + "/limits", encoding: .utf8),
            let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") })
        {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count > 3, let soft = Double(parts[3]) {
                families.append(family("process_max_fds", "Maximum number of open file descriptors.", .gauge, soft))
            }
        }
        return families
    }

    private func family(_ name: String, _ help: String, _ type: MetricType, _ value: Double, sample: String? = nil)
        -> MetricFamily
    {
        MetricFamily(name: name, help: help, type: type, samples: [Sample(name: sample ?? name, value: value)])
    }

    /// The fields of `/proc/self/stat` after the command name (which may contain spaces), so index 0 is the state.
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    private static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") })
        else { return nil }
        return Double(line.dropFirst("btime ".count).trimmingWhitespace())
    }
}
