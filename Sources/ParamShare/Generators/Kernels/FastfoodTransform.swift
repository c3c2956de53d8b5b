import ParamShareEngine

/// Fastfood (Le, Sarlós and Smola, 2013) in the form Li et al. use for intrinsic dimension:
/// a d → D map `V = H·G·Π·H·B` that behaves like a dense Gaussian projection at
/// O(L log L) cost and O(L) memory, L the power of two at or above D.
///
/// θ is padded with zeros to L, multiplied by random signs B, Walsh–Hadamard transformed (H,
/// unnormalised), permuted (Π), scaled by Gaussians G and transformed again; the first D outputs
/// are divided by `√(L·ΣG²)·√(D/L)`. H·G·Π·H·B has columns of norm exactly √(L·ΣG²), so the
/// division gives the L × L map unit-norm columns, and the √(D/L) makes up, in expectation, for
/// the L − D rows cut off: P's columns have norm ≈ 1, as in Li et al.'s dense and sparse forms.
///
/// B, Π and G are drawn from GSL at planning (9 bytes per padded weight, fixed by the seed and
/// never saved); regenerating a GSL permutation of L on every pass would cost more than the
/// transform.
struct FastfoodTransform<Scalar: EngineScalar> {
    /// d, the inputs.
    let dimension: Int
    /// D, the outputs.
    let outputs: Int
    /// L = 2^⌈log₂ D⌉.
    let length: Int
    private let signs: [Scalar]
    private let permutation: [Int32]
    private let gaussians: [Scalar]
    /// 1 / (√(L·ΣG²)·√(D/L)).
    private let scale: Scalar

    /// A transform of `dimension` inputs onto `outputs` (at least as many) with tables from `random`.
    init(dimension: Int, outputs: Int, random: RandomSource) {
        precondition(dimension >= 1 && dimension <= outputs, "Fastfood maps d onto D ≥ d outputs, not \(dimension) onto \(outputs)")
        self.dimension = dimension
        self.outputs = outputs
        var length = 1
        while length < outputs { length <<= 1 }
        self.length = length
        signs = (0..<length).map { _ in random.sign() < 0 ? -1 : 1 }
        permutation = random.permutation(of: length).map { Int32($0) }
        let gaussians = (0..<length).map { _ in random.gaussian() }
        self.gaussians = gaussians.map { Scalar($0) }
        let sumOfSquares = gaussians.reduce(0) { $0 + $1 * $1 }
        scale = Scalar(1 / ((Double(length) * sumOfSquares).squareRoot() * (Double(outputs) / Double(length)).squareRoot()))
    }

    /// B, Π, G, L and the output scale.
    var tables: (signs: [Scalar], permutation: [Int], gaussians: [Scalar], length: Int, scale: Scalar) {
        (signs, permutation.map { Int($0) }, gaussians, length, scale)
    }

    /// All D outputs `P·θ`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(_ theta: UnsafePointer<Scalar>) -> [Scalar] {
        var work = [Scalar](repeating: 0, count: length)
        for i in 0..<dimension { work[i] = theta[i] * signs[i] }
        walshHadamardTransform(&work)
        var permuted = [Scalar](repeating: 0, count: length)
        for i in 0..<length { permuted[i] = work[Int(permutation[i])] * gaussians[i] }
        walshHadamardTransform(&permuted)
        for i in 0..<outputs { permuted[i] *= scale }
        permuted.removeLast(length - outputs)
        return permuted
    }

    /// Adds `Pᵀ·g` to `thetaGradient`, where g is zero but for `count` values at output `offset`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func accumulateTranspose(_ gradient: UnsafePointer<Scalar>, offset: Int, count: Int,
                             into thetaGradient: UnsafeMutablePointer<Scalar>) {
        var work = [Scalar](repeating: 0, count: length)
        for i in 0..<count { work[offset + i] = gradient[i] * scale }
        walshHadamardTransform(&work)
        var unpermuted = [Scalar](repeating: 0, count: length)
        for i in 0..<length { unpermuted[Int(permutation[i])] = work[i] * gaussians[i] }
        walshHadamardTransform(&unpermuted)
        for i in 0..<dimension { thetaGradient[i] += unpermuted[i] * signs[i] }
    }
}

/// The unnormalised Walsh–Hadamard transform of `x` in place (its count a power of two): H is
/// symmetric and H·H = L·I, so it is its own transpose.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func walshHadamardTransform<Scalar: EngineScalar>(_ x: inout [Scalar]) {
    let count = x.count
    x.withUnsafeMutableBufferPointer { v in
        var half = 1
        while half < count {
            var start = 0
            while start < count {
                for i in start..<(start + half) {
                    let a = v[i], b = v[i + half]
                    v[i] = a + b
                    v[i + half] = a - b
                }
                start += 2 * half
            }
            half <<= 1
        }
    }
}
