/// Writes `source` rounded to the nearest bfloat16 (ties to even), as `Float`, into
/// `destination`, which may be `source`.
///
/// A bfloat16 is a `Float` whose low 16 bits are zero, so rounding adds half of the dropped
/// part (less one, plus the kept part's lowest bit, which breaks ties towards even) and clears
/// it. Values past the largest bfloat16 round to infinity; a NaN stays a (quiet) NaN rather than
/// rounding into infinity.
func roundToBFloat16(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutablePointer<Float>) {
    let input = UnsafeRawPointer(source).assumingMemoryBound(to: UInt32.self)
    let output = UnsafeMutableRawPointer(destination).assumingMemoryBound(to: UInt32.self)
    for i in 0..<count {
        let bits = input[i]
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
        let quietNaN = (bits | 0x0040_0000) & 0xFFFF_0000
        output[i] = bits & 0x7FFF_FFFF > 0x7F80_0000 ? quietNaN : rounded
    }
}

/// Scratch buffers for operands rounded to bfloat16, one per slot, made for one pass and freed
/// with it.
///
/// A pass takes one slot per thread and operand (`2 · thread + operand`, say), so threads never
/// share a buffer. Per-pass buffers, rather than per layer, keep a bf16 model's peak memory that
/// of its fp32 twin plus a few blocks.
final class BFloat16Operands: @unchecked Sendable {
    private let buffers: [UnsafeMutablePointer<Float>]
    private let capacities: [Int]

    /// Makes one buffer for each element of `capacities`, holding that many values.
    init(capacities: [Int]) {
        self.capacities = capacities
        buffers = capacities.map { UnsafeMutablePointer<Float>.allocate(capacity: max($0, 1)) }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// `count` values of `source` rounded to bfloat16 in the buffer of `slot`, which holds them
    /// until the slot's next use.
    ///
    /// Only `Float` rounds: ``ComputePrecision/bfloat16`` is refused for any other scalar when set.
    func rounded<Scalar>(_ source: UnsafePointer<Scalar>, count: Int, slot: Int) -> UnsafeMutablePointer<Scalar> {
        precondition(Scalar.self == Float.self && count <= capacities[slot], "bf16 operand of \(count) values in slot \(slot)")
        roundToBFloat16(UnsafeRawPointer(source).assumingMemoryBound(to: Float.self), count: count, into: buffers[slot])
        return UnsafeMutableRawPointer(buffers[slot]).assumingMemoryBound(to: Scalar.self)
    }
}

extension Tensor {
    /// This tensor's values rounded to bfloat16, in `buffer` (reused when its shape fits).
    func roundedToBFloat16(reusing buffer: inout Tensor?) -> Tensor {
        let rounded = buffer.reuse(shape: shape)
        precondition(Scalar.self == Float.self, "only Float rounds to bfloat16")
        roundToBFloat16(UnsafeRawPointer(data).assumingMemoryBound(to: Float.self), count: count,
                        into: UnsafeMutableRawPointer(rounded.data).assumingMemoryBound(to: Float.self))
        return rounded
    }
}
