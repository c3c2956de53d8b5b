import CNumerics
import Dispatch
import Foundation
import Synchronization

/// How many threads the engine's kernels use.
///
/// The engine parallelises over the batch itself and keeps OpenBLAS single-threaded: many
/// small per-image GEMMs run concurrently, and an OpenBLAS that also spawned threads would
/// oversubscribe the cores.
///
/// Results never depend on the thread count. Work that reduces (a weight gradient summed over
/// images) or that GEMM computes (whose last bits depend on the shape of the call: the same row
/// of a product came out different from a 16-row call than from a 32-row one) is cut into
/// blocks of a fixed size with `forEachBlock`; threads only decide who computes which block,
/// and blocks are reduced in block order. So a seed gives bit-identical results on 1, 2 or N
/// threads.
public enum EngineThreads {
    private static let current = Atomic<Int>(defaultCount)

    /// Both cores by default; `PARAMSHARE_THREADS` overrides.
    private static var defaultCount: Int {
        if let text = ProcessInfo.processInfo.environment["PARAMSHARE_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The number of threads kernels split their work over. Set it before training starts.
    public static var count: Int {
        get {
            configureBLASOnce()
            return current.load(ordering: .relaxed)
        }
        set {
            precondition(newValue >= 1, "thread count must be at least 1, got \(newValue)")
            configureBLASOnce()
            current.store(newValue, ordering: .relaxed)
        }
    }

    private static let blasConfigured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    private static func configureBLASOnce() {
        _ = blasConfigured
    }

    /// The threads for `work` units of work that is worth a parallel region only from
    /// `fewestInParallel` units on: one below that, since handing work to an idle thread costs
    /// 8–12 µs, ``count`` from it on. Each caller measures its threshold in its own units.
    static func threads(for work: Int, fewestInParallel: Int) -> Int {
        work < fewestInParallel ? 1 : count
    }

    /// Runs `body(chunk, range)` for `threads` contiguous chunks of `0..<total`, concurrently.
    ///
    /// Chunk boundaries depend only on `total` and the thread count, so per-chunk partial
    /// results can be reduced in a fixed order.
    static func forEachChunk(of total: Int, threads: Int = count, _ body: @Sendable (Int, Range<Int>) -> Void) {
        let chunks = max(1, min(threads, total))
        if chunks == 1 {
            body(0, 0..<total)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body(chunk, chunkRange(chunk, of: chunks, total: total))
        }
    }

    /// Runs `body(thread, block, range)` for the consecutive blocks of `blockSize` elements of
    /// `0..<total` (the last one shorter), spreading whole blocks over the threads.
    ///
    /// Block boundaries depend only on `total` and `blockSize`, never on the thread count, so
    /// per-block results, and their reduction in block order, are the same with any number of
    /// threads. `thread` (below `count`) indexes per-thread scratch space.
    static func forEachBlock(of total: Int, blockSize: Int, threads: Int = count,
                             _ body: @Sendable (_ thread: Int, _ block: Int, _ range: Range<Int>) -> Void) {
        let blocks = (total + blockSize - 1) / blockSize
        forEachChunk(of: blocks, threads: threads) { thread, blockRange in
            for block in blockRange {
                body(thread, block, (block * blockSize)..<min(total, (block + 1) * blockSize))
            }
        }
    }

    /// Runs `body(thread, block, range)` for the blocks of `forEachBlock`, then `reduce(thread,
    /// block)` for each block one at a time in block order, on the thread that computed it.
    ///
    /// A reduction in block order can so fold each block's result into the total as soon as the
    /// blocks before it are in, and needs one buffer per thread (`thread` indexes it), not one
    /// per block: a convolution's weight gradient summed over 16 blocks of a batch of 128 held
    /// 16 copies of the kernel, 151 MB for a 512-channel 3×3 layer, allocated, zeroed and added
    /// up on one thread while the other cores waited. The sum is the same, term by term, as
    /// summing stored block results in block order afterwards.
    ///
    /// Threads take blocks in increasing order from a shared counter, and a thread waits to
    /// reduce only for blocks before its own, which threads already running have taken: so it
    /// completes however many of the threads really run at once (one, if the system runs the
    /// iterations one after another).
    static func forEachBlockReducingInOrder(
        of total: Int, blockSize: Int, threads: Int = count,
        _ body: @Sendable (_ thread: Int, _ block: Int, _ range: Range<Int>) -> Void,
        reduce: @Sendable (_ thread: Int, _ block: Int) -> Void
    ) {
        let blocks = (total + blockSize - 1) / blockSize
        let taken = Atomic<Int>(0), reduced = Atomic<Int>(0)
        forEachChunk(of: blocks, threads: threads) { thread, _ in
            while true {
                let block = taken.wrappingAdd(1, ordering: .relaxed).oldValue
                guard block < blocks else { return }
                body(thread, block, (block * blockSize)..<min(total, (block + 1) * blockSize))
                while reduced.load(ordering: .acquiring) != block { sched_yield() }
                reduce(thread, block)
                reduced.store(block + 1, ordering: .releasing)
            }
        }
    }

    /// The `chunk`-th of `chunks` nearly equal contiguous pieces of `0..<total`.
    static func chunkRange(_ chunk: Int, of chunks: Int, total: Int) -> Range<Int> {
        let base = total / chunks, extra = total % chunks
        let start = chunk * base + min(chunk, extra)
        return start..<(start + base + (chunk < extra ? 1 : 0))
    }
}
