import ParamShareEngine
import Synchronization

/// Runs code with a given engine thread count, one such block at a time.
///
/// The count is process-wide and tests run concurrently, so blocks that depend on it take a
/// lock. Other tests may see the count change mid-run, which changes only how work is split,
/// never a result.
public enum ThreadCountOverride {
    private static let lock = Mutex<Void>(())

    public static func run<Result>(threads: Int, _ body: () throws -> Result) rethrows -> Result {
        try lock.withLock { _ in
            let previous = EngineThreads.count
            EngineThreads.count = threads
            defer { EngineThreads.count = previous }
            return try body()
        }
    }
}
