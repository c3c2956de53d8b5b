import CDNNL
import CNumerics
import Foundation

/// Which library multiplies the engine's `Float` matrices (``EngineScalar/cblasGEMM``):
/// OpenBLAS where it has vector kernels for this CPU, oneDNN's `sgemm` where it has none.
///
/// OpenBLAS picks its kernels at load time from the CPUs it knows. Debian's 0.3.21 does not know
/// an Intel Xeon of family 6, model 207 (Emerald Rapids), and falls back to its `Prescott`
/// kernels, SSE3 only, on a CPU with AVX-512: there the MLP's and LeNet-5's linear layers, the
/// im2col convolutions and the generators' products ran at a fraction of the machine's speed,
/// and the MLP inferred at 0.94 of PyTorch's (`sgemm_kernel_PRESCOTT` was 4.9 % of a ResNet-56
/// step's samples). oneDNN's `sgemm` has its own AVX2 and AVX-512 kernels, chosen by its own
/// CPU detection.
///
/// The choice depends only on the two libraries' view of the CPU, never on a timing, so a seed
/// gives the same bits on one machine every time (the libraries round differently, so not the
/// same bits as on a machine where the other library runs). Each product runs on the calling
/// thread, so results stay independent of the engine's thread count.
package enum FloatGEMMLibrary {
    /// OpenBLAS's kernel set for this CPU, as it names it (`Haswell`, `Zen`, `SkylakeX`,
    /// `Cooperlake`, `Prescott`, …).
    package static let openBLASCore: String = openblas_get_corename().map { String(cString: $0) } ?? "unknown"

    /// Whether the engine's `Float` products run on oneDNN's `sgemm`: OpenBLAS's kernels for this
    /// CPU use no AVX2 while oneDNN's run AVX2 or better.
    package static let usesOneDNN: Bool = {
        let isa = dnnl_get_effective_cpu_isa().rawValue, avx2 = dnnl_cpu_isa_avx2.rawValue
        return usesOneDNN(openBLASCore: openBLASCore, oneDNNRunsAVX2: isa & avx2 == avx2)
    }()

    /// The rule of ``usesOneDNN``: OpenBLAS's kernel set `openBLASCore` is none of its x86-64
    /// sets that use AVX2 or AVX-512, and oneDNN runs AVX2 or better.
    static func usesOneDNN(openBLASCore: String, oneDNNRunsAVX2: Bool) -> Bool {
        let kernelsWithAVX2: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]
        return oneDNNRunsAVX2 && !kernelsWithAVX2.contains(openBLASCore.lowercased())
    }

    /// One line naming the library and why, for benchmarks and logs.
    package static var summary: String {
        usesOneDNN ? "Float matrix products run on oneDNN's sgemm: OpenBLAS has only its \(openBLASCore) kernels for this CPU"
                   : "Float matrix products run on OpenBLAS's \(openBLASCore) kernels"
    }

    /// `C = alpha · op(A) · op(B) + beta · C` on oneDNN's `sgemm`, with CBLAS's signature, for
    /// row-major matrices (the only order the engine uses), on the calling thread.
    static func oneDNNProduct(
        _ order: CBLAS_ORDER, _ transposeA: CBLAS_TRANSPOSE, _ transposeB: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ k: Int32,
        _ alpha: Float, _ a: UnsafePointer<Float>?, _ lda: Int32, _ b: UnsafePointer<Float>?, _ ldb: Int32,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>?, _ ldc: Int32
    ) {
        precondition(order == CblasRowMajor, "oneDNN's sgemm is row-major; the engine's products are")
        paramshare_dnnl_stay_on_calling_thread()
        let status = dnnl_sgemm(OneDNNGEMM.flag(transposeA == CblasTrans), OneDNNGEMM.flag(transposeB == CblasTrans),
                                Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        check(status, "multiplying \(m)×\(n)×\(k)")
    }
}
