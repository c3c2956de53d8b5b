import CDNNL

/// The matrix product of one block of a linear layer: OpenBLAS's `sgemm`, or oneDNN's
/// `dnnl_sgemm` for the shapes where it is the faster of the two on this CPU.
///
/// On an AVX512_BF16 EPYC (one thread, 64-row blocks, as `Linear` calls them; GFLOP/s of
/// OpenBLAS 0.3.21's Cooperlake kernels against oneDNN 2.6's AVX-512 ones), oneDNN won the
/// backward products with a wide result: the weight gradient `dYᵀ·X` (64×3072×128: 91 against
/// 104; 64×512×128: 96 against 113) and the input gradient `dY·W` (64×512×256: 97 against 114;
/// 64×3072×512: 88 against 107). It lost where the result or the sum is narrow (64×10×256: 103
/// against 40; 64×256×10: 99 against 82) and tied on the forward `X·Wᵀ` of 64-row blocks
/// (64×512×3072: 71 against 74, 64×256×512: 92 against 86). The forward gains instead from
/// blocks of output columns (``Linear`` takes them where this says oneDNN is faster): on two
/// threads at once, 128×512×3072 ran at 136 (OpenBLAS) and 138 (oneDNN) GFLOP/s cut into two
/// 64-row halves, each reading the whole 6 MiB weight, and at 164 and 174 cut into two column
/// halves, each reading half of it; 128×256×512 at 169 and 169 against 179 and 185. Where oneDNN
/// runs no AVX-512 kernel (AVX2 CPUs, or `DNNL_MAX_CPU_ISA=AVX2`), OpenBLAS takes every shape in
/// row blocks, as it did when the MLP beat PyTorch on AVX2. Where OpenBLAS has no vector kernels
/// for the CPU, its share goes to oneDNN too (``FloatGEMMLibrary``).
///
/// The choice depends only on the shape and on the CPU's instruction set, never on a timing:
/// a timing made in each process could choose differently from one run to the next, and the
/// two libraries round differently, so a seed would no longer give the same bits. Each call
/// runs on the calling thread, so results stay independent of the thread count.
@inline(__always)
func linearGEMM<Scalar: EngineScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int,
    c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    guard Scalar.self == Float.self, OneDNNGEMM.isFaster(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k) else {
        Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                    b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
        return
    }
    paramshare_dnnl_stay_on_calling_thread()
    let status = dnnl_sgemm(OneDNNGEMM.flag(transposeA), OneDNNGEMM.flag(transposeB), Int64(m), Int64(n), Int64(k), 1,
                            UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int64(lda),
                            UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int64(ldb), 0,
                            UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int64(ldc))
    check(status, "multiplying \(m)×\(n)×\(k)")
}

/// Where oneDNN's `sgemm` runs for a linear layer (see `linearGEMM`).
enum OneDNNGEMM {
    /// Whether oneDNN runs AVX-512 kernels on this CPU, which its `sgemm` needs to win.
    static let hasAVX512: Bool = {
        let isa = dnnl_get_effective_cpu_isa().rawValue, avx512 = dnnl_cpu_isa_avx512_core.rawValue
        return isa & avx512 == avx512
    }()

    /// Whether oneDNN's `sgemm` is the faster for a product of this kind: a backward one (`Aᵀ·B`
    /// or `A·B`) whose result has at least 512 columns and whose sums at least 128 terms, or a
    /// forward one (`A·Bᵀ`) on a block of ``forwardColumns`` output columns of at least 128 rows
    /// with sums of at least 256 terms.
    static func isFaster(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int) -> Bool {
        guard hasAVX512 else { return false }
        return transposeB ? m >= 128 && n == forwardColumns && k >= 256 : n >= 512 && k >= 128
    }

    /// The output columns of one forward block where the forward runs in column blocks.
    ///
    /// Each full block is one oneDNN matrix product (``OneDNNMatmul``, `brg:avx512_core`). On the
    /// Intel Xeon of family 6, model 207 (one thread, GFLOP/s of `dnnl_sgemm` against the matmul
    /// primitive): 128×128×3072 123 against 125, 128×256×3072 114–131 against 141–143; so blocks
    /// of 256, which give the MLP's first layer one block per thread on two.
    static let forwardColumns = 256

    /// Whether a linear layer's forward over `items` rows runs in blocks of ``forwardColumns``
    /// output columns (each thread reading its share of the weight), rather than in blocks of
    /// rows (each thread reading all of it): where there are at least two such blocks to share,
    /// and either oneDNN is faster for them (``forwardColumnsOnOneDNN``) or the weight is at least
    /// ``weightBytesReadInShares``.
    static func forwardTakesColumnBlocks(items: Int, inFeatures: Int, outFeatures: Int) -> Bool {
        outFeatures >= 2 * forwardColumns
            && (forwardColumnsOnOneDNN(items: items, inFeatures: inFeatures)
                || inFeatures * outFeatures * MemoryLayout<Float>.size >= weightBytesReadInShares)
    }

    /// Whether oneDNN multiplies a forward's full column blocks (``forwardTakesColumnBlocks``);
    /// OpenBLAS does where not.
    static func forwardColumnsOnOneDNN(items: Int, inFeatures: Int) -> Bool {
        isFaster(transposeA: false, transposeB: true, m: items, n: forwardColumns, k: inFeatures)
    }

    /// Whether an inference pass over a dense weight multiplies a row-block forward's full blocks
    /// of ``Linear/rowsPerBlock`` rows by oneDNN's matrix product on the weight packed once for
    /// the run of passes (``OneDNNMatmul``), rather than by `linearGEMM`: on AVX-512 CPUs, for
    /// at least 128 output columns and sums of at least 256 terms.
    ///
    /// On the Intel Xeon of family 6, model 207 (two 64-row blocks on two threads at once,
    /// medians of 400 passes in three alternated runs, `dnnl_sgemm` against the packed product),
    /// 64×256×512 (the MLP's second layer) took 168–218 µs against 135–148, 64×128×512 105–123
    /// against 82–93, 64×384×1024 451–508 against 359–382 and 64×256×3072 878–1,099 against
    /// 725–851; 64×120×400 (LeNet-5's first linear layer) 79–80 against 85–134, and narrower or
    /// shorter products were within the noise of the hand-off.
    static func inferenceRowsOnOneDNN(inFeatures: Int, outFeatures: Int) -> Bool {
        hasAVX512 && outFeatures >= 128 && inFeatures >= 256
    }

    /// The size from which a forward's weight is read in shares, one per thread, on any CPU: a
    /// weight that no core's cache holds whole is otherwise read whole by every thread, from the
    /// shared cache or memory. On the Xeon of family 6, model 207 capped at AVX2 (OpenBLAS's
    /// `Haswell` kernels, as on AVX2-only CPUs; two threads at once, best of 200), the MLP's first
    /// layer, 128×512×3072 (a 6 MiB weight), ran at 114 GFLOP/s in two 64-row halves and 144 in two
    /// 256-column halves; its second, 128×256×512 (0.5 MiB), at 121 in row halves and 67 in column
    /// halves.
    static let weightBytesReadInShares = 2 << 20

    static func flag(_ transposed: Bool) -> CChar {
        CChar(UInt8(ascii: transposed ? "T" : "N"))
    }
}
