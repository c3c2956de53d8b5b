import ParamShareEngine

/// A way to shrink a trained model's degrees of freedom after training: quantise them, or
/// prune the smallest.
///
/// It acts on what a cell's budget counts: the banks of a generated model, or the weights of
/// the layers a generator would replace in a dense, pruned or width-scaled one, so that every
/// kind of model gets the same treatment. Quantisation is symmetric with one Float scale per
/// block of ``blockSize`` consecutive values (the largest magnitude of the block maps to the
/// largest level), rounding to the nearest level; pruning zeroes exactly the given share of
/// the non-zero values, smallest magnitude first, over all the tensors at once. Non-zero,
/// because those are a model's degrees of freedom: 50 % pruning of the `pruned` baseline halves
/// the weights it kept, as it halves a ring.
package enum BankCompression: Sendable, Hashable, CustomStringConvertible, CaseIterable {
    case int8, int4
    case prune50, prune90

    /// Values that share one quantisation scale.
    package static let blockSize = 64

    /// `int8`, `int4`, `prune50` or `prune90`, as the `method` column spells it.
    package var description: String {
        switch self {
        case .int8: "int8"
        case .int4: "int4"
        case .prune50: "prune50"
        case .prune90: "prune90"
        }
    }

    /// Compresses `tensors` in place and returns the bytes their compressed form takes (see
    /// ``storedBytes(of:bitsPerValue:scales:)``): 8 or 4 bits a value and a 4-byte scale a
    /// block when quantised, 32 bits a value when pruned.
    package func apply(to tensors: [Tensor<Float>]) -> Int {
        let count = tensors.reduce(0) { $0 + $1.count }
        switch self {
        case .int8, .int4:
            let levels: Float = self == .int8 ? 127 : 7
            var blocks = 0
            for tensor in tensors {
                for start in stride(from: 0, to: tensor.count, by: Self.blockSize) {
                    Self.quantize(tensor.data + start, count: min(Self.blockSize, tensor.count - start), levels: levels)
                    blocks += 1
                }
            }
            return Self.storedBytes(of: tensors, bitsPerValue: self == .int8 ? 8 : 4, scales: blocks)
        case .prune50, .prune90:
            let nonZeros = Self.nonZeroCount(of: tensors)
            // The zeros already there are the smallest magnitudes, so they are picked first.
            let zeros = count - nonZeros + Int((Double(nonZeros) * (self == .prune50 ? 0.5 : 0.9)).rounded())
            for (tensor, positions) in zip(tensors, smallestMagnitudes(zeros, in: tensors)) {
                for position in positions { tensor[position] = 0 }
            }
            return Self.storedBytes(of: tensors, bitsPerValue: 32, scales: 0)
        }
    }

    /// The bytes `tensors` take at `bitsPerValue` with `scales` 4-byte scales: all values, or,
    /// where it is smaller, the non-zero values and a one-bit mask over all of them, so that a
    /// model pruned before (the `pruned` baseline) or here is counted as sparse storage would keep it.
    package static func storedBytes(of tensors: [Tensor<Float>], bitsPerValue: Int, scales: Int) -> Int {
        let count = tensors.reduce(0) { $0 + $1.count }, nonZeros = nonZeroCount(of: tensors)
        let dense = (count * bitsPerValue + 7) / 8, sparse = (nonZeros * bitsPerValue + 7) / 8 + (count + 7) / 8
        return min(dense, sparse) + 4 * scales
    }

    private static func nonZeroCount(of tensors: [Tensor<Float>]) -> Int {
        tensors.reduce(0) { total, tensor in total + (0..<tensor.count).filter { tensor[$0] != 0 }.count }
    }

    /// Rounds `count` values to the nearest of 2·levels + 1 levels spaced by the block's largest magnitude / levels.
    private static func quantize(_ values: UnsafeMutablePointer<Float>, count: Int, levels: Float) {
        var largest: Float = 0
        for i in 0..<count { largest = max(largest, abs(values[i])) }
        guard largest > 0 else { return }
        let scale = largest / levels
        for i in 0..<count { values[i] = (values[i] / scale).rounded() * scale }
    }

    /// The tensors of `network`, trained as `cell` on images of `inputShape`, that the cell's
    /// budget counts: its banks, or, for a model without banks, the weights of the layers a
    /// generator would replace.
    package static func budgetedTensors(of network: Sequential<Float>, cell: SweepCell, inputShape: [Int], classes: Int) -> [Tensor<Float>] {
        let parameters = network.parameters.uniqued()
        let banks = parameters.filter { $0.role == .bank }
        if !banks.isEmpty { return banks.map(\.value) }
        let roles = cell.sharing?.generatedRoles ?? SharingPlan.defaultRoles
        let names = Set(cell.architecture.describe(inputShape: inputShape, classes: classes)
            .weightedLayers(withRoles: roles).map { "\($0.name).weight" })
        return parameters.filter { names.contains($0.name) }.map(\.value)
    }
}
