/// A least-squares line y = a + b·x and how well it is determined.
public struct LinearFit: Sendable, Equatable {
    /// a, the value at x = 0.
    public var intercept: Double
    /// b, the change in y per unit of x.
    public var slope: Double
    /// The standard error of a: √cov(a, a), with the covariance scaled by the residual variance SS_res/(n − 2).
    public var interceptStandardError: Double
    /// The standard error of b, scaled likewise.
    public var slopeStandardError: Double
    /// 1 − SS_res/SS_tot; `nan` when every y is the same.
    public var rSquared: Double
    /// The number of points fitted.
    public var points: Int

}
