import CPNG
import Foundation
@testable import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Image folders streamed from their files")
struct ImageStreamingTests {
    @Test("streamed batches equal the in-memory ones bit for bit, with 1 or 2 decoding threads and any queue bound",
          arguments: [(threads: 1, ahead: 1), (threads: 2, ahead: 3)])
    func batchesAreBitIdentical(threads: Int, ahead: Int) throws {
        let root = try StreamingFixture.make()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let memory = try ImageFolderLoader.load(directory: root, imageSize: 12, reading: ImageFolderReading(mode: .memory))
        let streamed = try ImageFolderLoader.load(directory: root, imageSize: 12,
                                                  reading: ImageFolderReading(mode: .stream, decodeThreads: threads, batchesAhead: ahead))
        #expect(memory.train.files == nil && memory.test.files == nil)
        #expect(streamed.train.files?.paths.count == memory.train.count && streamed.train.pixels.isEmpty && streamed.train.originals == nil)
        #expect(streamed.train.labels == memory.train.labels && streamed.test.labels == memory.test.labels)
        let normalization = ChannelNormalization(statisticsOf: memory.train)
        #expect(ChannelNormalization(statisticsOf: streamed.train) == normalization)
        // Training batches (crops, flips, a smaller last batch) over two epochs, and evaluation's.
        for (dataset, twin, augmentation, shuffles) in [(memory.train, streamed.train, Augmentation.imageNet, true),
                                                        (memory.test, streamed.test, Augmentation.none, false)] {
            for epoch in 0..<2 {
                let expected = try StreamingFixture.batches(of: dataset, normalization: normalization, augmentation: augmentation,
                                                            shuffles: shuffles, epoch: epoch)
                let got = try StreamingFixture.batches(of: twin, normalization: normalization, augmentation: augmentation,
                                                       shuffles: shuffles, epoch: epoch)
                #expect(got.map(\.labels) == expected.map(\.labels))
                let differing = got.indices.filter { $0 < expected.count && got[$0].bits != expected[$0].bits }
                #expect(got.count == expected.count && differing.isEmpty, "epoch \(epoch) of \(dataset.count) images: batches \(differing) differ")
            }
        }
        // A validation split holds out the same images, with the same statistics left to train on.
        let held = try memory.holdingOut(.count(4), trainLimit: nil), heldStreamed = try streamed.holdingOut(.count(4), trainLimit: nil)
        #expect(heldStreamed.validation?.files?.paths.count == 4 && heldStreamed.validation?.labels == held.validation?.labels)
        #expect(ChannelNormalization(statisticsOf: heldStreamed.train) == ChannelNormalization(statisticsOf: held.train))
    }

    @Test("a run trains to the same losses and weights, bit for bit, streamed or in memory")
    func trainingIsBitIdentical() throws {
        let root = try StreamingFixture.make()
        defer { try? FileManager.default.removeItem(atPath: root) }
        func train(_ reading: ImageFolderReading) throws -> (status: RunStatus, records: [EpochRecord], weights: [[UInt32]]) {
            let data = try ImageFolderLoader.load(directory: root, imageSize: 12, reading: reading).holdingOut(.count(3), trainLimit: nil)
            let model = Architecture.mlp(hiddenWidths: [16]).describe(inputShape: data.train.imageShape, classes: data.train.classes)
                .build(random: RandomSource(seed: 5), as: Float.self)
            let configuration = TrainingConfiguration(epochs: 2, batchSize: 5, learningRate: 0.05, augmentation: .imageNet, seed: 5)
            let result = try Trainer(configuration: configuration).train(model, on: data)
            return (result.status, result.epochs.map { var record = $0; record.seconds = 0; return record },
                    model.parameters.map { $0.value.scalars.map(\.bitPattern) })
        }
        let memory = try train(ImageFolderReading(mode: .memory))
        let streamed = try train(ImageFolderReading(mode: .stream, decodeThreads: 2, batchesAhead: 2))
        #expect(streamed.status == memory.status && streamed.records == memory.records)
        #expect(streamed.weights == memory.weights)
    }

