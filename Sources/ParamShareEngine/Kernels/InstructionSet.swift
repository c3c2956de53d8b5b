import CDNNL

/// The instruction set the engine's oneDNN kernels run on here, as oneDNN names it
/// (`avx2`, `avx512_core`, `avx512_core_bf16`, …): the most capable the CPU has, less any cap
/// set by `ONEDNN_MAX_CPU_ISA`.
///
/// Training is bit-reproducible within one build and one instruction set, not across them
/// (oneDNN picks its kernels, and so the order of its sums, by it), so every run records it.
package enum InstructionSet {
    package static let current: String = {
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_sse41: "sse41"
        case dnnl_cpu_isa_avx: "avx"
        case dnnl_cpu_isa_avx2: "avx2"
        case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
        case dnnl_cpu_isa_avx512_mic: "avx512_mic"
        case dnnl_cpu_isa_avx512_mic_4ops: "avx512_mic_4ops"
        case dnnl_cpu_isa_avx512_core: "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
        case let other: "isa-0x" + String(other.rawValue, radix: 16)
        }
    }()
}
