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

    /// The ordinary least-squares parabola y = a + b·x + c·x² through `points`, by GSL's
    /// multiple linear regression, with c's standard error.
    ///
    /// `nil` with fewer than four points (three fit exactly, leaving no residual), with fewer
    /// than three distinct x (the curvature is undefined), or when GSL fails.
    package static func quadraticFit(x: [Double], y: [Double]) -> QuadraticFit? {
        precondition(x.count == y.count, "\(x.count) x values for \(y.count) y values")
        guard x.count >= 4, Set(x).count >= 3 else { return nil }
        GSLErrors.disableAbortingHandler()
        let n = x.count
        guard let design = gsl_matrix_alloc(n, 3), let observed = gsl_vector_alloc(n), let coefficients = gsl_vector_alloc(3),
              let covariance = gsl_matrix_alloc(3, 3), let workspace = gsl_multifit_linear_alloc(n, 3) else { return nil }
        defer {
            gsl_matrix_free(design); gsl_vector_free(observed); gsl_vector_free(coefficients)
            gsl_matrix_free(covariance); gsl_multifit_linear_free(workspace)
        }
        for (row, (xi, yi)) in zip(x, y).enumerated() {
            gsl_matrix_set(design, row, 0, 1)
            gsl_matrix_set(design, row, 1, xi)
            gsl_matrix_set(design, row, 2, xi * xi)
            gsl_vector_set(observed, row, yi)
        }
        var residualSumOfSquares = 0.0
        guard gsl_multifit_linear(design, observed, coefficients, covariance, &residualSumOfSquares, workspace) == GSL_SUCCESS else { return nil }
        // GSL's covariance is (XᵀX)⁻¹ scaled by SS_res/(n − p), as gsl_fit_linear's is.
        let fit = QuadraticFit(intercept: gsl_vector_get(coefficients, 0), slope: gsl_vector_get(coefficients, 1),
                               curvature: gsl_vector_get(coefficients, 2), curvatureStandardError: gsl_matrix_get(covariance, 2, 2).squareRoot(),
                               points: n)
        return [fit.intercept, fit.slope, fit.curvature, fit.curvatureStandardError].allSatisfy(\.isFinite) ? fit : nil
    }
}
