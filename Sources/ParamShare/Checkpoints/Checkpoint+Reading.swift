import Foundation
import ParamShareEngine

extension Checkpoint {
    /// Reads the checkpoint at `path`, finding its generator in `registry`.
    ///
    /// - Throws: ``FileError`` for a file that is not a ParamShare checkpoint, names a
    ///   generator the registry lacks, or was written under other maths (its `cell_id` no longer
    ///   matches its settings, as after a generator's semantics version changed).
    public init(contentsOf path: String, registry: GeneratorRegistry = .builtIn) throws {
        let file = try SafetensorsFile(contentsOf: path)
        let metadata = file.metadata
        func fail(_ problem: String, fix: String = "Write the checkpoint again with this version of ParamShare.") -> FileError {
            FileError(path: path, problem: problem, fix: fix)
        }
        guard metadata["format"] == Self.format else {
            throw fail("it is not a \(Self.format) file (its format is \(metadata["format"].map { "'\($0)'" } ?? "not given"))",
                       fix: "Give a checkpoint a sweep saved of a trained model.")
        }
        if metadata[DenseExport.layoutKey] == DenseExport.layout {
            throw fail("it is a dense export of a checkpoint (every weight materialised and named as PyTorch names them), not a checkpoint",
                       fix: "Evaluate or compress the checkpoint it was exported from; load this file in PyTorch.")
        }
        func field(_ name: String) throws -> String {
            guard let value = metadata[name] else { throw fail("it lacks the metadata field '\(name)'") }
            return value
        }
        func parsed<Value>(_ name: String, _ parse: (String) -> Value?) throws -> Value {
            let text = try field(name)
            guard let value = parse(text) else { throw fail("it has '\(text)' in its metadata field '\(name)'") }
            return value
        }
        let cell: SweepCell
        do { cell = try SweepCell(reading: metadata, registry: registry) } catch {
            switch error {
            case let .missing(name): throw fail("it lacks the metadata field '\(name)'")
            case let .unreadable(name, text): throw fail("it has '\(text)' in its metadata field '\(name)'")
            case let .unregistered(name):
                throw fail("it names generator '\(name)', which is not registered (registered: \(registry.names.joined(separator: ", ")))",
                           fix: "Read it with a registry that has '\(name)', such as the executable that trained it.")
            case let .versionSkew(name, written, current):
                throw fail("it was written by \(name) semantics version \(written); this ParamShare has version \(current), whose maths differ",
                           fix: "Read it with the ParamShare version that wrote it (\(metadata["library_version"] ?? "unknown")), or train it again.")
            case let .refusedOptions(refusal): throw fail("it has generator options this version refuses: \(refusal)")
            }
        }
        let numbers: (String) -> [Double]? = { text in
            let values = text.split(separator: ",").map { Double($0) }
            return values.contains(nil) || values.isEmpty ? nil : values.compactMap { $0 }
        }
        // Every number below sizes a model or a buffer: each is checked as the same number given
        // on the command line would be, so that no file can make the reader trap or exhaust memory.
        let inputShape = try parsed("input_shape") { text -> [Int]? in
            let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard values.count == 3, let channels = values[0], let height = values[1], let width = values[2],
                  (1...Self.largestChannels).contains(channels), (1...Self.largestImageSide).contains(height),
                  (1...Self.largestImageSide).contains(width), channels * height * width <= Self.largestImageValues else { return nil }
            return [channels, height, width]
        }
        let classes = try parsed("classes") { Int($0).flatMap { (2...Self.largestClassCount).contains($0) ? $0 : nil } }
        let normalization: ChannelNormalization
        do {
            normalization = try ChannelNormalization(mean: try parsed("normalization_mean", numbers),
                                                     standardDeviation: try parsed("normalization_std", numbers))
        } catch let error as ChannelNormalization.InvalidStatistics {
            throw fail("it has a malformed data normalisation: \(error)")
        }
        guard normalization.mean.count == inputShape[0] else {
            throw fail("it has a malformed data normalisation: it needs a mean and a deviation for each of the \(inputShape[0]) "
                       + "channels of its input shape, and has \(normalization.mean.count)")
        }
        let architecture = cell.architecture
        if let problem = architecture.sizeProblem { throw fail("it names model '\(architecture)': \(problem)") }
        let bytes = architecture.describe(inputShape: inputShape, classes: classes).trainingBytes(batchSize: 1), limit = MemoryLimit.current()
        guard bytes <= 0.8 * limit.bytes else {
            throw fail(String(format: "it describes a model that needs about %.1f GiB of memory for one image, more than 80%% of %@",
                              bytes / Double(1 << 30), limit.source), fix: "Read it on a machine with more memory.")
        }
        guard cell.identifier == metadata[RunSchema.cellIdentifier.name] else {
            throw fail("its settings have the identity \(cell.identifier), not its recorded cell_id \(metadata[RunSchema.cellIdentifier.name] ?? "(none)"): "
                       + "it was written by another version, or edited")
        }
        self.init(cell: cell, inputShape: inputShape, classes: classes,
                  normalization: normalization,
                  testAccuracy: metadata["test_accuracy"].flatMap(Double.init), tensors: file.tensors, path: path)
    }

