import Dispatch

extension ImageDecoding {
    /// `transform` of each file's image, decoded on up to `threads` threads, each taking every
    /// `threads`-th file, so that only `threads` decoded images exist at once outside `transform`.
    ///
    /// Every file is tried before anything is thrown, so that one message names the first bad
    /// file in file order and counts the others, however the threads were scheduled.
    ///
    /// - Throws: the first file's ``DatasetError``, its fix listing up to five more bad files.
    static func decodeEach<T>(_ paths: [String], threads: Int, _ transform: @Sendable (DecodedImage) -> T) throws -> [T] {
        let results = UnsafeMutableBufferPointer<Result<T, any Error>?>.allocate(capacity: paths.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let slots = results
        let workers = max(1, min(threads, paths.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: paths.count, by: workers) {
                slots[index] = Result { transform(try decode(contentsOf: paths[index])) }
            }
        }
        var values: [T] = [], failures: [DatasetError] = []
        values.reserveCapacity(paths.count)
        for result in results {
            switch result! {
            case let .success(value): values.append(value)
            case let .failure(error as DatasetError): failures.append(error)
            case let .failure(error): throw error
            }
        }
        guard var first = failures.first else { return values }
        if failures.count > 1 {
            first.fix += " (\(failures.count - 1) more bad file\(failures.count == 2 ? "" : "s"): "
                + failures.dropFirst().prefix(5).map(\.path).joined(separator: ", ") + (failures.count > 6 ? ", …" : "") + ")"
        }
        throw first
    }
}
