import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Compressing a trained bank")
struct BankCompressionTests {
    private static func tensors() -> [Tensor<Float>] {
        let random = RandomSource(seed: 9)
        return [Tensor<Float>.random(shape: [150], random: random), Tensor<Float>.random(shape: [3, 7], random: random)]
    }

    @Test("quantisation moves no value by more than half its block's step, and keeps each block's largest exactly",
          arguments: [(BankCompression.int8, Float(127)), (.int4, 7)])
    func quantisationBound(method: BankCompression, levels: Float) {
        let original = Self.tensors()
        let compressed = Self.tensors()
        let bytes = method.apply(to: compressed)
        for (before, after) in zip(original, compressed) {
            for start in stride(from: 0, to: before.count, by: BankCompression.blockSize) {
                let block = start..<min(start + BankCompression.blockSize, before.count)
                let largest = block.map { abs(before[$0]) }.max()!
                let step = largest / levels
                for i in block {
                    #expect(abs(after[i] - before[i]) <= step / 2 * 1.0001)
                    #expect(abs((after[i] / step).rounded() * step - after[i]) <= step * 1e-5, "on a level")
                }
                #expect(block.map { abs(after[$0]) }.max()! == largest)
            }
        }
        // 171 values in 3 + 1 blocks: a byte or half a byte each, and 4 bytes a scale.
        #expect(bytes == (method == .int8 ? 171 : 86) + 4 * 4)
    }

    @Test("pruning zeroes exactly its share, smallest magnitudes first", arguments: [(BankCompression.prune50, 86), (.prune90, 154)])
    func pruningCount(method: BankCompression, zeros: Int) {
        let original = Self.tensors()
        let compressed = Self.tensors()
        _ = method.apply(to: compressed)
        let pairs = zip(original, compressed).flatMap { before, after in (0..<before.count).map { (before[$0], after[$0]) } }
        #expect(pairs.filter { $0.1 == 0 }.count == zeros)
        let largestPruned = pairs.filter { $0.1 == 0 }.map { abs($0.0) }.max()!
        let smallestKept = pairs.filter { $0.1 != 0 }.map { abs($0.0) }.min()!
        #expect(largestPruned <= smallestKept)
        #expect(pairs.filter { $0.1 != 0 }.allSatisfy { $0.0 == $0.1 })
    }

    @Test("pruning a sparse model removes its share of the non-zero values", arguments: [(BankCompression.prune50, 50), (.prune90, 90)])
    func pruningSparse(method: BankCompression, percent: Int) {
        // 100 non-zeros among 400 values, as a pruned baseline keeps: its degrees of freedom.
        let tensor = Tensor<Float>(shape: [400], repeating: 0)
        for i in 0..<100 { tensor[4 * i + 1] = Float(i + 1) * (i.isMultiple(of: 2) ? 1 : -1) }
        _ = method.apply(to: [tensor])
        let kept = (0..<400).filter { tensor[$0] != 0 }
        #expect(kept.count == 100 - percent)
        #expect(kept.allSatisfy { abs(tensor[$0]) > Float(percent) })
    }

    @Test("stored bytes take the sparse form where it is smaller")
    func storedBytes() {
        let tensor = Tensor<Float>(shape: [80], repeating: 0)
        tensor[3] = 1
        #expect(BankCompression.storedBytes(of: [tensor], bitsPerValue: 32, scales: 0) == 4 + 10)
        tensor.data.update(repeating: 1, count: 80)
        #expect(BankCompression.storedBytes(of: [tensor], bitsPerValue: 32, scales: 2) == 320 + 8)
    }
}
