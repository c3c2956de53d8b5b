import Foundation
import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Checkpoints")
struct CheckpointTests {
    private static let sample = SafetensorsFile(
        tensors: [("a", .init(shape: [2, 3], values: [1, -2, 3.5, .pi, 0, -0.0])), ("b", .init(shape: [1], values: [7]))],
        metadata: ["format": "test", "note": "ünïcode"])

    @Test("a safetensors file round-trips, with its data on an 8-byte boundary")
    func safetensorsRoundTrip() throws {
        let bytes = try Self.sample.encoded()
        let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 4 * 7)
        let decoded = try SafetensorsFile(bytes: bytes, path: "sample")
        #expect(decoded == Self.sample)
        #expect(decoded["a"]!.values.map(\.bitPattern) == Self.sample["a"]!.values.map(\.bitPattern))
    }

    @Test("writing a file removes the temporaries of writers that have ended, and keeps a live process's")
    func endedWritersTemporaries() throws {
        try ScratchDirectory.with("safetensors-temporaries") { folder in
            let path = folder + "/model.safetensors"
            // Above Linux's largest process id (2^22), so no process has it; process 1 always runs.
            let ended = path + ".partial-\(1 << 23)", live = path + ".partial-1", other = folder + "/other.safetensors.partial-\(1 << 23)"
            for temporary in [ended, live, other] { try Data("partial".utf8).write(to: URL(fileURLWithPath: temporary)) }
            try Self.sample.write(to: path)
            #expect(try SafetensorsFile(contentsOf: path) == Self.sample)
            #expect(!FileManager.default.fileExists(atPath: ended))
            #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: other))
        }
    }

    @Test("a folder given as a checkpoint is named as a folder")
    func folderAsCheckpoint() throws {
        try ScratchDirectory.with("safetensors-folder") { folder in
            #expect { try SafetensorsFile(contentsOf: folder) } throws: { error in
                "\(error)".contains(folder) && "\(error)".contains("is a folder, not a file")
            }
        }
    }

    @Test("a damaged file is refused with what is wrong", arguments: [
        ("short", "shorter than the 8-byte header length"), ("long header", "truncated"), ("not json", "not JSON"),
        ("f16", "ParamShare reads F32 only"), ("bad offsets", "do not hold 4 bytes per value"), ("trailing", "after its last tensor"),
        // Integers no Int product or difference holds, refused rather than trapping.
        ("overflowing shape", "do not hold 4 bytes per value"), ("overflowing zero shape", "do not hold 4 bytes per value"),
        ("overflowing offsets", "do not hold 4 bytes per value"),
    ])
    func damagedFiles(damage: String, message: String) throws {
        var bytes = try Self.sample.encoded()
        let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        var header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        func withHeader(_ text: String) -> Data {
            var data = Data()
            withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            return data + Data(text.utf8) + bytes[(8 + headerLength)...]
        }
        switch damage {
        case "short": bytes = bytes.prefix(5)
        case "long header": bytes = bytes.prefix(40)
        case "not json": bytes = withHeader("{\"a\": [1, 2")
        case "f16": header = header.replacingOccurrences(of: "\"F32\"", with: "\"F16\""); bytes = withHeader(header)
        case "bad offsets": header = header.replacingOccurrences(of: "[0,24]", with: "[0,20]"); bytes = withHeader(header)
        case "overflowing shape":
            header = header.replacingOccurrences(of: "[2,3]", with: "[4294967296,4294967296,4]"); bytes = withHeader(header)
        case "overflowing zero shape":
            header = header.replacingOccurrences(of: "[2,3]", with: "[4294967296,4294967296,4,0]"); bytes = withHeader(header)
        case "overflowing offsets":
            header = header.replacingOccurrences(of: "[0,24]", with: "[9223372036854775807,-9223372036854775808]")
            bytes = withHeader(header)
        default: bytes.append(contentsOf: [0, 0, 0, 0])
        }
        #expect { try SafetensorsFile(bytes: bytes, path: "damaged.safetensors") } throws: { error in
            "\(error)".contains("damaged.safetensors") && "\(error)".contains(message)
        }
    }

    /// Trains `setting` on LeNet-5 for one epoch with a checkpoint, then returns the record and the checkpoint's path.
    private static func trained(_ setting: GeneratorSetting?, in folder: String) throws -> (record: RunRecord, path: String, data: DatasetSplit) {
        let data = try DigitsLoader.load()
        let cell = SweepCell(architecture: .lenet5, sharing: setting.map { SharingSetting(generator: $0, budget: .percentage(10),
                                                                                            scope: $0.descriptor.defaultScope) },
                             data: DataSubset(data), configuration: TrainingConfiguration(epochs: 1, batchSize: 32, learningRate: 0.02, seed: 4))
        let record = try SweepRunner.train(cell, on: data, checkpointDirectory: folder)
        return (record, "\(folder)/\(cell.identifier).safetensors", data)
    }

    @Test("every built-in generator and baseline round-trips bit-exactly, and evaluates to the recorded accuracy",
          arguments: GeneratorRegistry.builtIn.names)
    func roundTrip(name: String) throws {
        try ScratchDirectory.with("checkpoint") { folder in
            let setting = try GeneratorRegistry.builtIn.descriptor(named: name).map { try GeneratorSetting($0) }
            let (record, path, data) = try Self.trained(setting, in: folder)
            let checkpoint = try Checkpoint(contentsOf: path)
            #expect(checkpoint.cell == record.cell)
            let model = try checkpoint.restoredModel()
            let batches = checkpoint.testBatches(of: data.test)
            #expect(try Trainer.accuracy(of: model.network, on: batches) == record.result.testAccuracy)
            let asSaved = try checkpoint.evaluate(nil, on: batches)
            #expect(asSaved.method == "fp32" && asSaved.testAccuracy == record.result.testAccuracy)
            #expect(checkpoint.testAccuracy == record.result.testAccuracy)
            // Written again from the restored model, the file is the same bytes.
            let again = Checkpoint(cell: checkpoint.cell, network: model.network, inputShape: checkpoint.inputShape, classes: checkpoint.classes,
                                   normalization: checkpoint.normalization, testAccuracy: checkpoint.testAccuracy)
            #expect(try again.file.encoded() == SafetensorsFile(contentsOf: path).encoded())
        }
    }

    @Test("a model trained with a validation part, at a search's selection, reads back as the same cell")
    func validatedAndTunedCell() throws {
        try ScratchDirectory.with("checkpoint-tuned") { folder in
            let data = try DigitsLoader.load().holdingOut(.count(100), trainLimit: 500)
            var cell = SweepGrid(architectures: [.mlp(hiddenWidths: [16])], generators: [try GeneratorSetting(RPGGenerator.descriptor)],
                                 budgets: [.percentage(50)], seeds: [0], recipe: TrainingConfiguration(epochs: 1, batchSize: 64, learningRate: 0.05))
                .cells(on: DataSubset(data))[0]
            cell.tuning = "0123456789abcdef"
            _ = try SweepRunner.train(cell, on: data, checkpointDirectory: folder)
            let checkpoint = try Checkpoint(contentsOf: "\(folder)/\(cell.identifier).safetensors")
            #expect(checkpoint.cell == cell)
            #expect(checkpoint.cell.data.validationImages == 100 && checkpoint.cell.tuning == "0123456789abcdef")
        }
    }

    @Test("a runner makes its checkpoint folder before it trains, and saves every run's model there")
    func runnerMakesCheckpointFolder() throws {
        try ScratchDirectory.with("runner-checkpoints") { folder in
            let data = try DigitsLoader.load()
            let grid = SweepGrid(architectures: [.mlp(hiddenWidths: [16])], generators: [try GeneratorSetting(RPGGenerator.descriptor)],
                                 budgets: [.percentage(50)], seeds: [0], recipe: TrainingConfiguration(epochs: 1, batchSize: 64, learningRate: 0.05))
            let cells = grid.cells(on: DataSubset(data))
            let models = folder + "/not/yet/made"
            let records = try SweepRunner(cells: cells, data: data, runsPath: folder + "/runs.csv", epochsPath: folder + "/runs.epochs.csv",
                                          checkpointDirectory: models).run()
            #expect(records.count == cells.count)
            for cell in cells { #expect(FileManager.default.fileExists(atPath: "\(models)/\(cell.identifier).safetensors")) }
        }
    }

    @Test("a checkpoint written on one thread evaluates identically on two")
    func threadCounts() throws {
        try ScratchDirectory.with("checkpoint-threads") { folder in
            let (record, path, data) = try ThreadCountOverride.run(threads: 1) {
                try Self.trained(try GeneratorSetting(RPGGenerator.descriptor), in: folder)
            }
            let accuracy = try ThreadCountOverride.run(threads: 2) {
                let checkpoint = try Checkpoint(contentsOf: path)
                let batches = BatchIterator(dataset: data.test, batchSize: 32, normalization: checkpoint.normalization, shuffles: false, seed: 0)
                return try Trainer.accuracy(of: try checkpoint.restoredModel().network, on: batches)
            }
            #expect(accuracy == record.result.testAccuracy)
        }
    }

    @Test("a mismatched checkpoint is refused with the reason", arguments: [
        ("unknown generator", "is not registered"), ("version skew", "semantics version 99"), ("other model", "not its recorded cell_id"),
        ("missing tensor", "lacks tensor"), ("not a checkpoint", "is not a paramshare-checkpoint-1 file"),
        // Numbers outside the cell identity that size the model or its input, read as a flag's would be.
        ("no classes", "in its metadata field 'classes'"), ("a million million classes", "in its metadata field 'classes'"),
        ("huge input", "in its metadata field 'input_shape'"), ("input of 2 channels", "for each of the 2 channels"),
        ("infinite deviation", "malformed data normalisation"), ("huge model", "above the largest accepted"),
        ("model beyond memory", "GiB of memory for one image"),
        ("zero deviation", "malformed data normalisation"), ("NaN deviation", "malformed data normalisation"),
        // A dense export carries the checkpoint's metadata, but no bank: it is named as what it is.
        ("dense export", "it is a dense export of a checkpoint"),
    ])
    func mismatches(damage: String, message: String) throws {
        try ScratchDirectory.with("checkpoint-mismatch") { folder in
            let (_, path, _) = try Self.trained(try GeneratorSetting(RPGGenerator.descriptor), in: folder)
            var file = try SafetensorsFile(contentsOf: path)
            var registry = GeneratorRegistry.builtIn
            switch damage {
            case "unknown generator": registry = try GeneratorRegistry(registering: [HashingGenerator.descriptor])
            case "version skew": file.metadata["generator_version"] = "99"
            case "other model": file.metadata["model"] = "mlp"
            case "missing tensor": file.tensors.removeFirst()
            case "no classes": file.metadata["classes"] = "0"
            case "a million million classes": file.metadata["classes"] = "1000000000000"
            case "huge input": file.metadata["input_shape"] = "1,4294967296,4294967296"
            case "input of 2 channels": file.metadata["input_shape"] = "2,8,8"
            case "infinite deviation": file.metadata["normalization_std"] = "inf"
            case "zero deviation": file.metadata["normalization_std"] = "0"
            case "NaN deviation": file.metadata["normalization_std"] = "nan"
            case "dense export": file.metadata[DenseExport.layoutKey] = DenseExport.layout
            case "huge model": file.metadata["model"] = "mlp-100000000"
            case "model beyond memory": file.metadata["model"] = "mlp-1000000-1000000"
            default: file.metadata["format"] = nil
            }
            let damaged = "\(folder)/damaged.safetensors"
            try file.write(to: damaged)
            #expect { try Checkpoint(contentsOf: damaged, registry: registry).restoredModel() } throws: { error in
                "\(error)".contains("damaged.safetensors") && "\(error)".contains(message)
            }
        }
    }

    @Test("a normalisation is refused, as a checkpoint's is, unless each channel has a finite mean and a finite, positive deviation",
          arguments: [([0.0], [Double.infinity]), ([0], [0]), ([0], [-1]), ([0], [.nan]), ([Double.infinity], [1]), ([0, 0], [1]), ([], [])])
    func normalizationRange(mean: [Double], deviation: [Double]) {
        #expect(throws: ChannelNormalization.InvalidStatistics.self) { try ChannelNormalization(mean: mean, standardDeviation: deviation) }
    }

    @Test("the dense export names every tensor as PyTorch's reference models do, with generated weights materialised")
    func denseExportNames() throws {
        let description = Architecture.resnet(depth: 8, widthMultiplier: 1).describe(inputShape: [3, 32, 32], classes: 10)
        let model = try SharingPlan(generator: RPGGenerator()).build(description, budget: 5000, seed: 1, random: RandomSource(seed: 1))
        let exported = DenseExport.tensors(of: model.network, architecture: .resnet(depth: 8, widthMultiplier: 1))
        let batchNorm = ["weight", "bias", "running_mean", "running_var"]
        var expected = ["conv.weight"] + batchNorm.map { "bn.\($0)" }
        for block in 0..<3 {
            expected += ["stages.\(block).conv1.weight"] + batchNorm.map { "stages.\(block).bn1.\($0)" }
            expected += ["stages.\(block).conv2.weight"] + batchNorm.map { "stages.\(block).bn2.\($0)" }
        }
        expected += ["fc.weight", "fc.bias"]
        #expect(exported.map(\.name) == expected)
        let generated = model.banks[0].weightSource(forLayer: 2).weight()
        let entry = try #require(exported.first { $0.name == "stages.1.conv1.weight" }?.entry)
        #expect(entry.shape == [32, 16, 3, 3])
        #expect(entry.values.map(\.bitPattern) == generated.scalars.map(\.bitPattern))
        let lenet = Architecture.lenet5.build(inputShape: [3, 32, 32], classes: 10, random: RandomSource(seed: 2))
        #expect(DenseExport.tensors(of: lenet, architecture: .lenet5).map(\.name)
            == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias"])
        let mlp = Architecture.defaultMLP.build(inputShape: [3, 32, 32], classes: 10, random: RandomSource(seed: 3))
        #expect(DenseExport.tensors(of: mlp, architecture: .defaultMLP).map(\.name)
            == ["1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"])
    }

    /// torchvision's `resnet18().state_dict()` keys in its order, but for `num_batches_tracked`,
    /// which `load_state_dict` fills in.
    @Test("the dense export of ResNet-18 carries torchvision's names, in its order")
    func torchvisionExportNames() throws {
        let architecture = Architecture.imageNetResNet(depth: 18, widthMultiplier: 1)
        let network = architecture.describe(inputShape: [3, 64, 64], classes: 10).scalingWidths { $0 / 16 }
            .build(random: RandomSource(seed: 1), as: Float.self)
        let batchNorm = ["weight", "bias", "running_mean", "running_var"]
        var expected = ["conv1.weight"] + batchNorm.map { "bn1.\($0)" }
        for stage in 1...4 {
            for block in 0..<2 {
                let module = "layer\(stage).\(block)"
                expected += ["\(module).conv1.weight"] + batchNorm.map { "\(module).bn1.\($0)" }
                expected += ["\(module).conv2.weight"] + batchNorm.map { "\(module).bn2.\($0)" }
                if stage > 1 && block == 0 {
                    expected += ["\(module).downsample.0.weight"] + batchNorm.map { "\(module).downsample.1.\($0)" }
                }
            }
        }
        expected += ["fc.weight", "fc.bias"]
        let exported = DenseExport.tensors(of: network, architecture: architecture)
        #expect(exported.map(\.name) == expected)
        #expect(exported.first { $0.name == "layer2.0.downsample.0.weight" }?.entry.shape == [8, 4, 1, 1])
        #expect(exported.first { $0.name == "conv1.weight" }?.entry.shape == [4, 3, 7, 7])
    }
}
