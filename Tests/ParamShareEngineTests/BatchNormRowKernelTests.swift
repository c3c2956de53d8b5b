@testable import ParamShareEngine
import Testing
import TestSupport

/// The batch norm's C row kernels (`BatchNormRows.c`, compiled also for AVX2 and chosen when the
/// program loads) against the scalar expressions they stand for, in row order, each product and
/// sum rounded on its own: the same bits, in `Float`, `Double` and over bfloat16 input, on whichever
/// instruction set this CPU runs them in. A fused multiply-add, or sums taken in another order,
/// would change bits here (the values mix signs and magnitudes), and would also break the ReLU
/// mask that backward recomputes from the forward pass's expression.
@Suite("Batch-norm row kernels")
struct BatchNormRowKernelTests {
    static let shapes = [(rows: 29, channels: 1), (rows: 17, channels: 3), (rows: 40, channels: 16), (rows: 33, channels: 21),
                         (rows: 12, channels: 64)]

    @Test("sums and input gradients give the bits of the row-order expressions, with and without the ReLU after the batch norm, in Float",
          arguments: shapes, [false, true])
    func float(shape: (rows: Int, channels: Int), rectified: Bool) {
        check(Float.self, rows: shape.rows, channels: shape.channels, rectified: rectified)
    }

    @Test("sums and input gradients give the bits of the row-order expressions, with and without the ReLU after the batch norm, in Double",
          arguments: shapes, [false, true])
    func double(shape: (rows: Int, channels: Int), rectified: Bool) {
        check(Double.self, rows: shape.rows, channels: shape.channels, rectified: rectified)
    }

    @Test("over bfloat16 input, and rounding the input gradient to bfloat16, the bits of the Float expressions over the widened input",
          arguments: shapes, [false, true])
    func bfloat16(shape: (rows: Int, channels: Int), rectified: Bool) {
        let (rows, channels) = shape
        let v = Vectors<Float>(rows: rows, channels: channels, seed: 83)
        let bits = v.x.scalars.map { UInt16(truncatingIfNeeded: roundedToBFloat16($0.bitPattern) >> 16) }
        let widened = Tensor<Float>(shape: v.x.shape, scalars: bits.map { Float(bitPattern: UInt32($0) << 16) })
        let expected = v.expected(input: widened.scalars, rectified: rectified)
        let block = 2..<(rows - 1)
        bits.withUnsafeBufferPointer { stored in
            let values = BFloat16Values(storedIn: UnsafeMutablePointer(mutating: stored.baseAddress!))
            let squares = v.started(channels)
            addSquaredDeviations(values, rows: block, channels: channels, mean: v.mean.data, into: squares.data)
            #expect(squares.scalars.map(\.bitPattern) == expected.squares.map(\.bitPattern))
            let sums = v.started(2 * channels)
            addGradientSums(input: values, outputGradient: v.dy.data, rows: block, channels: channels, mean: v.mean.data,
                            reciprocalStd: v.reciprocalStd.data, rectifiedBy: v.affine(rectified), into: sums.data)
            #expect(sums.scalars.map(\.bitPattern) == expected.sums.map(\.bitPattern))
            for writesFloat in [false, true] {
                let dx = v.zeros(rows * channels)
                let converted = [UInt16](repeating: 0, count: rows * channels)
                converted.withUnsafeBufferPointer { half in
                    channelsLastBatchNormInputGradient(
                        input: values, outputGradient: v.dy.data, rows: block, channels: channels, mean: v.mean.data,
                        reciprocalStd: v.reciprocalStd.data, factor: v.factor.data, meanDy: v.meanDy.data,
                        meanDyXhat: v.meanDyXhat.data, into: writesFloat ? dx.data : nil,
                        converting: UnsafeMutablePointer(mutating: half.baseAddress!), rectifiedBy: v.affine(rectified))
                }
                let rounded = expected.dx.map { UInt16(truncatingIfNeeded: roundedToBFloat16($0.bitPattern) >> 16) }
                #expect(converted == rounded, "writes Float: \(writesFloat)")
                #expect(dx.scalars.map(\.bitPattern) == (writesFloat ? expected.dx : v.zeros(rows * channels).scalars).map(\.bitPattern))
            }
        }
    }

