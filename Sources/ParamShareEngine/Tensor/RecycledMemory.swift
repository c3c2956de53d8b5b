import Synchronization

/// Memory that a pass's own buffers give back when freed, kept for the next request of the same
/// size instead of returned to the allocator.
///
/// bf16 training allocates some buffers per pass and frees them once read (a convolution's input
/// gradient, a batch norm's input gradient in bf16), so that only the few in use at a time take
/// memory. Freed to the allocator, blocks of megabytes go back to the system (glibc unmaps them
/// or trims its heap), and the next pass's block of the same size is faulted in and cleared by
/// the kernel one page at a time: on bf16 ResNet-8 that was six times as many page faults as
/// the `Float` path's, and a tenth of a training step spent in the kernel. Kept here, a step's
/// buffers come back from the last step's, and what stays allocated between steps is at most
/// what one step had in use at once.
///
/// Blocks are kept by exact byte count, up to ``retainedLimit`` bytes in all: beyond it a
/// freed block goes back to the allocator, so that sizes no longer asked for (another model's,
/// an epoch's shorter last batch) cannot hold memory without bound.
enum RecycledMemory {
    /// The most bytes kept for reuse: above the most that bf16 training of the CIFAR ResNets has
    /// in use at once in buffers of a pass (28 MiB at batch 128, ResNet-8 to -56 alike: a few
    /// first-stage gradients), and small against the activations a training step keeps.
    static let retainedLimit = 64 << 20

    private struct Pool: ~Copyable {
        // Kept blocks' addresses by byte count (addresses as integers: a pointer is not `Sendable`).
        var blocks: [Int: [UInt]] = [:]
        var retainedBytes = 0
    }

    private static let pool = Mutex(Pool())

    /// A block of `bytes` bytes (at least one), aligned for any scalar: one given back earlier,
    /// or a new one. Its contents are unspecified.
    static func take(bytes: Int) -> UnsafeMutableRawPointer {
        let bytes = max(bytes, 1)
        let reused = pool.withLock { pool -> UInt? in
            guard let block = pool.blocks[bytes]?.popLast() else { return nil }
            pool.retainedBytes -= bytes
            return block
        }
        return reused.flatMap(UnsafeMutableRawPointer.init(bitPattern:)) ?? .allocate(byteCount: bytes, alignment: alignment)
    }

    /// Takes back `block`, of `bytes` bytes, from ``take(bytes:)``.
    static func give(_ block: UnsafeMutableRawPointer, bytes: Int) {
        let bytes = max(bytes, 1), address = UInt(bitPattern: block)
        let kept = pool.withLock { pool -> Bool in
            guard pool.retainedBytes + bytes <= retainedLimit else { return false }
            pool.blocks[bytes, default: []].append(address)
            pool.retainedBytes += bytes
            return true
        }
        if !kept { block.deallocate() }
    }

    /// The alignment of every block: a cache line, as the allocator gives large blocks.
    private static let alignment = 64
}
