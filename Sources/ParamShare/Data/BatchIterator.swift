import ParamShareEngine

/// One batch: normalised images `[n, channels, height, width]` and their labels.
public struct Batch {
    public var images: Tensor<Float>
    public var labels: [Int32]
}

/// Cuts a data set into batches of normalised (and optionally augmented) float images.
///
/// The order of the images and every random transform come from a `RandomSource` seeded by
/// (seed, epoch), so a run can be repeated exactly, and epoch k does not depend on how many
/// random numbers epoch k − 1 drew. The last batch of an epoch may be smaller (nothing is dropped).
public final class BatchIterator {
    public let dataset: ImageDataset
    public let batchSize: Int
    public let normalization: ChannelNormalization
    public let augmentation: Augmentation
    public let shuffles: Bool
    public let seed: UInt64
    private let tables: [[Float]]
    // One full-size buffer; a smaller last batch is a view of it, not a new allocation.
    private let images: Tensor<Float>
    // One image's random resized crop, before the flip and the normalisation.
    private var crop: [UInt8]

    public init(dataset: ImageDataset, batchSize: Int, normalization: ChannelNormalization,
                augmentation: Augmentation = .none, shuffles: Bool, seed: UInt64) {
        precondition(batchSize > 0, "batch size must be positive")
        precondition(normalization.mean.count == dataset.imageShape[0], "normalisation has the wrong number of channels")
        precondition(!augmentation.randomResizedCrop || dataset.originals != nil,
                     "a random resized crop needs the original images, which \(dataset.name) does not keep")
        self.dataset = dataset
        self.batchSize = batchSize
        self.normalization = normalization
        self.augmentation = augmentation
        self.shuffles = shuffles
        self.seed = seed
        tables = normalization.lookupTables(pixelScale: dataset.pixelScale)
        images = Tensor(shape: [batchSize] + dataset.imageShape)
        crop = [UInt8](repeating: 0, count: augmentation.randomResizedCrop ? dataset.imageSize : 0)
    }

    /// Batches per epoch, counting a smaller last one.
    public var batchesPerEpoch: Int { (dataset.count + batchSize - 1) / batchSize }

    /// Calls `body` with each batch of epoch `epoch` (0-based) in turn. The batch's tensor is
    /// reused: it is valid only during the call. Return `false` from `body` to stop early.
    public func forEachBatch(epoch: Int, _ body: (Batch) throws -> Bool) rethrows {
        let random = RandomSource(seed: seed, stream: UInt64(epoch))
        let order = shuffles ? random.permutation(of: dataset.count) : Array(0..<dataset.count)
        let imageSize = dataset.imageSize
        for start in stride(from: 0, to: dataset.count, by: batchSize) {
            let indices = order[start..<min(start + batchSize, dataset.count)]
            let batchImages = images.batch(0..<indices.count)
            dataset.pixels.withUnsafeBufferPointer { pixels in
                crop.withUnsafeMutableBufferPointer { crop in
                    for (slot, index) in indices.enumerated() {
                        var image = pixels.baseAddress! + index * imageSize
                        // torchvision's order: the crop's box is drawn first, then the flip.
                        if augmentation.randomResizedCrop, let original = dataset.originals?[index] {
                            let box = RandomResizedCrop().box(in: original, random: random)
                            ImageResampling.resample(original, box: box, width: dataset.imageShape[2], height: dataset.imageShape[1],
                                                     into: crop.baseAddress!)
                            image = UnsafePointer(crop.baseAddress!)
                        }
                        let transform = augmentation.isIdentity ? ImageTransform.identity : ImageTransform(drawing: augmentation, from: random)
                        transform.apply(to: image, shape: dataset.imageShape, padding: augmentation.cropPadding, tables: tables,
                                        into: batchImages.data + slot * imageSize)
                    }
                }
            }
            guard try body(Batch(images: batchImages, labels: indices.map { dataset.labels[$0] })) else { return }
        }
    }
}
