@testable import ParamShareEngine
import Dispatch
import Foundation
import Synchronization
import Testing

/// The engine's worker pool: every chunk of every region runs once, whether its workers are
/// spinning, asleep or not started yet, and a region that cannot have the pool runs elsewhere.
@Suite("Spinning workers")
struct SpinningWorkersTests {
    /// One count per chunk, each written by whichever thread runs that chunk: plain memory, so
    /// that a count read after a region also checks that the region's writes are visible to its
    /// caller.
    private final class ChunkCounts: @unchecked Sendable {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        init() { counts.initialize(repeating: 0) }
        deinit { counts.deallocate() }
    }

    /// Runs `regions` regions of `chunks(region)` chunks on `workers`, sleeping `gapBefore(region)`
    /// microseconds before each, on a thread of its own; returns whether they finished within
    /// `seconds` (a region that never ends fails the test rather than hanging it), whether the pool
    /// took every region, and how often each chunk ran.
    private func chunkRuns(on workers: SpinningWorkers, regions: Int, chunks: @escaping @Sendable (Int) -> Int,
                           gapBefore: @escaping @Sendable (Int) -> UInt32,
                           seconds: Double = 60) -> (finished: Bool, ran: Bool, counts: [Int]) {
        let counts = ChunkCounts(), ranAll = Atomic<Bool>(true), done = DispatchSemaphore(value: 0)
        Thread {
            for region in 0..<regions {
                let gap = gapBefore(region)
                if gap > 0 { usleep(gap) }
                if !workers.run(chunks: chunks(region), { chunk in counts.counts[chunk] += 1 }) {
                    ranAll.store(false, ordering: .relaxed)
                }
            }
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + seconds) == .success else { return (false, false, []) }
        return (true, ranAll.load(ordering: .relaxed), Array(counts.counts))
    }

    @Test("every chunk runs once a region, with workers spinning, asleep, or started for it")
    func everyChunkOnce() {
        let workers = SpinningWorkers()
        // Chunk counts 2, 3, 4 in turn (a fourth chunk starts a third worker in region 2), and a
        // gap of 300 µs before every third region, past the spin, so that workers are asleep.
        let regions = 3_000
        let result = chunkRuns(on: workers, regions: regions, chunks: { 2 + $0 % 3 },
                               gapBefore: { $0 % 3 == 0 ? 300 : 0 })
        #expect(result.finished, "the regions did not finish within a minute: a worker missed one")
        guard result.finished else { return }
        #expect(result.ran)
        #expect(result.counts[0] == regions && result.counts[1] == regions)
        #expect(result.counts[2] == 2 * regions / 3, "chunk 2 is in the regions of 3 and 4 chunks")
        #expect(result.counts[3] == regions / 3)
        #expect(result.counts[4...].allSatisfy { $0 == 0 })
    }

    @Test("a region needs two chunks, and one at a time runs on the pool")
    func oneRegionAtATime() {
        let workers = SpinningWorkers()
        #expect(!workers.run(chunks: 1) { _ in Issue.record("a one-chunk region ran on the pool") })
        let nestedRan = Atomic<Bool>(true)
        #expect(workers.run(chunks: 2) { chunk in
            if chunk == 0 { nestedRan.store(workers.run(chunks: 2) { _ in }, ordering: .relaxed) }
        })
        let nestedWasTaken = nestedRan.load(ordering: .relaxed)
        #expect(!nestedWasTaken, "a region inside a region is refused")
    }

    @Test("regions from several threads at once, nested ones included, each run every chunk once")
    func concurrentCallers() {
        // Through EngineThreads: a caller refused the pool takes concurrentPerform.
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<500 {
                EngineThreads.forEachChunk(of: 6, threads: 3) { _, range in
                    total.add(range.count, ordering: .relaxed)
                    EngineThreads.forEachChunk(of: 2, threads: 2) { _, inner in total.add(inner.count, ordering: .relaxed) }
                }
            }
        }
        let counted = total.load(ordering: .relaxed)
        #expect(counted == 4 * 500 * (6 + 3 * 2))
    }
}
