import Foundation

/// The processor a run trained on, as the kernel describes it: its model name, vendor, family
/// and model number (`Intel(R) Xeon(R) Processor (GenuineIntel family 6 model 207)`).
///
/// The instruction-set level and oneDNN's kernels do not tell two CPUs apart: an AMD EPYC and an
/// Intel Xeon both with AVX512_BF16 run the same `brgconv:avx512_core_bf16` kernels, whose
/// blocking follows the caches, so a run records the processor too. Virtual machines often give
/// a generic model name, which the family and model number narrow.
package enum Processor {
    /// The description of this machine's first processor, or `unknown` where `/proc/cpuinfo`
    /// cannot be read or names none.
    package static let current: String = describe(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")

    /// The description `/proc/cpuinfo`'s text `cpuinfo` gives of its first processor.
    package static func describe(cpuinfo: String) -> String {
        var fields = [String: String]()
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty, !fields.isEmpty { break }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        let identity = [fields["vendor_id"], fields["cpu family"].map { "family \($0)" }, fields["model"].map { "model \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
        switch (fields["model name"], identity.isEmpty) {
        case let (name?, false): return "\(name) (\(identity))"
        case let (name?, true): return name
        case (nil, false): return identity
        case (nil, true): return "unknown"
        }
    }
}
