@testable import ParamShareEngine
import Testing
import TestSupport

/// `addColumnSums`, the vectorised column sums behind bias and batch-norm gradients, against the
/// plain loop over rows it replaces: the same bits, column by column.
@Suite("Column sums")
struct ColumnSumTests {
    @Test("column sums in registers add each column in row order: the bits of the plain loop, into a target that already holds values",
          arguments: [(1, 1), (3, 7), (130, 16), (200, 21), (65, 64), (64, 8)])
    func sameBitsAsRowOrderLoop(rows: Int, columns: Int) {
        let random = RandomSource(seed: 61)
        // Values of mixed signs and magnitudes, so that a different order of the sums would round differently.
        let matrix = Tensor<Float>.random(shape: [rows, columns], random: random)
        for i in 0..<matrix.count where i % 3 == 0 { matrix[i] *= 1000 }
        let start = Tensor<Float>.random(shape: [columns], random: random)
        var expected = start.scalars
        for r in 0..<rows {
            for j in 0..<columns { expected[j] += matrix[r * columns + j] }
        }
        let sums = Tensor<Float>(shape: [columns], scalars: start.scalars)
        addColumnSums(matrix.data, rows: rows, columns: columns, into: sums.data)
        #expect(sums.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
        let broadcast = Tensor<Float>(shape: [columns], scalars: start.scalars)
        addRowBroadcast(matrix.data, rows: rows, columns: columns, transposed: true, into: broadcast.data)
        #expect(broadcast.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
