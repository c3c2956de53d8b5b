import CNumerics
@testable import ParamShareEngine
import Testing

/// Checks that every `cblas_*` call, the engine's and GSL's own, runs OpenBLAS rather than
/// libgslcblas, which libgsl always pulls in and which is 20–50× slower.
@Suite("BLAS binding")
struct BLASBindingTests {
    // Calls are bound by the dynamic linker, invisibly to Swift, so these tests tell the two
    // implementations apart by their arithmetic: OpenBLAS's vectorised kernels sum in several
    // lanes with fused multiply-adds, libgslcblas in one strict left-to-right loop, and over
    // 4,099 random terms the two round differently.
    private static let count = 4099
    private static let (x, y): ([Float], [Float]) = {
        var generator = SplitMix(seed: 7)
        let x = (0..<count).map { _ in Float(generator.nextUnit() - 0.5) }
        return (x, (0..<count).map { _ in Float(generator.nextUnit() - 0.5) })
    }()
    /// What libgslcblas's sgemm and sdot compute for x·y: a strict float loop without FMA.
    private static let strictSum = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }

    @Test("the engine's GEMM is OpenBLAS's, or oneDNN's where OpenBLAS has no vector kernels for this CPU")
    func engineCallsOpenBLAS() {
        let (x, y) = (Self.x, Self.y)
        var product: Float = 0, viaOpenBLAS: Float = 0, viaOneDNN: Float = 0
        Float.gemm(transposeA: false, transposeB: false, m: 1, n: 1, k: Self.count, alpha: 1, a: x, lda: Self.count,
                   b: y, ldb: 1, beta: 0, c: &product, ldc: 1)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, Int32(Self.count), 1, x, Int32(Self.count), y, 1, 0, &viaOpenBLAS, 1)
        FloatGEMMLibrary.oneDNNProduct(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, Int32(Self.count), 1, x, Int32(Self.count),
                                       y, 1, 0, &viaOneDNN, 1)
        #expect(abs(product - Self.strictSum) < 1e-3, "the GEMM is wrong, not just differently rounded")
        #expect(product != Self.strictSum, "the engine's sgemm rounds like libgslcblas's")
        let expected = FloatGEMMLibrary.usesOneDNN ? viaOneDNN : viaOpenBLAS
        #expect(product.bitPattern == expected.bitPattern, "\(FloatGEMMLibrary.summary)")
        #expect(String(cString: openblas_get_config()).contains("OpenBLAS"))
        print("BLASBindingTests: \(FloatGEMMLibrary.summary)")
    }

    @Test("GSL's own BLAS calls reach OpenBLAS")
    func gslCallsOpenBLAS() throws {
        let (count, x, y) = (Self.count, Self.x, Self.y)
        let viaOpenBLAS = cblas_sdot(Int32(count), x, 1, y, 1)
        #expect(viaOpenBLAS != Self.strictSum, "the fingerprint cannot tell the implementations apart")

        let vx = try #require(gsl_vector_float_alloc(count)), vy = try #require(gsl_vector_float_alloc(count))
        defer { gsl_vector_float_free(vx); gsl_vector_float_free(vy) }
        for i in 0..<count {
            gsl_vector_float_set(vx, i, x[i])
            gsl_vector_float_set(vy, i, y[i])
        }
        var viaGSL: Float = 0
        #expect(gsl_blas_sdot(vx, vy, &viaGSL) == GSL_SUCCESS)
        #expect(viaGSL.bitPattern == viaOpenBLAS.bitPattern, "GSL's dot product is libgslcblas's, not OpenBLAS's")
    }
}

/// A tiny deterministic generator, independent of GSL, for test data.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextUnit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
