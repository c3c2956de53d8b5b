import ArgumentParser
import ParamShare

/// The test images checkpoints were evaluated on, loaded once per data set from `--data-dir`.
struct CheckpointTestSets {
    /// The folder of the official files, for data sets that are not embedded.
    let dataDirectory: String?
    private var loaded: [String: ImageDataset] = [:]

    init(dataDirectory: String?) {
        self.dataDirectory = dataDirectory
    }

    /// The test set of `checkpoint` (read from `path`) in batches, normalised as its run trained,
    /// in the order the run's own evaluation read them.
    ///
    /// - Throws: `ValidationError` when the data set is unknown, needs `--data-dir`, or differs
    ///   from the run's (another image count or shape).
    mutating func batches(for checkpoint: Checkpoint, at path: String) throws -> BatchIterator {
        let name = checkpoint.cell.data.dataset
        guard let (dataset, imageSize) = DatasetName.parsing(recorded: name) else {
            throw ValidationError("\(path) was trained on '\(name)', which this version cannot load")
        }
        if !dataset.isEmbedded, dataDirectory == nil { throw ValidationError("\(path) was trained on \(name): pass --data-dir") }
        let test = try loaded[name] ?? dataset.load(directory: dataset.isEmbedded ? nil : dataDirectory, imageSize: imageSize).test
        loaded[name] = test
        guard test.count == checkpoint.cell.data.testImages, test.imageShape == checkpoint.inputShape else {
            throw ValidationError("the \(name) test set here has \(test.count) images of \(test.imageShape); the run used "
                                  + "\(checkpoint.cell.data.testImages) of \(checkpoint.inputShape): point --data-dir at the files it was trained with")
        }
        return checkpoint.testBatches(of: test)
    }
}
