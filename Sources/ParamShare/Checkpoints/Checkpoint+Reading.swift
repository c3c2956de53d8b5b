import Foundation
import ParamShareEngine

extension Checkpoint {
    /// Reads the checkpoint at `path`, finding its generator in `registry`.
    ///
    /// - Throws: ``CheckpointError`` for a file that is not a ParamShare checkpoint, names a
    ///   generator the registry lacks, or was written under other maths (its `cell_id` no longer
    ///   matches its settings, as after a generator's semantics version changed).
    public init(contentsOf path: String, registry: GeneratorRegistry = .builtIn) throws {
        let file = try SafetensorsFile(contentsOf: path)
        let metadata = file.metadata
        func fail(_ detail: String, fix: String = "write the checkpoint again with this version of ParamShare") -> CheckpointError {
            CheckpointError(path: path, detail: detail, fix: fix)
        }
        guard metadata["format"] == Self.format else {
            throw fail("is not a \(Self.format) file (its format is \(metadata["format"].map { "'\($0)'" } ?? "not given"))",
                       fix: "give a checkpoint written by `sweep run --save-models`")
        }
        func field(_ name: String) throws -> String {
            guard let value = metadata[name] else { throw fail("lacks the metadata field '\(name)'") }
            return value
        }
        func parsed<Value>(_ name: String, _ parse: (String) -> Value?) throws -> Value {
            let text = try field(name)
            guard let value = parse(text) else { throw fail("has '\(text)' in its metadata field '\(name)'") }
            return value
        }
        let architecture = try parsed("model", Architecture.init(name:))
        let generatorName = try field("generator")
        var sharing: SharingSetting?
        if generatorName != GeneratorRegistry.denseName {
            guard let descriptor = registry.descriptor(named: generatorName) else {
                throw fail("names generator '\(generatorName)', which is not registered (registered: \(registry.names.joined(separator: ", ")))",
                           fix: "read it with the executable that registers '\(generatorName)'")
            }
            let version = try parsed("generator_version", Int.init)
            guard version == descriptor.semanticsVersion else {
                throw fail("was written by \(generatorName) semantics version \(version); this ParamShare has version \(descriptor.semanticsVersion), whose maths differ",
                           fix: "read it with the ParamShare version that wrote it (\(metadata["library_version"] ?? "unknown")), or train it again")
            }
            var options: [String: String] = [:]
            for option in descriptor.options { options[option.name] = try field(descriptor.column(ofOption: option.name)) }
            let setting: GeneratorSetting
            do { setting = try GeneratorSetting(descriptor, options: options) } catch {
                throw fail("has generator options this version refuses: \(error)")
            }
            sharing = SharingSetting(
                generator: setting, budget: try parsed("budget") { try? BudgetSpecification(parsing: $0) },
                scope: try parsed("scope", SharingScope.init(rawValue:)),
                generatesStem: try parsed("generate_stem", Bool.init), generatesClassifier: try parsed("generate_classifier", Bool.init),
                trainsBank: try field("bank") != "frozen", stepScaling: try parsed("bank_step", BankStepScaling.init(rawValue:)))
        }
        let configuration = TrainingConfiguration(
            epochs: try parsed("epochs", Int.init), batchSize: try parsed("batch_size", Int.init),
            optimizer: try parsed("optimizer", TrainingConfiguration.OptimizerChoice.init(rawValue:)),
            learningRate: try parsed("lr", Double.init), schedule: try parsed("schedule", TrainingConfiguration.ScheduleChoice.init(rawValue:)),
            weightDecay: try parsed("weight_decay", Double.init), labelSmoothing: try parsed("label_smoothing", Double.init),
            augmentation: Augmentation(cropPadding: try parsed("crop_padding", Int.init), horizontalFlip: try parsed("horizontal_flip", Bool.init)),
            seed: try parsed("seed", UInt64.init),
            // Checkpoints written before bf16 existed have no precision: they trained in fp32.
            precision: metadata["precision"] == nil ? .float32 : try parsed("precision", ComputePrecision.init(rawValue:)))
        // A run that held out no validation images, or whose settings no search chose, names neither.
        let data = DataSubset(dataset: try field("dataset"), trainImages: try parsed("train_images", Int.init),
                              testImages: try parsed("test_images", Int.init),
                              validationImages: metadata["validation_images"] == nil ? 0 : try parsed("validation_images", Int.init))
        let cell = SweepCell(architecture: architecture, sharing: sharing, data: data, configuration: configuration,
                             tuning: metadata["tuning"])
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
        let mean = try parsed("normalization_mean", numbers), std = try parsed("normalization_std", numbers)
        guard mean.count == inputShape[0], std.count == inputShape[0], mean.allSatisfy(\.isFinite),
              std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw fail("has a malformed data normalisation: it needs a finite mean and a finite, positive deviation for each of the "
                       + "\(inputShape[0]) channels of its input shape, and has \(metadata["normalization_mean"] ?? "") and "
                       + "\(metadata["normalization_std"] ?? "")")
        }
        if let problem = architecture.sizeProblem { throw fail("names model '\(architecture)': \(problem)") }
        let bytes = architecture.describe(inputShape: inputShape, classes: classes).trainingBytes(batchSize: 1), limit = MemoryLimit.current()
        guard bytes <= 0.8 * limit.bytes else {
            throw fail(String(format: "describes a model that needs about %.1f GiB of memory for one image, more than 80%% of %@", bytes / Double(1 << 30),
                              limit.source), fix: "read it on a machine with more memory")
        }
        guard cell.identifier == metadata["cell_id"] else {
            throw fail("has settings whose identity \(cell.identifier) differs from its recorded cell_id \(metadata["cell_id"] ?? "(none)"): "
                       + "it was written by another version, or edited")
        }
        self.init(cell: cell, inputShape: inputShape, classes: classes,
                  normalization: ChannelNormalization(mean: mean, standardDeviation: std),
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
    /// - Throws: ``CheckpointError`` when the stored tensors are not exactly the model's: one
    ///   missing, one too many, or a shape that differs.
    public func restoredModel() throws -> CellModel {
        let location = path ?? "(in memory)"
        let model: CellModel
        do { model = try CellModel(building: cell, inputShape: inputShape, classes: classes) } catch {
            throw CheckpointError(path: location, detail: "describes a model this version cannot build: \(error)",
                                  fix: "read it with the ParamShare version that wrote it")
        }
        let state = Self.state(of: model.network)
        let stored = Dictionary(tensors.map { ($0.name, $0.entry) }, uniquingKeysWith: { first, _ in first })
        for (name, tensor) in state {
            guard let entry = stored[name] else {
                throw CheckpointError(path: location, detail: "lacks tensor '\(name)' of the \(cell.architecture) it describes",
                                      fix: "it was not written for this model; write it again")
            }
            guard entry.shape == tensor.shape else {
                throw CheckpointError(path: location, detail: "stores '\(name)' as \(entry.shape), but the model's is \(tensor.shape)",
                                      fix: "it was not written for this model; write it again")
            }
            for index in 0..<entry.values.count { tensor[index] = entry.values[index] }
        }
        if let stranger = Set(stored.keys).subtracting(state.map(\.name)).sorted().first {
            throw CheckpointError(path: location, detail: "holds tensor '\(stranger)', which the \(cell.architecture) it describes does not have",
                                  fix: "it was not written for this model; write it again")
        }
        return model
    }
}
