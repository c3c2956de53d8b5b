import RealModule

// Elementwise kernels. Each is specialised for Float and Double, so generic layers call
// vectorised loops rather than unspecialised per-element code.

/// Sets `count` scalars to `value`.
///
/// Generic code must call this rather than `UnsafeMutablePointer.update(repeating:count:)`,
/// which, unspecialised, copies element by element through value witnesses.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func fill<Scalar: EngineScalar>(_ x: UnsafeMutablePointer<Scalar>, with value: Scalar, count: Int) {
    x.update(repeating: value, count: count)
}

/// Copies `count` scalars from `source` to `destination`; for the same reason as `fill`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func copyScalars<Scalar: EngineScalar>(from source: UnsafePointer<Scalar>, to destination: UnsafeMutablePointer<Scalar>, count: Int) {
    destination.update(from: source, count: count)
}

/// `y[i] += alpha · x[i]` for `count` scalars (BLAS's axpy).
///
/// Public so that generators in other modules get a specialised loop; see `BankKernels` in ParamShare.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func addScaled<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, times alpha: Scalar, into y: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count { y[i] = Relaxed.multiplyAdd(alpha, x[i], y[i]) }
}

/// `out[r·width + i] = x[r·width + i] · scale[r]`: each row of the `rows × width` matrix `x`
/// times its own factor (a kernel's output channels times a folded batch norm's scales). In
/// generic layer code the same loop multiplied through unspecialised witnesses: 6 % of a
/// ResNet-18 benchmark's samples.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func scaleRows<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, by scale: UnsafePointer<Scalar>, rows: Int, width: Int, into out: UnsafeMutablePointer<Scalar>
) {
    for row in 0..<rows {
        let factor = scale[row], from = x + row * width, to = out + row * width
        for i in 0..<width { to[i] = from[i] * factor }
    }
}

/// `out[i] = a[i] + b[i]` for `count` scalars.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func add<Scalar: EngineScalar>(
    _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, into out: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count { out[i] = a[i] + b[i] }
}

/// `out[i] = max(x[i], 0)`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func reluForward<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, into out: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count { out[i] = x[i] > 0 ? x[i] : 0 }
}

/// `dx[i] = y[i] > 0 ? dy[i] : 0`, from the ReLU's own output `y`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func reluBackward<Scalar: EngineScalar>(
    output y: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>,
    into dx: UnsafeMutablePointer<Scalar>, count: Int
) {
    // Both loads happen unconditionally so the compiler emits a select, not a branch that
    // mispredicts on half of all activations.
    for i in 0..<count {
        let gradient = dy[i]
        dx[i] = y[i] > 0 ? gradient : 0
    }
}

/// `dx[i] = y[i] > 0 ? dy[i] + other[i] : 0`: a sum of two gradients and a ReLU's backward in
/// one pass, rounding as the two passes one after another do.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func reluBackward<Scalar: EngineScalar>(
    output y: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, adding other: UnsafePointer<Scalar>,
    into dx: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count {
        let gradient = dy[i] + other[i]
        dx[i] = y[i] > 0 ? gradient : 0
    }
}

/// Adds `bias[c]` to every element of each channel plane: `x` is `[items, channels, plane]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func addChannelBias<Scalar: EngineScalar>(
    _ bias: UnsafePointer<Scalar>, to x: UnsafeMutablePointer<Scalar>, items: Int, channels: Int, plane: Int
) {
    for item in 0..<items {
        for c in 0..<channels {
            let row = x + (item * channels + c) * plane
            let b = bias[c]
            for i in 0..<plane { row[i] += b }
        }
    }
}

/// `biasGradient[c] += Σ dy` over every item and plane position of channel `c`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func accumulateChannelBiasGradient<Scalar: EngineScalar>(
    _ dy: UnsafePointer<Scalar>, into biasGradient: UnsafeMutablePointer<Scalar>,
    items: Int, channels: Int, plane: Int
) {
    for c in 0..<channels {
        var sum: Scalar = 0
        for item in 0..<items {
            let row = dy + (item * channels + c) * plane
            for i in 0..<plane { sum = Relaxed.sum(sum, row[i]) }
        }
        biasGradient[c] += sum
    }
}

