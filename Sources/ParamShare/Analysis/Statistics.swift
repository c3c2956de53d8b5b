import CNumerics
import ParamShareEngine

/// Thin wrappers over GSL's statistics, t distribution and least-squares fit.
///
/// GSL's routines are specified and tested to published accuracy, which a hand-rolled t quantile
/// would not be. The wrappers add what GSL leaves to the caller: `nan` for a statistic the sample
/// cannot define (the mean of nothing, the spread of one value) instead of GSL's arbitrary result,
/// and no abort on a domain error.
package enum Statistics {
    /// The arithmetic mean, or `nan` for no values.
    package static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    /// The sample standard deviation (divisor n − 1), or `nan` for fewer than two values.
    package static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return .nan }
        return values.withUnsafeBufferPointer { gsl_stats_sd($0.baseAddress, 1, $0.count) }
    }

    /// The sample variance (divisor n − 1), or `nan` for fewer than two values.
    package static func variance(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return .nan }
        return values.withUnsafeBufferPointer { gsl_stats_variance($0.baseAddress, 1, $0.count) }
    }

    /// The total sum of squares Σ(y − ȳ)², or `nan` for no values.
    package static func totalSumOfSquares(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.withUnsafeBufferPointer { gsl_stats_tss($0.baseAddress, 1, $0.count) }
    }

    /// The quantile of Student's t distribution: the t with P(T ≤ t) = `probability`.
    ///
    /// `nan` unless `probability` is in (0, 1) and `degreesOfFreedom` is positive.
    package static func tQuantile(probability: Double, degreesOfFreedom: Double) -> Double {
        guard probability > 0, probability < 1, degreesOfFreedom > 0 else { return .nan }
        GSLErrors.disableAbortingHandler()
        return gsl_cdf_tdist_Pinv(probability, degreesOfFreedom)
    }

    /// The upper tail P(T > `t`) of Student's t distribution, or `nan` for a `nan` t or no degrees of freedom.
    package static func tUpperTail(_ t: Double, degreesOfFreedom: Double) -> Double {
        guard !t.isNaN, degreesOfFreedom > 0 else { return .nan }
        GSLErrors.disableAbortingHandler()
        return gsl_cdf_tdist_Q(t, degreesOfFreedom)
    }

    /// The two-sided p-value 2·P(T > |t|) of a t statistic.
    package static func twoSidedPValue(_ t: Double, degreesOfFreedom: Double) -> Double {
        min(1, 2 * tUpperTail(abs(t), degreesOfFreedom: degreesOfFreedom))
    }

    /// The ordinary least-squares line y = a + b·x through `points`, with standard errors and R².
    ///
    /// `nil` with fewer than three points (two fit exactly, leaving no residual to estimate
    /// the error from), with fewer than two distinct x (the slope is undefined), or when GSL
    /// reports a failure or a non-finite coefficient.
    package static func linearFit(x: [Double], y: [Double]) -> LinearFit? {
        precondition(x.count == y.count, "\(x.count) x values for \(y.count) y values")
        guard x.count >= 3, Set(x).count >= 2 else { return nil }
        GSLErrors.disableAbortingHandler()
        var a = 0.0, b = 0.0, covAA = 0.0, covAB = 0.0, covBB = 0.0, residualSumOfSquares = 0.0
        let status = x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                gsl_fit_linear(xs.baseAddress, 1, ys.baseAddress, 1, xs.count, &a, &b, &covAA, &covAB, &covBB, &residualSumOfSquares)
            }
        }
        guard status == GSL_SUCCESS, a.isFinite, b.isFinite, covAA.isFinite, covBB.isFinite else { return nil }
        let total = totalSumOfSquares(y)
        // With every y equal there is no variance to explain, so R² is undefined rather than 0 or 1.
        let rSquared = total > 0 ? 1 - residualSumOfSquares / total : .nan
        return LinearFit(intercept: a, slope: b, interceptStandardError: covAA.squareRoot(),
                         slopeStandardError: covBB.squareRoot(), rSquared: rSquared, points: x.count)
    }
}
