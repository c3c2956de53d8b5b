import CNumerics
import RealModule

/// A floating-point type the engine can compute in: `Float` for training, `Double` for checks.
///
/// The engine is generic so that every gradient can be checked against finite differences in
/// `Double`, where a central difference is accurate to about 1e-10 rather than Float's 1e-4.
/// Element loops live in kernels specialised for both conformers, so generic layer code only
/// orchestrates and never runs a per-element loop through unspecialised generics.
public protocol EngineScalar: BinaryFloatingPoint, Real, Sendable {
    /// The general matrix product of this type, with CBLAS's signature, which
    /// ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` calls: one function
    /// per type, and the call's conversions (row-major order, transposes, 32-bit sizes) written
    /// once for both. OpenBLAS's, but for `Float` on a CPU it has no vector kernels for.
    static var cblasGEMM: CBLASMatrixProduct<Self> { get }
}

/// CBLAS's general matrix product for one scalar type, `cblas_sgemm` or `cblas_dgemm`.
public typealias CBLASMatrixProduct<Scalar> = (
    CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32,
    Scalar, UnsafePointer<Scalar>?, Int32, UnsafePointer<Scalar>?, Int32, Scalar, UnsafeMutablePointer<Scalar>?, Int32
) -> Void

extension EngineScalar {
    /// `C = alpha · op(A) · op(B) + beta · C` for row-major matrices, through CBLAS
    /// (``cblasGEMM``).
    ///
    /// - Parameters:
    ///   - transposeA: use `Aᵀ` (A is stored k × m) instead of `A` (m × k).
    ///   - transposeB: use `Bᵀ` (B is stored n × k) instead of `B` (k × n).
    ///   - m: rows of `op(A)` and `C`.
    ///   - n: columns of `op(B)` and `C`.
    ///   - k: columns of `op(A)`, rows of `op(B)`.
    ///   - alpha: the factor of the product.
    ///   - a: `A`, row-major, with leading dimension `lda`.
    ///   - lda: the distance between rows of `A` in its storage.
    ///   - b: `B`, row-major, with leading dimension `ldb`.
    ///   - ldb: the distance between rows of `B` in its storage.
    ///   - beta: the factor of `C`'s old value; 0 overwrites it.
    ///   - c: `C`, row-major, with leading dimension `ldc`, updated in place.
    ///   - ldc: the distance between rows of `C` in its storage.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        cblasGEMM(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Float: EngineScalar {
    /// `cblas_sgemm`, or oneDNN's `sgemm` where OpenBLAS has no vector kernels for this CPU
    /// (`FloatGEMMLibrary`).
    public static var cblasGEMM: CBLASMatrixProduct<Float> {
        if FloatGEMMLibrary.usesOneDNN { return FloatGEMMLibrary.oneDNNProduct }
        return cblas_sgemm
    }
}

extension Double: EngineScalar {
    public static var cblasGEMM: CBLASMatrixProduct<Double> { cblas_dgemm }
}
