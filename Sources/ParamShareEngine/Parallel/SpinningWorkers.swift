import CEngineKernels
import Dispatch
import Foundation
import Synchronization

/// Worker threads that run the chunks of the engine's parallel regions, and stay awake for a
/// while after each one so that the next region starts without waking them.
///
/// A region through `DispatchQueue.concurrentPerform` cost 8–12 µs once its other thread had
/// gone idle, against 1–2.6 µs handed to a spinning thread (Intel Xeon, family 6, model 207);
/// an MLP inference step of 2 ms has five regions, and its two threads were idle 12 % of the
/// time. A worker spins for ``spinNanoseconds`` after its last chunk, then sleeps on a
/// semaphore until the next region wakes it.
///
/// One region runs at a time: a region started while another runs (a nested one, or one from
/// another thread of the process) returns `false` from ``run(chunks:_:)`` and the caller takes
/// another way. Which thread runs which chunk never changes a result (``EngineThreads``).
final class SpinningWorkers: @unchecked Sendable {
    /// The workers of every region `EngineThreads` runs.
    static let shared = SpinningWorkers()

    /// How long a worker spins for the next region before it sleeps: longer than the gaps
    /// between regions within a step, short enough that a process between steps, or waiting on
    /// something else, gives its cores back.
    static let spinNanoseconds: UInt64 = 100_000

    /// One worker's state: whether it sleeps, and the semaphore that wakes it.
    private final class Worker: @unchecked Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    /// The current region: its number in the high bits, its chunk count in the low 16.
    private let region = Atomic<Int>(0)
    /// Chunks of the current region finished by workers.
    private let finished = Atomic<Int>(0)
    /// Whether a region is running (taken by the caller that starts one).
    private let busy = Atomic<Bool>(false)
    /// The current region's body; written before the region is published, read by workers after.
    private nonisolated(unsafe) var body: (@Sendable (Int) -> Void)?
    private var workers: [Worker] = []

    private static let chunkBits = 16

    /// Runs `body(chunk)` for `chunks` chunks, chunk 0 on the calling thread and chunk `w` on
    /// worker `w`, and returns when all are done; returns `false` without running any if another
    /// region is running or `chunks` is more than the pool takes.
    func run(chunks: Int, _ body: @Sendable (Int) -> Void) -> Bool {
        guard chunks >= 2, chunks < 1 << Self.chunkBits,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        while workers.count < chunks - 1 { startWorker(index: workers.count + 1) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            finished.store(0, ordering: .relaxed)
            let next = ((region.load(ordering: .relaxed) >> Self.chunkBits) + 1) << Self.chunkBits | chunks
            region.store(next, ordering: .sequentiallyConsistent)
            for worker in workers.prefix(chunks - 1) where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                worker.wake.signal()
            }
            body(0)
            // The caller's own chunk is as long as the others, so their ends are near: spin, and
            // past ``spinNanoseconds`` (a worker not running, on a machine with more threads than
            // cores) let other threads run between looks.
            let start = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while finished.load(ordering: .acquiring) != chunks - 1 {
                spins += 1
                if spins & 63 == 0, DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds {
                    sched_yield()
                } else {
                    paramshare_spin_pause()
                }
            }
            self.body = nil
        }
        return true
    }

    private func startWorker(index: Int) {
        let worker = Worker()
        workers.append(worker)
        // The region the worker has seen is the one before the region it is started for: read
        // here, since the thread may first run after that region is published.
        let seen = region.load(ordering: .relaxed)
        let thread = Thread { [unowned self] in self.serve(worker, index: index, seen: seen) }
        thread.name = "ParamShare engine \(index)"
        thread.start()
    }

    /// Worker `index`'s loop: waits for a region (spinning, then asleep), runs its chunk if the
    /// region has one for it, and says so.
    private func serve(_ worker: Worker, index: Int, seen: Int) {
        var seen = seen
        while true {
            var current = region.load(ordering: .acquiring)
            if current == seen {
                let start = DispatchTime.now().uptimeNanoseconds
                var spins = 0
                while current == seen {
                    paramshare_spin_pause()
                    spins += 1
                    if spins & 63 == 0, DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds { break }
                    current = region.load(ordering: .acquiring)
                }
            }
            if current == seen {
                worker.sleeping.store(true, ordering: .sequentiallyConsistent)
                if region.load(ordering: .sequentiallyConsistent) != seen {
                    // A region came in between: take back the sleep, or the wake-up already sent for it.
                    if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.wait() }
                } else {
                    worker.wake.wait()
                }
                continue
            }
            seen = current
            if index < current & ((1 << Self.chunkBits) - 1) {
                body!(index)
                finished.add(1, ordering: .releasing)
            }
        }
    }
}
