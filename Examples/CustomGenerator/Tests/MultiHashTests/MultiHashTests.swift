import Foundation
import MultiHash
import ParamShare
import ParamShareTesting
import Testing

@Suite("Multi-hash generator")
struct MultiHashTests {
    @Test("its vector–Jacobian product matches central differences", arguments: [1, 2, 4])
    func vectorJacobianProduct(hashes: Int) throws {
        for budget in [1, 17, 60, 200] {
            let error = try GeneratorCheck.vectorJacobianError(MultiHashGenerator(hashes: hashes), layers: GeneratorCheck.sampleLayers,
                                                               budget: budget)
            #expect(error < 1e-7, "budget \(budget): \(error)")
        }
    }

    @Test("its bank learns: training it beats the same run with the bank frozen")
    func bankLearns() throws {
        let result = try BankLearningCheck().run(MultiHashGenerator())
        #expect(result.bankLearned, "\(result)")
    }

    @Test("its descriptor registers beside the built-ins, with its option validated")
    func registers() throws {
        var registry = GeneratorRegistry.builtIn
        try registry.register(MultiHashGenerator.descriptor)
        #expect(registry.optionColumns.contains("multihash.hashes"))
        #expect(throws: GeneratorRegistryError.self) { try GeneratorSetting(MultiHashGenerator.descriptor, options: ["hashes": "5"]) }
    }

    @Test("a checkpoint of it round-trips bit-exactly, read through a registry that has it")
    func checkpointRoundTrip() throws {
        var registry = GeneratorRegistry.builtIn
        try registry.register(MultiHashGenerator.descriptor)
        let data = try DigitsLoader.load()
        let cell = SweepCell(architecture: .mlp(hiddenWidths: [64]),
                             sharing: SharingSetting(generator: try GeneratorSetting(MultiHashGenerator.descriptor), budget: .count(500)),
                             data: DataSubset(data), configuration: TrainingConfiguration(epochs: 1, batchSize: 32, learningRate: 0.05))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("multihash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let record = try SweepRunner.train(cell, on: data, checkpointDirectory: folder)
        let path = "\(folder)/\(cell.identifier).safetensors"
        #expect(throws: FileError.self) { try Checkpoint(contentsOf: path) }  // the built-ins alone lack multihash
        let checkpoint = try Checkpoint(contentsOf: path, registry: registry)
        let restored = try checkpoint.restoredModel()
        let batches = BatchIterator(dataset: data.test, batchSize: 32, normalization: checkpoint.normalization, shuffles: false, seed: 0)
        #expect(try Trainer.accuracy(of: restored.network, on: batches) == record.result.testAccuracy)
        let again = Checkpoint(cell: checkpoint.cell, network: restored.network, inputShape: checkpoint.inputShape,
                               classes: checkpoint.classes, normalization: checkpoint.normalization, testAccuracy: checkpoint.testAccuracy)
        #expect(try again.file.encoded() == SafetensorsFile(contentsOf: path).encoded())
    }
}
