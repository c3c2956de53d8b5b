import Foundation

extension TrainingSnapshot {
    /// Reads the snapshot at `path`.
    ///
    /// - Throws: ``FileError`` naming the file, what is wrong and that deleting it
    ///   restarts the run: not a safetensors file or cut short, another format, written by
    ///   another ParamShare version (whose training may differ), or positions that are missing
    ///   or malformed.
    public init(contentsOf path: String) throws {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: path) } catch let error as FileError {
            throw FileError(path: path, problem: "it cannot be read as a training snapshot: \(error.problem)", fix: Self.fix)
        }
        let metadata = file.metadata
        func fail(_ problem: String) -> FileError { FileError(path: path, problem: "it " + problem, fix: Self.fix) }
        guard metadata["format"] == Self.format else {
            throw fail("is not a \(Self.format) file (its format is \(metadata["format"].map { "'\($0)'" } ?? "not given"))")
        }
        guard metadata["library_version"] == ParamShareVersion.current else {
            throw fail("was written by ParamShare \(metadata["library_version"] ?? "(unknown)"), not by this version "
                       + "(\(ParamShareVersion.current)), whose training may differ")
        }
        func parsed<Value: LosslessStringConvertible>(_ name: String) throws -> Value {
            guard let text = metadata[name], let value = Value(text) else {
                throw fail("has \(metadata[name].map { "'\($0)'" } ?? "nothing") in its metadata field '\(name)'")
            }
            return value
        }
        let epochsFinished: Int = try parsed("epochs_finished")
        guard epochsFinished >= 1 else { throw fail("says it was taken after epoch \(epochsFinished)") }
        records = try (1...epochsFinished).map { epoch in
            let numbers = (metadata["epoch.\(epoch)"] ?? "").split(separator: ",").map { Double($0) }
            guard numbers.count == 7, !numbers.contains(nil) else { throw fail("lacks a well-formed record of epoch \(epoch)") }
            let n = numbers.map { $0! }
            return EpochRecord(epoch: epoch, trainLoss: n[0], trainAccuracy: n[1], testAccuracy: n[2], validationAccuracy: n[3],
                               validationLoss: n[4], learningRate: n[5], seconds: n[6])
        }
        run = try parsed("run")
        step = try parsed("step")
        optimizerSteps = try parsed("optimizer_steps")
        seconds = try parsed("seconds")
        firstBatchLoss = metadata["first_batch_loss"] == nil ? nil : try parsed("first_batch_loss") as Double
        var numbers: [String: Double] = [:]
        for (key, _) in metadata where key.hasPrefix("intervention.") { numbers[String(key.dropFirst("intervention.".count))] = try parsed(key) }
        interventionNumbers = numbers
        tensors = file.tensors
        self.path = path
    }
}
