import Dispatch
import ParamShareEngine

/// Throughput of the input pipeline alone: batches of CIFAR-shaped images normalised, cropped
/// and flipped exactly as training does, from random bytes.
///
/// Divide a model's training images per second by this figure to get the share of a training
/// step the pipeline costs (it runs on the training thread, between steps).
package struct PipelineBenchmark: Sendable {
    package var batchSize: Int
    package var images: Int

    package init(batchSize: Int, images: Int = 10_000) {
        self.batchSize = batchSize
        self.images = images
    }

    /// Images per second through `BatchIterator` with CIFAR augmentation.
    package func run() -> Double {
        let random = RandomSource(seed: 0)
        let pixels = (0..<(images * 3072)).map { _ in UInt8(random.integer(below: 256)) }
        let labels = (0..<images).map { _ in Int32(random.integer(below: 10)) }
        let dataset = ImageDataset(name: "random", imageShape: [3, 32, 32], classes: 10, pixels: pixels, labels: labels,
                                   pixelScale: 1.0 / 255)
        let iterator = BatchIterator(dataset: dataset, batchSize: batchSize, normalization: ChannelNormalization(statisticsOf: dataset),
                                     augmentation: .cifar, shuffles: true, seed: 0)
        var checksum: Float = 0
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            try iterator.forEachBatch(epoch: 0) { batch in
                checksum += batch.images[0]
                return true
            }
        } catch {
            preconditionFailure("batches held in memory cannot fail to be assembled: \(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        precondition(checksum.isFinite, "the pipeline produced a non-finite value")
        return Double(images) / seconds
    }
}
