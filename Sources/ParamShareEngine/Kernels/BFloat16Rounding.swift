import CEngineKernels

/// Writes `source` rounded to the nearest bfloat16 (ties to even), as `Float`, into
/// `destination`, which may be `source`: `CEngineKernels`'s loop, compiled for AVX2 too.
///
/// A bfloat16 is a `Float` whose low 16 bits are zero, so rounding adds half of the dropped
/// part (less one, plus the kept part's lowest bit, which breaks ties towards even) and clears
/// it. Values past the largest bfloat16 round to infinity; a NaN stays a (quiet) NaN rather than
/// rounding into infinity.
func roundToBFloat16(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutablePointer<Float>) {
    paramshare_round_to_bfloat16(UnsafeRawPointer(source).assumingMemoryBound(to: UInt32.self), count,
                                 UnsafeMutableRawPointer(destination).assumingMemoryBound(to: UInt32.self))
}

/// Writes `source` rounded to the nearest bfloat16 as bfloat16 bit patterns, the operands of
/// oneDNN's bf16 kernels: the high halves of what `roundToBFloat16` writes.
///
/// The engine rounds rather than leaving it to a oneDNN reorder so that both bf16 paths, the
/// emulation and oneDNN's bf16 kernels, multiply bit for bit the same operands.
///
/// The loop compiles to one value per iteration, and that is not what limits it: it reads
/// activations another layer just wrote, from beyond the core's caches. Under `perf`, it held
/// 7.6 % of a bf16 ResNet-20 step's samples, and a vectorised AVX-512 copy of it (in C) 7.9 %; a
/// `SIMD16` version in Swift made the step three times slower.
func convertToBFloat16(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutablePointer<UInt16>) {
    let input = UnsafeRawPointer(source).assumingMemoryBound(to: UInt32.self)
    for i in 0..<count { destination[i] = UInt16(truncatingIfNeeded: roundedToBFloat16(input[i]) >> 16) }
}

/// Writes the bfloat16 values whose bit patterns are `source` as `Float` into `destination`:
/// exact, the bits shifted into a `Float`'s high half. The emulation's `Float` kernels read
/// operands that a layer next door rounded to bit patterns this way.
func widenBFloat16(_ source: UnsafePointer<UInt16>, count: Int, into destination: UnsafeMutablePointer<Float>) {
    let output = UnsafeMutableRawPointer(destination).assumingMemoryBound(to: UInt32.self)
    for i in 0..<count { output[i] = UInt32(source[i]) << 16 }
}

/// The bit pattern of the bfloat16 nearest the `Float` whose bits are `bits`, as a `Float`'s:
/// `CEngineKernels`'s definition, which the batch norm's C kernels round with too.
@inline(__always)
func roundedToBFloat16(_ bits: UInt32) -> UInt32 {
    paramshare_bfloat16_rounded_bits(bits)
}

/// Scratch buffers for operands rounded to bfloat16, one per slot, made for one pass and freed
/// with it.
///
/// A pass takes one slot per thread and operand (`2 · thread + operand`, say), so threads never
/// share a buffer. Per-pass buffers, rather than per layer, keep a bf16 model's peak memory that
/// of its fp32 twin plus a few blocks. A slot holds either rounded `Float` values (the
/// emulation, which also widens into them the bit patterns that a layer next door rounded) or
/// bfloat16 bit patterns (oneDNN's bf16 kernels).
final class BFloat16Operands: @unchecked Sendable {
    private let buffers: [UnsafeMutableRawPointer]
    private let capacities: [Int]

