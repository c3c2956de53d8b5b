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
    package let dataset: ImageDataset
    package let batchSize: Int
    package let normalization: ChannelNormalization
    package let augmentation: Augmentation
    package let shuffles: Bool
    package let seed: UInt64
    private let tables: [[Float]]
    // One full-size buffer; a smaller last batch is a view of it, not a new allocation. A
    // streamed data set's batches come from its queue's buffers instead.
    private let images: Tensor<Float>
    // One image's random resized crop, before the flip and the normalisation.
    private var crop: [UInt8]

    public init(dataset: ImageDataset, batchSize: Int, normalization: ChannelNormalization,
                augmentation: Augmentation = .none, shuffles: Bool, seed: UInt64) {
        precondition(batchSize > 0, "batch size must be positive")
        precondition(normalization.mean.count == dataset.imageShape[0], "normalisation has the wrong number of channels")
        precondition(!augmentation.randomResizedCrop || dataset.originals != nil || dataset.files != nil,
                     "a random resized crop needs the original images, which \(dataset.name) does not keep")
        self.dataset = dataset
        self.batchSize = batchSize
        self.normalization = normalization
        self.augmentation = augmentation
        self.shuffles = shuffles
        self.seed = seed
        tables = normalization.lookupTables(pixelScale: dataset.pixelScale)
        images = Tensor(shape: dataset.files == nil ? [batchSize] + dataset.imageShape : [0])
        crop = [UInt8](repeating: 0, count: augmentation.randomResizedCrop && dataset.files == nil ? dataset.imageSize : 0)
    }

    /// Batches per epoch, counting a smaller last one.
    public var batchesPerEpoch: Int { (dataset.count + batchSize - 1) / batchSize }

    /// Calls `body` with each batch of epoch `epoch` (0-based) in turn. The batch's tensor is
    /// reused: it is valid only during the call. Return `false` from `body` to stop early.
    ///
    /// A streamed data set (`ImageDataset.files`) has its batches decoded and assembled on
    /// background threads, a few ahead (`ImageFiles.batchesAhead`); every random draw is
    /// still made in the order this thread would make it, so the batches are the same bit for bit.
    ///
    /// - Throws: whatever `body` throws; for a streamed data set, the ``DatasetError`` of a file
    ///   that can no longer be decoded, once the batches before its own have been used.
    public func forEachBatch(epoch: Int, _ body: (Batch) throws -> Bool) throws {
        if let files = dataset.files {
            let assembly = StreamedBatchAssembly(dataset: dataset, files: files, batchSize: batchSize, augmentation: augmentation,
                                                 shuffles: shuffles, seed: seed, tables: tables)
            try BatchQueue(capacity: files.batchesAhead, shape: [batchSize] + dataset.imageShape).run(assemble: { next, publish in
                try assembly.assemble(epoch: epoch, next: next, publish: publish)
            }, body: body)
            return
        }
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
                        let draw = AugmentationDraw(for: dataset.originals?[index], augmentation: augmentation, random: random)
                        if let box = draw.box, let original = dataset.originals?[index] {
                            ImageResampling.resample(original, box: box, width: dataset.imageShape[2], height: dataset.imageShape[1],
                                                     into: crop.baseAddress!)
                            image = UnsafePointer(crop.baseAddress!)
                        }
                        draw.transform.apply(to: image, shape: dataset.imageShape, padding: augmentation.cropPadding, tables: tables,
                                             into: batchImages.data + slot * imageSize)
                    }
                }
            }
            guard try body(Batch(images: batchImages, labels: indices.map { dataset.labels[$0] })) else { return }
        }
    }
}

/// One image's random draws, in torchvision's order: the resized crop's box first (which needs
/// the original's size), then the padded crop's offsets and the flip.
///
/// Both the in-memory and the streamed batches draw through this, image by image in batch
/// order, from the epoch's one stream: that order is what makes them the same.
struct AugmentationDraw {
    /// The box of the original to scale to the input, for a random resized crop; `nil` otherwise.
    var box: ImageResampling.Box?
    var transform: ImageTransform

    init(for original: DecodedImage?, augmentation: Augmentation, random: RandomSource) {
        box = augmentation.randomResizedCrop ? original.map { RandomResizedCrop().box(in: $0, random: random) } : nil
        transform = augmentation.isIdentity ? .identity : ImageTransform(drawing: augmentation, from: random)
    }
}