/// A vector broadcast over the rows of a row-major `[rows, columns]` matrix, and its transpose,
/// each adding into `target`: `matrix[i, j] += vector[j]` (a bias added to every row), or
/// `transposed`, `vector[j] += Σᵢ matrix[i, j]` (the bias's gradient: the column sums).
/// `source` is the vector, or (`transposed`) the matrix.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func addRowBroadcast<Scalar: EngineScalar>(
    _ source: UnsafePointer<Scalar>, rows: Int, columns: Int, transposed: Bool, into target: UnsafeMutablePointer<Scalar>
) {
    if Scalar.self == Float.self {
        if transposed {
            addColumnSums(rebound(source), rows: rows, columns: columns, into: rebound(target))
        } else {
            addToRows(rebound(source), rows: rows, columns: columns, rowStride: columns, into: rebound(target))
        }
        return
    }
    for r in 0..<rows {
        let row = r * columns
        if transposed {
            for j in 0..<columns { target[j] += source[row + j] }
        } else {
            for j in 0..<columns { target[row + j] += source[j] }
        }
    }
}

/// Adds each column's sum of a row-major `[rows, columns]` matrix into `target`, eight columns at
/// a time in registers over blocks of 64 rows (a batch norm's channel sums, in channels-last
/// order). Each column is summed in row order, as the loop of ``addRowBroadcast`` adds, so the
/// bits are that loop's. That loop compiled to one scalar add per value, loading and storing
/// its target each time (it may alias the matrix), and held 3.8 % of an fp32 ResNet-56 step's
/// samples.
func addColumnSums(_ source: UnsafePointer<Float>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Float>) {
    let lanes = 8, vectorColumns = columns / lanes * lanes, rowsPerBlock = 64
    for first in stride(from: 0, to: rows, by: rowsPerBlock) {
        let last = min(first + rowsPerBlock, rows)
        for j in stride(from: 0, to: vectorColumns, by: lanes) {
            var sum = UnsafeRawPointer(target + j).loadUnaligned(as: SIMD8<Float>.self)
            for r in first..<last { sum += UnsafeRawPointer(source + r * columns + j).loadUnaligned(as: SIMD8<Float>.self) }
            UnsafeMutableRawPointer(target + j).storeBytes(of: sum, as: SIMD8<Float>.self)
        }
        for j in vectorColumns..<columns {
            var sum = target[j]
            for r in first..<last { sum += source[r * columns + j] }
            target[j] = sum
        }
    }
}

/// Adds `vector[0..<columns]` to each of `rows` rows of `target`, `rowStride` values apart (a
/// bias added to a block of a layer's output), eight columns at a time in registers. Each value
/// gets one addition, so the bits are those of the scalar loop, which compiled to one add per
/// value (for all the compiler knew, the vector could be part of the target) and held 2.8 % of
/// the MLP's inference samples.
func addToRows(_ vector: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int,
               into target: UnsafeMutablePointer<Float>) {
    let lanes = 8, vectorColumns = columns / lanes * lanes
    for r in 0..<rows {
        let row = target + r * rowStride
        for j in stride(from: 0, to: vectorColumns, by: lanes) {
            let sum = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
                + UnsafeRawPointer(vector + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(row + j).storeBytes(of: sum, as: SIMD8<Float>.self)
        }
        for j in vectorColumns..<columns { row[j] += vector[j] }
    }
}

/// Transposes each of `items` consecutive `rows × columns` matrices.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func transposePlanes<Scalar: EngineScalar>(
    _ x: UnsafePointer<Scalar>, items: Int, rows: Int, columns: Int, into y: UnsafeMutablePointer<Scalar>
) {
    for item in 0..<items {
        let source = x + item * rows * columns, destination = y + item * rows * columns
        for r in 0..<rows {
            for c in 0..<columns { destination[c * rows + r] = source[r * columns + c] }
        }
    }
}
