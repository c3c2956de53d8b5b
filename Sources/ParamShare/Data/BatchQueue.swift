import Foundation
import ParamShareEngine

/// Batches assembled on a background thread and handed to the training thread in order, at
/// most `capacity` of them ready or in assembly at once: the bound that keeps a streamed data
/// set's memory at a few batches, whatever its size.
///
/// The batches' tensors are a fixed ring of `capacity + 1` buffers (one for the batch training
/// holds), recycled as training returns them, so streaming allocates nothing per batch. A
/// failure on the assembling thread is handed over in its place in the order, and thrown on the
/// training thread once the batches before it are used; when training stops early or throws,
/// the assembling thread is told to stop and waited for, so nothing runs on after an epoch.
final class BatchQueue: @unchecked Sendable {
    // Everything below is read and written only under `condition`'s lock.
    private let condition = NSCondition()
    private var free: [Tensor<Float>]
    private var ready: [(images: Tensor<Float>, count: Int, labels: [Int32])] = []
    private var failure: (any Error)?
    private var assemblerDone = false
    private var stopped = false

    /// A queue of batches of tensors of `shape` (`[batchSize, channels, height, width]`).
    init(capacity: Int, shape: [Int]) {
        precondition(capacity >= 1, "a queue of batches needs room for at least one")
        free = (0...capacity).map { _ in Tensor(shape: shape) }
    }

    /// Runs `assemble` on a new thread and `body` on this one with each batch it publishes, in
    /// order, until `assemble` returns, `body` returns `false`, or either throws.
    ///
    /// `assemble` gets a free buffer from `next` (which blocks while `capacity` batches wait,
    /// and returns `nil` once training has stopped), fills its first `count` images, and
    /// publishes it with `publish`.
    ///
    /// - Throws: the first error of `assemble`, after every batch published before it; or `body`'s.
    func run(assemble: @escaping @Sendable (_ next: () -> Tensor<Float>?,
                                            _ publish: (_ images: Tensor<Float>, _ count: Int, _ labels: [Int32]) -> Void) throws -> Void,
             body: (Batch) throws -> Bool) throws {
        let thread = Thread { [self] in
            do {
                try assemble(nextFree, publish)
                finish(nil)
            } catch {
                finish(error)
            }
        }
        // The decoders and the resampling keep their buffers on the heap; 8 MiB is a thread's usual stack.
        thread.stackSize = 8 << 20
        thread.start()
        defer { stopAndWait() }
        while let item = try nextReady() {
            let goOn = try body(Batch(images: item.images.batch(0..<item.count), labels: item.labels))
            recycle(item.images)
            guard goOn else { return }
        }
    }

    private func nextFree() -> Tensor<Float>? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !stopped { condition.wait() }
        return stopped ? nil : free.removeLast()
    }

    private func publish(_ images: Tensor<Float>, count: Int, labels: [Int32]) {
        condition.lock()
        ready.append((images, count, labels))
        condition.broadcast()
        condition.unlock()
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        failure = error
        assemblerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order; `nil` after the last; throws the assembler's failure where it occurred.
    private func nextReady() throws -> (images: Tensor<Float>, count: Int, labels: [Int32])? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !assemblerDone { condition.wait() }
        if !ready.isEmpty { return ready.removeFirst() }
        if let failure { throw failure }
        return nil
    }

    private func recycle(_ images: Tensor<Float>) {
        condition.lock()
        free.append(images)
        condition.broadcast()
        condition.unlock()
    }

    private func stopAndWait() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !assemblerDone { condition.wait() }
        condition.unlock()
    }
}