    /// The largest input a checkpoint may describe: far beyond any data set ParamShare reads
    /// (ImageNet's 3×224×224 is 150,528 values), and far below where a model's size overflows.
    static let largestChannels = 4096, largestImageSide = 1 << 16, largestImageValues = 1 << 28
    /// The most classes a checkpoint may describe.
    static let largestClassCount = 1 << 20

    private init(cell: SweepCell, inputShape: [Int], classes: Int, normalization: ChannelNormalization, testAccuracy: Double?,
                 tensors: [(name: String, entry: SafetensorsFile.Entry)], path: String) {
        self.cell = cell
        self.inputShape = inputShape
        self.classes = classes
        self.normalization = normalization
        self.testAccuracy = testAccuracy
        self.tensors = tensors
        self.path = path
    }

    /// The trained model: the cell's model rebuilt from its seed, every generated weight
    /// regenerated from the stored banks, and the stored values in every parameter and batch norm.
    ///
    /// - Throws: ``FileError`` when the stored tensors are not exactly the model's: one
    ///   missing, one too many, or a shape that differs.
    public func restoredModel() throws -> CellModel {
        let location = path ?? "(in memory)"
        let model: CellModel
        do { model = try CellModel(building: cell, inputShape: inputShape, classes: classes) } catch {
            throw FileError(path: location, problem: "it describes a model this version cannot build: \(error)",
                            fix: "Read it with the ParamShare version that wrote it.")
        }
        let state = Self.state(of: model.network)
        let stored = Dictionary(tensors.map { ($0.name, $0.entry) }, uniquingKeysWith: { first, _ in first })
        for (name, tensor) in state {
            guard let entry = stored[name] else {
                throw FileError(path: location, problem: "it lacks tensor '\(name)' of the \(cell.architecture) it describes",
                                fix: Self.notOfThisModel)
            }
            guard entry.shape == tensor.shape else {
                throw FileError(path: location, problem: "it stores '\(name)' as \(entry.shape), but the model's is \(tensor.shape)",
                                fix: Self.notOfThisModel)
            }
            for index in 0..<entry.values.count { tensor[index] = entry.values[index] }
        }
        if let stranger = Set(stored.keys).subtracting(state.map(\.name)).sorted().first {
            throw FileError(path: location, problem: "it holds tensor '\(stranger)', which the \(cell.architecture) it describes does not have",
                            fix: Self.notOfThisModel)
        }
        return model
    }

    /// The fix for tensors that are not those of the model the metadata describes.
    private static let notOfThisModel = "It was not written for this model; write it again."
}
