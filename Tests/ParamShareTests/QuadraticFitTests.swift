import Foundation
import ParamShare
import Testing

@Suite("Quadratic fit")
struct QuadraticFitTests {
    @Test("the curvature, its standard error and p-value match NumPy's least squares and SciPy's t on fixed points")
    func againstNumPy() throws {
        // A C1-shaped sample: three runs at each of six ring sizes, accuracy flattening in ln DoF.
        let dof: [Double] = [1336.0, 2673, 8018, 26726, 80179, 267264].flatMap { size -> [Double] in [size, size, size] }
        let accuracy = [0.52, 0.53, 0.525, 0.56, 0.565, 0.57, 0.62, 0.615, 0.61, 0.66, 0.665, 0.66, 0.68, 0.685, 0.69, 0.69, 0.695, 0.70]
        let fit = try #require(Statistics.quadraticFit(x: dof.map { log($0) }, y: accuracy))
        // numpy.linalg.lstsq on [1, x, x²], covariance s²(XᵀX)⁻¹ with s² = SS_res/(n − 3); scipy.stats.t.sf for p.
        #expect(abs(fit.intercept - -0.21213956) < 1e-7 && abs(fit.slope - 0.14267241) < 1e-7)
        #expect(abs(fit.curvature - -0.00560387) < 1e-8 && abs(fit.curvatureStandardError - 0.00038095825717) < 1e-12)
        #expect(fit.points == 18 && fit.degreesOfFreedom == 15)
        #expect(abs(fit.curvaturePValue - 2.5566415053e-10) < 1e-16)
        let (lower, upper) = fit.curvatureInterval()
        #expect(lower < fit.curvature && fit.curvature < upper && upper < 0)
    }

    @Test("points on a parabola give its coefficients; too few points or distinct x give none")
    func exactAndUndefined() throws {
        let x = [0.0, 1, 2, 3, 4]
        let fit = try #require(Statistics.quadraticFit(x: x, y: x.map { 1 + 2 * $0 - 0.5 * $0 * $0 }))
        #expect(abs(fit.intercept - 1) < 1e-12 && abs(fit.slope - 2) < 1e-12 && abs(fit.curvature + 0.5) < 1e-12)
        #expect(Statistics.quadraticFit(x: [0, 1, 2], y: [1, 2, 4]) == nil)
        #expect(Statistics.quadraticFit(x: [0, 0, 1, 1], y: [1, 2, 3, 4]) == nil)
    }
}
