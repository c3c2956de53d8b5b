import Foundation

/// The memory a run may use: the least of the machine's physical memory, what the process's
/// address-space limit (`ulimit -v`, as clusters set it) leaves it, and its control group's
/// limit (a container's or a batch job's).
///
/// A run that outgrows any of the three fails an allocation and traps partway, so the
/// preflight checks the run against the least, and names it.
struct MemoryLimit: Equatable {
    /// The bytes available.
    var bytes: Double
    /// What sets them, for messages: "this machine's 23.4 GiB", say.
    var source: String

    /// The least of the limits that are set, with its source.
    static func least(physical: Double, addressSpaceLeft: Double?, controlGroup: Double?) -> MemoryLimit {
        var least = MemoryLimit(bytes: physical, source: "this machine's \(gibibytes(physical))")
        if let controlGroup, controlGroup < least.bytes {
            least = MemoryLimit(bytes: controlGroup, source: "the \(gibibytes(controlGroup)) its control group allows (memory.max)")
        }
        if let addressSpaceLeft, addressSpaceLeft < least.bytes {
            least = MemoryLimit(bytes: addressSpaceLeft,
                                source: "the \(gibibytes(addressSpaceLeft)) the process's address-space limit leaves it (ulimit -v)")
        }
        return least
    }

    /// The limits of this process on this machine now.
    static func current() -> MemoryLimit {
        least(physical: Double(ProcessInfo.processInfo.physicalMemory), addressSpaceLeft: addressSpaceLeft(), controlGroup: controlGroupLimit())
    }

    /// The address space the process may still map under its soft `RLIMIT_AS`, or `nil` if unlimited.
    private static func addressSpaceLeft() -> Double? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }  // RLIM_INFINITY
        // /proc/self/statm's first field: the pages the process maps now.
        let pages = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) } ?? 0
        return max(0, Double(limit.rlim_cur) - pages * Double(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// The cgroup v2 memory limit of this process's group, or `nil` where none is set or readable.
    private static func controlGroupLimit() -> Double? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))  // "max" reads as nil: no limit
    }

    private static func gibibytes(_ bytes: Double) -> String {
        String(format: "%.1f GiB", bytes / Double(1 << 30))
    }
}
