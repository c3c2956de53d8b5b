import ParamShareEngine

/// A hashed sparse projection and its transpose, over the rows `firstIndex ..< firstIndex + count`
/// of one layer, each row with `nonzeros` entries ±`value`: `w[i] += value · Σ_k ±θ[c]·s[c]` over
/// the columns c = column(firstIndex + i, k), θ read through the column scales s (1 without
/// them); `transposed`, `θGradient[c] += ±value · s[c] · dW[i]`. `source` is θ or dW, `target`
/// w or θ's gradient, added to either way.
///
/// Entry k of the row of global weight g is keyed `g · nonzeros + k`, so every (weight, entry)
/// pair hashes a distinct key. Columns are drawn with replacement: two entries of a row that
/// land on one column (probability about nonzeros²/2d) merely add up, which keeps the map
/// linear and the expected squared row norm at nonzeros · value². Scaling θ as it is read, not
/// into a copy, spares a bank-sized allocation and pass per layer.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func sparseProjection<Scalar: EngineScalar>(
    _ source: UnsafePointer<Scalar>, dimension: Int, seed: UInt64, firstIndex: Int, nonzeros: Int, value: Scalar,
    columnScales: UnsafePointer<Scalar>? = nil, transposed: Bool, into target: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count {
        let firstKey = UInt64(firstIndex + i) &* UInt64(nonzeros)
        // The row's sum, or (transposed) the row's gradient spread over its columns.
        var sum: Scalar = 0
        let scaled = transposed ? value * source[i] : 0
        for k in 0..<nonzeros {
            let hash = WeightHash.value(seed: seed, key: firstKey &+ UInt64(k))
            let column = WeightHash.entry(of: hash, among: dimension)
            let scale = columnScales?[column] ?? 1
            if transposed {
                let term = scaled * scale
                target[column] += WeightHash.isNegative(hash) ? -term : term
            } else {
                let entry = source[column] * scale
                sum += WeightHash.isNegative(hash) ? -entry : entry
            }
        }
        if !transposed { target[i] += value * sum }
    }
}

/// The norm of every column of a hashed sparse projection over all its rows, and the rows in
/// which it is not zero: `layers` gives each block of rows as (first global index, rows,
/// nonzeros a row, the nonzeros' magnitude).
///
/// Li et al. normalise each column of P over the whole model, so a column's norm needs every
/// row. Two nonzeros of a row on one column add up before squaring, as `sparseProjection`
/// adds them; `pending` collects a row's signs by column for that, and is cleared as it is read.
func sparseProjectionColumns(dimension: Int, seed: UInt64, layers: [(firstIndex: Int, count: Int, nonzeros: Int, value: Double)])
    -> (norms: [Double], uses: [Int]) {
    var squares = [Double](repeating: 0, count: dimension)
    var uses = [Int](repeating: 0, count: dimension)
    var pending = [Int](repeating: 0, count: dimension)
    var columns = [Int]()
    for layer in layers {
        columns.reserveCapacity(layer.nonzeros)
        for i in 0..<layer.count {
            let firstKey = UInt64(layer.firstIndex + i) &* UInt64(layer.nonzeros)
            columns.removeAll(keepingCapacity: true)
            for k in 0..<layer.nonzeros {
                let hash = WeightHash.value(seed: seed, key: firstKey &+ UInt64(k))
                let column = WeightHash.entry(of: hash, among: dimension)
                pending[column] += WeightHash.isNegative(hash) ? -1 : 1
                columns.append(column)
            }
            for column in columns where pending[column] != 0 {
                squares[column] += Double(pending[column] * pending[column]) * layer.value * layer.value
                uses[column] += 1
                pending[column] = 0
            }
        }
    }
    return (squares.map { $0.squareRoot() }, uses)
}
