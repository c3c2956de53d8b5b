import ParamShareEngine

extension BankKernels {
    /// `x[i]` = independent draws from N(0, standardDeviation²), in order, from `random`.
    ///
    /// The projection regenerates its starting weights w0 with this on every pass rather than
    /// store them, so the loop must not run through unspecialised generics; every built-in
    /// generator draws its bank with it too.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func fillGaussian<Scalar: EngineScalar>(
        _ x: UnsafeMutablePointer<Scalar>, count: Int, standardDeviation: Double, random: RandomSource
    ) {
        for i in 0..<count { x[i] = Scalar(random.gaussian(standardDeviation: standardDeviation)) }
    }

}
