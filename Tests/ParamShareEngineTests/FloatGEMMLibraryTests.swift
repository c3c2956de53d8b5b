import CNumerics
@testable import ParamShareEngine
import Testing

/// oneDNN's `sgemm` behind CBLAS's signature, which the engine's `Float` products take where
/// OpenBLAS has no vector kernels for the CPU.
@Suite("Float GEMM library")
struct FloatGEMMLibraryTests {
    static let transposes = [(false, false), (false, true), (true, false), (true, true)]

    @Test("oneDNN's product equals the Double one for every transpose, padded rows, alpha and beta", arguments: transposes)
    func oneDNNProduct(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (37, 53, 130)
        // Stored shapes and leading dimensions with padding, so that a swapped stride shows.
        let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
        let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
        let (lda, ldb, ldc) = (aColumns + 3, bColumns + 5, n + 2)
        func values(_ count: Int, _ seed: Int) -> [Float] { (0..<count).map { Float(($0 * 7919 + seed * 104_729) % 2001) / 1000 - 1 } }
        let a = values(aRows * lda, 1), b = values(bRows * ldb, 2)
        var c = values(m * ldc, 3)
        let (alpha, beta): (Float, Float) = (0.75, -0.5)
        var expected = c.map(Double.init)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let left = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let right = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(left) * Double(right)
                }
                expected[i * ldc + j] = Double(alpha) * sum + Double(beta) * expected[i * ldc + j]
            }
        }
        FloatGEMMLibrary.oneDNNProduct(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                       Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, &c, Int32(ldc))
        // Sums of 130 products of values in [-1, 1]: a few ulps of 100.
        var worst = 0.0
        for i in 0..<m { for j in 0..<n { worst = max(worst, abs(Double(c[i * ldc + j]) - expected[i * ldc + j])) } }
        #expect(worst < 1e-4, "largest difference \(worst)")
        // The padding between rows of C is left alone.
        #expect(c[ldc - 1] == values(m * ldc, 3)[ldc - 1])
    }

    @Test("oneDNN is taken exactly where OpenBLAS's kernels use no AVX2 and oneDNN's do")
    func rule() {
        #expect(FloatGEMMLibrary.usesOneDNN(openBLASCore: "Prescott", oneDNNRunsAVX2: true))
        #expect(FloatGEMMLibrary.usesOneDNN(openBLASCore: "Nehalem", oneDNNRunsAVX2: true))
        #expect(!FloatGEMMLibrary.usesOneDNN(openBLASCore: "Prescott", oneDNNRunsAVX2: false), "no better kernels either")
        for core in ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SAPPHIRERAPIDS"] {
            #expect(!FloatGEMMLibrary.usesOneDNN(openBLASCore: core, oneDNNRunsAVX2: true), "\(core)")
        }
    }
}
