/// The mean of a sample with its standard deviation and t-based 95% confidence interval.
///
/// Sweeps run a handful of seeds, so the interval uses Student's t with n − 1 degrees of freedom
/// rather than the normal approximation, which would be too narrow by a factor of 1.4 at n = 5.
public struct MeanEstimate: Sendable, Equatable {
    /// The two-sided confidence level of `halfWidth`.
    public static let confidenceLevel = 0.95

    /// The number of values.
    public var count: Int
    /// Their mean; `nan` for none.
    public var mean: Double
    /// Their sample standard deviation (divisor n − 1); `nan` for fewer than two.
    public var standardDeviation: Double
    /// t_{0.975, n−1}·sd/√n; `nan` for fewer than two values, where there is no spread to estimate.
    public var halfWidth: Double

    /// The lower end of the interval, mean − half-width.
    public var lowerBound: Double { mean - halfWidth }
    /// The upper end of the interval, mean + half-width.
    public var upperBound: Double { mean + halfWidth }

    /// Estimates the mean of `values`.
    package init(_ values: [Double]) {
        count = values.count
        mean = Statistics.mean(values)
        standardDeviation = Statistics.standardDeviation(values)
        if values.count >= 2 {
            let t = Statistics.tQuantile(probability: 1 - (1 - Self.confidenceLevel) / 2, degreesOfFreedom: Double(values.count - 1))
            halfWidth = t * standardDeviation / Double(values.count).squareRoot()
        } else {
            halfWidth = .nan
        }
    }
}