    /// Makes one buffer for each element of `capacities`, holding that many values.
    init(capacities: [Int]) {
        self.capacities = capacities
        buffers = capacities.map {
            UnsafeMutableRawPointer.allocate(byteCount: max($0, 1) * MemoryLayout<Float>.stride, alignment: 64)
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// `count` values of `source` rounded to bfloat16, as `Scalar`, in the buffer of `slot`,
    /// which holds them until the slot's next use.
    ///
    /// Only `Float` rounds: ``ComputePrecision/bfloat16`` is refused for any other scalar when set.
    func rounded<Scalar>(_ source: UnsafePointer<Scalar>, count: Int, slot: Int) -> UnsafeMutablePointer<Scalar> {
        precondition(Scalar.self == Float.self && count <= capacities[slot], "bf16 operand of \(count) values in slot \(slot)")
        let buffer = buffers[slot].bindMemory(to: Float.self, capacity: count)
        roundToBFloat16(UnsafeRawPointer(source).assumingMemoryBound(to: Float.self), count: count, into: buffer)
        return UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Scalar.self)
    }

    /// The buffer of `slot`, as room for `count` `Float` values (a block's output, say).
    func scratch(slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        precondition(count <= capacities[slot], "\(count) values in slot \(slot)")
        return buffers[slot].bindMemory(to: Float.self, capacity: count)
    }

    /// The `count` bfloat16 values whose bit patterns are `source`, as `Float`, in the buffer of
    /// `slot`, which holds them until the slot's next use.
    func widened(_ source: UnsafePointer<UInt16>, count: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        precondition(count <= capacities[slot], "bf16 operand of \(count) values in slot \(slot)")
        let buffer = buffers[slot].bindMemory(to: Float.self, capacity: count)
        widenBFloat16(source, count: count, into: buffer)
        return buffer
    }

    /// `count` values of `source` rounded to bfloat16, as bit patterns, in the buffer of `slot`,
    /// which holds them until the slot's next use.
    func converted(_ source: UnsafePointer<Float>, count: Int, slot: Int) -> UnsafeMutablePointer<UInt16> {
        precondition(count <= capacities[slot], "bf16 operand of \(count) values in slot \(slot)")
        let buffer = buffers[slot].bindMemory(to: UInt16.self, capacity: count)
        convertToBFloat16(source, count: count, into: buffer)
        return buffer
    }
}

extension Tensor {
    /// The fewest values whose rounding ``roundedToBFloat16(reusing:)`` splits over the engine's
    /// threads: 11 µs of one thread's rounding in AVX2 and 22 in SSE2 at best (in cache), against
    /// 8–12 µs to hand work to an idle thread.
    ///
    /// A linear layer's bf16 input is rounded on the calling thread while the others wait for its
    /// product; split over both threads of the Xeon of family 6, model 207, the MLP's bf16
    /// inference step went from a median of 1.21 times its fp32 step's time to 1.16, its training
    /// step from 1.28 to 1.16 (12 rotations of fp32, bf16 before and bf16 after, 500 steps each;
    /// 8 shorter ones had given 1.18 to 1.10 and 1.18 to 1.11). The rounding's loop in C, for
    /// AVX2 where the CPU has it, then took inference from 1.13 to 1.10 and training from 1.16 to
    /// 1.14 (12 more rotations). What remains is the rounding's pass over memory, and the product
    /// reading the half of its input that the other core rounded.
    static var fewestValuesRoundedInParallel: Int { 1 << 16 }

    /// This tensor's values rounded to bfloat16, in `buffer` (reused when its shape fits), split
    /// over the engine's threads when there are many (each value's rounding is its own, so the
    /// split changes no bit).
    func roundedToBFloat16(reusing buffer: inout Tensor?) -> Tensor {
        let rounded = buffer.reuse(shape: shape)
        precondition(Scalar.self == Float.self, "only Float rounds to bfloat16")
        let values = self, threads = EngineThreads.threads(for: count, fewestInParallel: Self.fewestValuesRoundedInParallel)
        EngineThreads.forEachChunk(of: count, threads: threads) { _, range in
            roundToBFloat16(UnsafeRawPointer(values.data + range.lowerBound).assumingMemoryBound(to: Float.self),
                            count: range.count,
                            into: UnsafeMutableRawPointer(rounded.data + range.lowerBound).assumingMemoryBound(to: Float.self))
        }
        return rounded
    }
}

/// Values rounded to bfloat16, as bit patterns, for oneDNN's bf16 kernels: a layer's buffer,
/// reused while it is large enough.
final class BFloat16Buffer: @unchecked Sendable {
    private(set) var data: UnsafeMutablePointer<UInt16>
    private var capacity: Int
    /// What owns `data` when this buffer borrows it (``init(over:)``).
    private let owner: AnyObject?

    init() {
        data = .allocate(capacity: 1)
        capacity = 1
        owner = nil
    }

    /// A buffer over the memory of `tensor` (twice its count in bfloat16 values, for `Float`): a
    /// buffer nobody reads as a tensor while this one is in use.
    init<Scalar>(over tensor: Tensor<Scalar>) {
        data = UnsafeMutableRawPointer(tensor.data).assumingMemoryBound(to: UInt16.self)
        capacity = tensor.count * MemoryLayout<Scalar>.stride / MemoryLayout<UInt16>.stride
        owner = tensor
    }

    deinit {
        if owner == nil { data.deallocate() }
    }

    /// Writes `count` values of `source` rounded to bfloat16 into this buffer.
    func convert(_ source: UnsafePointer<Float>, count: Int) {
        reserve(count)
        convertToBFloat16(source, count: count, into: data)
    }

    /// Makes room for `count` values, for a kernel that writes them itself; what the buffer held
    /// is lost when it grows.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        precondition(owner == nil, "a borrowed bf16 buffer of \(capacity) values cannot hold \(count)")
        data.deallocate()
        data = .allocate(capacity: count)
        capacity = count
    }
}
