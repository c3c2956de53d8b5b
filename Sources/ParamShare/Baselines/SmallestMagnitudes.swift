import ParamShareEngine

/// The positions of the `count` smallest-magnitude values over all of `tensors`, tensor by
/// tensor: what magnitude pruning removes, whether during training (``MagnitudePruning``) or
/// after it (`BankCompression`).
///
/// Of equal magnitudes the later value goes first, so the earlier one is kept and the choice
/// is deterministic.
func smallestMagnitudes(_ count: Int, in tensors: [Tensor<Float>]) -> [[Int]] {
    var entries: [(magnitude: Float, tensor: Int, position: Int)] = []
    entries.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
    for (index, tensor) in tensors.enumerated() {
        let values = tensor.data
        for position in 0..<tensor.count { entries.append((abs(values[position]), index, position)) }
    }
    entries.sort { $0.magnitude != $1.magnitude ? $0.magnitude > $1.magnitude : ($0.tensor, $0.position) < ($1.tensor, $1.position) }
    var positions: [[Int]] = tensors.map { _ in [] }
    for entry in entries.suffix(count) { positions[entry.tensor].append(entry.position) }
    return positions
}
