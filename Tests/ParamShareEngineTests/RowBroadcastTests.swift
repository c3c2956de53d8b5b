@testable import ParamShareEngine
import Testing
import TestSupport

/// `addToRows`, a bias added to the rows of a block of a layer's output eight columns at a time,
/// against the plain loop: each value gets one addition, so the same bits, and values outside
/// the block (between its rows, `rowStride` apart) stay as they were.
@Suite("Row broadcast")
struct RowBroadcastTests {
    @Test("a vector added to strided rows in registers gives the bits of one addition per value, and leaves the rest of each row alone",
          arguments: [(rows: 1, columns: 1, rowStride: 1), (rows: 3, columns: 7, rowStride: 7), (rows: 5, columns: 20, rowStride: 29),
                      (rows: 4, columns: 256, rowStride: 512)])
    func sameBitsAsOneAdditionPerValue(shape: (rows: Int, columns: Int, rowStride: Int)) {
        let random = RandomSource(seed: 67)
        let target = Tensor<Float>.random(shape: [shape.rows * shape.rowStride], random: random)
        let vector = Tensor<Float>.random(shape: [shape.columns], random: random)
        for i in 0..<target.count where i % 3 == 0 { target[i] *= 1000 }
        var expected = target.scalars
        for r in 0..<shape.rows {
            for j in 0..<shape.columns { expected[r * shape.rowStride + j] += vector[j] }
        }
        addToRows(vector.data, rows: shape.rows, columns: shape.columns, rowStride: shape.rowStride, into: target.data)
        #expect(target.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
