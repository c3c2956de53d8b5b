import ParamShareEngine

extension Checkpoint {
    /// One compression method applied to a checkpoint's degrees of freedom, and its effect.
    package struct CompressionOutcome: Sendable, Equatable {
        /// `fp32` for the checkpoint as saved, else the `BankCompression`'s description.
        package var method: String
        /// The values the method acted on: the banks, or a dense model's budgeted layers.
        package var values: Int
        /// Their storage after the method (see `BankCompression/storedBytes(of:bitsPerValue:scales:)`).
        package var bytes: Int
        package var testAccuracy: Double
    }

    /// The columns of a compression table (`sweep compress`'s): one row per checkpoint and method.
    package static let compressionColumns = ["cell_id", "model", "dataset", "generator", "budget", "seed", "method", "values", "bytes",
                                            "test_accuracy", "accuracy_change", "version"]

    /// The compression table's row of `outcome`, its accuracy change measured from `reference` (the fp32 outcome).
    package func compressionRow(_ outcome: CompressionOutcome, reference: CompressionOutcome) -> [String] {
        [cell.identifier, "\(cell.architecture)", cell.data.dataset, cell.generatorName, cell.budgetText, String(cell.configuration.seed),
         outcome.method, String(outcome.values), String(outcome.bytes), "\(outcome.testAccuracy)",
         "\(outcome.testAccuracy - reference.testAccuracy)", ParamShareVersion.current]
    }

    /// The test set `test` in batches, normalised as this checkpoint's run trained, in the order
    /// the run's own evaluation read them.
    package func testBatches(of test: ImageDataset) -> BatchIterator {
        BatchIterator(dataset: test, batchSize: cell.configuration.batchSize, normalization: normalization,
                      shuffles: false, seed: cell.configuration.seed)
    }

    /// Restores the model, applies `compression` (`nil`: none) to what its budget counts, and
    /// evaluates it on `batches`.
    ///
    /// Generated models compress their banks; dense, pruned and width-scaled models the weights
    /// of the layers a generator would replace, so that every model gets the same treatment.
    package func evaluate(_ compression: BankCompression?, on batches: BatchIterator) throws -> CompressionOutcome {
        let model = try restoredModel()
        let tensors = BankCompression.budgetedTensors(of: model.network, cell: cell, inputShape: inputShape, classes: classes)
        let bytes = compression?.apply(to: tensors) ?? BankCompression.storedBytes(of: tensors, bitsPerValue: 32, scales: 0)
        return CompressionOutcome(method: compression?.description ?? "fp32", values: tensors.reduce(0) { $0 + $1.count }, bytes: bytes,
                                  testAccuracy: try Trainer.accuracy(of: model.network, on: batches))
    }
}