    @Test("a file that breaks after the load stops training with its path and the fix, from the decoding thread")
    func failurePropagates() throws {
        let root = try StreamingFixture.make()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = try ImageFolderLoader.load(directory: root, imageSize: 12,
                                              reading: ImageFolderReading(mode: .stream, decodeThreads: 2, batchesAhead: 1))
        let broken = data.train.files!.paths[5]
        #expect(FileManager.default.createFile(atPath: broken, contents: Data("no longer an image".utf8)))
        let model = Architecture.mlp(hiddenWidths: [8]).describe(inputShape: data.train.imageShape, classes: data.train.classes)
            .build(random: RandomSource(seed: 1), as: Float.self)
        let configuration = TrainingConfiguration(epochs: 1, batchSize: 4, learningRate: 0.05, augmentation: .imageNet, seed: 1)
        let error = #expect(throws: DatasetError.self) { try Trainer(configuration: configuration).train(model, on: data) }
        #expect(error?.kind == .wrongMagic && error?.path == broken && error?.fix.isEmpty == false, "\(String(describing: error))")
        // In file order the bad file (image 5) is in the second batch of 4: the first still reaches training.
        let iterator = BatchIterator(dataset: data.train, batchSize: 4, normalization: ChannelNormalization(statisticsOf: data.train),
                                     shuffles: false, seed: 1)
        var seen = 0
        #expect(throws: DatasetError.self) { try iterator.forEachBatch(epoch: 0) { _ in seen += 1; return true } }
        #expect(seen == 1)
    }

    @Test("stopping early, or a training step that throws, ends the epoch and its decoding thread")
    func stopsEarly() throws {
        let root = try StreamingFixture.make()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = try ImageFolderLoader.load(directory: root, imageSize: 12, reading: ImageFolderReading(mode: .stream, batchesAhead: 1))
        let iterator = BatchIterator(dataset: data.train, batchSize: 2, normalization: ChannelNormalization(statisticsOf: data.train),
                                     augmentation: .imageNet, shuffles: true, seed: 3)
        var seen = 0
        try iterator.forEachBatch(epoch: 0) { _ in seen += 1; return seen < 2 }
        #expect(seen == 2)
        struct StepFailed: Error {}
        #expect(throws: StepFailed.self) { try iterator.forEachBatch(epoch: 1) { _ in throw StepFailed() } }
        // The iterator works again afterwards: every epoch has a queue and a thread of its own.
        seen = 0
        try iterator.forEachBatch(epoch: 2) { _ in seen += 1; return true }
        #expect(seen == iterator.batchesPerEpoch)
    }

    @Test("auto streams when the images held in memory would pass half the process's memory limit; memory and stream are obeyed")
    func choosesToStream() {
        let limit = ImageFolderReading.memoryShare * MemoryLimit.current().bytes
        // Well clear of the limit, which moves a little with what the process maps under `ulimit -v`.
        #expect(!ImageFolderReading(mode: .automatic).streams(estimatedBytes: limit / 2))
        #expect(ImageFolderReading(mode: .automatic).streams(estimatedBytes: limit * 2))
        #expect(!ImageFolderReading(mode: .memory).streams(estimatedBytes: .infinity))
        #expect(ImageFolderReading(mode: .stream).streams(estimatedBytes: 0))
        // ImageNet at 64: 1,331,167 images of about 400×350 decoded, plus their 64×64 views: about 580 GB.
        let imageNet = ImageFolderReading.estimatedBytes(trainImages: 1_281_167, testImages: 50_000, meanDecodedBytes: 400 * 350 * 3,
                                                         imageSize: 64)
        #expect(abs(imageNet - 1_331_167 * (420_000 + 12_288)) < 1)
    }
}

/// A small image folder of varied sizes (so that the crops' draws depend on each image's size).
enum StreamingFixture {
    /// Three classes: 7, 8 and 9 training images, 3 evaluation images each, 10–33 pixels a side.
    static func make() throws -> String {
        let root = try ScratchDirectory.make("streaming")
        var seed = 0
        for (split, base) in [("train", 7), ("val", 3)] {
            for (index, name) in ["ant", "bee", "cow"].enumerated() {
                let folder = "\(root)/\(split)/\(name)"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for file in 0..<(split == "train" ? base + index : base) {
                    seed += 1
                    PNGFixture.write(.init(colorType: PNG_COLOR_TYPE_RGB, bitDepth: 8), width: 10 + (seed * 7) % 24, height: 10 + (seed * 5) % 19,
                                     seed: seed, to: "\(folder)/\(file).png")
                }
            }
        }
        return root
    }

    /// Every batch of `epoch`: its labels and its images' bit patterns.
    static func batches(of dataset: ImageDataset, normalization: ChannelNormalization, augmentation: Augmentation, shuffles: Bool,
                        epoch: Int) throws -> [(labels: [Int32], bits: [UInt32])] {
        let iterator = BatchIterator(dataset: dataset, batchSize: 4, normalization: normalization, augmentation: augmentation,
                                     shuffles: shuffles, seed: 11)
        var batches: [(labels: [Int32], bits: [UInt32])] = []
        try iterator.forEachBatch(epoch: epoch) { batch in
            batches.append((batch.labels, batch.images.scalars.map(\.bitPattern)))
            return true
        }
        return batches
    }
}