    private func check<Scalar: EngineScalar>(_: Scalar.Type, rows: Int, channels: Int, rectified: Bool) {
        let v = Vectors<Scalar>(rows: rows, channels: channels, seed: 71)
        let expected = v.expected(input: v.x.scalars, rectified: rectified)
        let block = 2..<(rows - 1)
        let squares = v.started(channels)
        addSquaredDeviations(v.x.data, rows: block, channels: channels, mean: v.mean.data, into: squares.data)
        #expect(squares.scalars == expected.squares)
        let sums = v.started(2 * channels)
        addGradientSums(input: v.x.data, outputGradient: v.dy.data, rows: block, channels: channels, mean: v.mean.data,
                        reciprocalStd: v.reciprocalStd.data, rectifiedBy: v.affine(rectified), into: sums.data)
        #expect(sums.scalars == expected.sums)
        let dx = v.zeros(rows * channels)
        channelsLastBatchNormInputGradient(
            input: v.x.data, outputGradient: v.dy.data, rows: block, channels: channels, mean: v.mean.data,
            reciprocalStd: v.reciprocalStd.data, factor: v.factor.data, meanDy: v.meanDy.data, meanDyXhat: v.meanDyXhat.data,
            rectifiedBy: v.affine(rectified), into: dx.data)
        #expect(dx.scalars == expected.dx)
        if rectified {
            // The expressions' mask is that of the forward pass's output, and keeps some values and zeroes others.
            let y = v.zeros(rows * channels)
            channelsLastAffineRectified(v.x.data, rows: 0..<rows, channels: channels, scale: v.scale.data, shift: v.shift.data,
                                        adding: nil, into: y.data)
            let mask = (0..<rows * channels).map { v.x[$0] * v.scale[$0 % channels] + v.shift[$0 % channels] > 0 }
            #expect((0..<rows * channels).allSatisfy { (y[$0] > 0) == mask[$0] })
            #expect(mask.contains(true) && mask.contains(false))
        }
    }
}

/// A batch norm's input, output gradient and per-channel vectors, random, with sums accumulated
/// onto values already there, and the kernels' results computed by the plain expressions.
private struct Vectors<Scalar: EngineScalar> {
    let x, dy, mean, reciprocalStd, scale, shift, factor, meanDy, meanDyXhat, start: Tensor<Scalar>
    let rows, channels: Int

    init(rows: Int, channels: Int, seed: UInt64) {
        let random = RandomSource(seed: seed)
        func vector(_ count: Int) -> Tensor<Scalar> { .random(shape: [count], random: random) }
        self.rows = rows
        self.channels = channels
        x = vector(rows * channels)
        for i in 0..<x.count where i % 3 == 0 { x[i] *= 1000 }
        dy = vector(rows * channels)
        for i in 0..<dy.count where i % 4 == 1 { dy[i] *= 1e-3 }
        (mean, reciprocalStd, scale, shift) = (vector(channels), vector(channels), vector(channels), vector(channels))
        (factor, meanDy, meanDyXhat, start) = (vector(channels), vector(channels), vector(channels), vector(2 * channels))
    }

    func zeros(_ count: Int) -> Tensor<Scalar> { Tensor(shape: [count], scalars: .init(repeating: 0, count: count)) }

    /// The first `count` values of `start`: sums a kernel adds onto.
    func started(_ count: Int) -> Tensor<Scalar> { Tensor(shape: [count], scalars: Array(start.scalars[0..<count])) }

    func affine(_ rectified: Bool) -> (scale: UnsafePointer<Scalar>, shift: UnsafePointer<Scalar>)? {
        rectified ? (UnsafePointer(scale.data), UnsafePointer(shift.data)) : nil
    }

    /// Squared deviations and gradient sums over rows 2..<rows − 1 added to `start`, and dx over
    /// those rows (0 elsewhere).
    func expected(input: [Scalar], rectified: Bool) -> (squares: [Scalar], sums: [Scalar], dx: [Scalar]) {
        var squares = Array(start.scalars[0..<channels]), sums = start.scalars, dx = [Scalar](repeating: 0, count: rows * channels)
        for row in 2..<(rows - 1) {
            for c in 0..<channels {
                let i = row * channels + c, value = input[i]
                let d = value - mean[c]
                let product = d * d
                squares[c] = product + squares[c]
                let affine = value * scale[c]
                let g = rectified ? (affine + shift[c] > 0 ? dy[i] : 0) : dy[i]
                sums[c] += g
                let xhat = (value - mean[c]) * reciprocalStd[c]
                let weighted = g * xhat
                sums[channels + c] = weighted + sums[channels + c]
                let term = xhat * meanDyXhat[c]
                dx[i] = factor[c] * (g - meanDy[c] - term)
            }
        }
        return (squares, sums, dx)
    }
}
