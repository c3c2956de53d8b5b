/// A least-squares parabola y = a + b·x + c·x², fitted to test whether a line bends: the
/// curvature c with its standard error, and the two-sided t-test of c = 0.
package struct QuadraticFit: Sendable, Equatable {
    package var intercept: Double
    package var slope: Double
    /// c: half the second derivative; negative where the curve flattens as x grows.
    package var curvature: Double
    /// The standard error of c, from the covariance scaled by the residual variance SS_res/(n − 3).
    package var curvatureStandardError: Double
    /// The number of points fitted.
    package var points: Int

    /// The residual degrees of freedom, n − 3.
    package var degreesOfFreedom: Double { Double(points - 3) }

    /// The two-sided p-value of c = 0.
    package var curvaturePValue: Double {
        Statistics.twoSidedPValue(curvature / curvatureStandardError, degreesOfFreedom: degreesOfFreedom)
    }

    /// c's confidence interval at `level`.
    package func curvatureInterval(level: Double = 0.95) -> (lower: Double, upper: Double) {
        let t = Statistics.tQuantile(probability: 1 - (1 - level) / 2, degreesOfFreedom: degreesOfFreedom)
        return (curvature - t * curvatureStandardError, curvature + t * curvatureStandardError)
    }
}
