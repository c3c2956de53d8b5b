/// Labelled images held in memory as bytes, as the official files store them, or, for an image
/// folder too large for memory, the files they are read from as batches are assembled (`files`).
///
/// Pixels stay `UInt8` (a quarter of the memory of Float: CIFAR-10's training set is 154 MB
/// instead of 614 MB) and become normalised floats only when a batch is assembled.
public struct ImageDataset: Sendable {
    /// A short name for logs and CSV rows, such as `cifar10` or `digits`.
    public var name: String
    /// `[channels, height, width]` of every image.
    public var imageShape: [Int]
    /// The number of classes; every label is in `0..<classes`.
    public var classes: Int
    /// The images, one after another, each channel-major (`[channels, height, width]`); empty
    /// when the images are streamed from `files`.
    public var pixels: [UInt8]
    /// The class of each image.
    public var labels: [Int32]
    /// The value a pixel byte stands for is `byte × pixelScale` (1/255 for CIFAR and MNIST, 1/16 for digits).
    public var pixelScale: Float
    /// Each image as decoded, before it was brought to `imageShape`, for a training
    /// augmentation that crops from the whole image (``Augmentation/randomResizedCrop``);
    /// `nil` for data sets whose files hold images of one size.
    public var originals: [DecodedImage]?
    /// The files the images are decoded from batch by batch, instead of ``pixels`` and
    /// ``originals``; `nil` for images held in memory.
    package internal(set) var files: ImageFiles?

    public init(name: String, imageShape: [Int], classes: Int, pixels: [UInt8], labels: [Int32], pixelScale: Float,
                originals: [DecodedImage]? = nil) {
        precondition(pixels.count == labels.count * imageShape.reduce(1, *),
                     "\(pixels.count) pixel bytes do not hold \(labels.count) images of \(imageShape)")
        self.init(name: name, imageShape: imageShape, classes: classes, pixels: pixels, labels: labels, pixelScale: pixelScale,
                  originals: originals, files: nil)
    }

    /// Images streamed from `files` as their batches are assembled, each brought to `imageShape`.
    init(name: String, imageShape: [Int], classes: Int, labels: [Int32], pixelScale: Float, files: ImageFiles) {
        precondition(files.paths.count == labels.count, "\(files.paths.count) files for \(labels.count) images")
        self.init(name: name, imageShape: imageShape, classes: classes, pixels: [], labels: labels, pixelScale: pixelScale,
                  originals: nil, files: files)
    }

    private init(name: String, imageShape: [Int], classes: Int, pixels: [UInt8], labels: [Int32], pixelScale: Float,
                 originals: [DecodedImage]?, files: ImageFiles?) {
        precondition(imageShape.count == 3, "image shape must be [channels, height, width], got \(imageShape)")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classes }, "a label is outside 0..<\(classes)")
        precondition(originals.map { $0.count == labels.count } ?? true, "\(originals?.count ?? 0) originals for \(labels.count) images")
        self.name = name
        self.imageShape = imageShape
        self.classes = classes
        self.pixels = pixels
        self.labels = labels
        self.pixelScale = pixelScale
        self.originals = originals
        self.files = files
    }

    /// The number of images.
    public var count: Int { labels.count }

    /// Bytes per image.
    public var imageSize: Int { imageShape.reduce(1, *) }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageDataset {
        if let files {
            return ImageDataset(name: name, imageShape: imageShape, classes: classes, labels: indices.map { labels[$0] },
                                pixelScale: pixelScale, files: files.subset(indices))
        }
        var pixels = [UInt8]()
        pixels.reserveCapacity(indices.count * imageSize)
        for index in indices { pixels += self.pixels[index * imageSize..<(index + 1) * imageSize] }
        return ImageDataset(name: name, imageShape: imageShape, classes: classes, pixels: pixels,
                            labels: indices.map { labels[$0] }, pixelScale: pixelScale, originals: originals.map { all in indices.map { all[$0] } })
    }

    /// The first `count` images (all of them if there are fewer).
    public func prefix(_ count: Int) -> ImageDataset {
        subset(Array(0..<min(count, self.count)))
    }
}

/// A data set's training and test parts, and the validation part held out of the training images, if any.
public struct DatasetSplit: Sendable {
    public var train: ImageDataset
    public var test: ImageDataset
    /// Training images held out to choose settings on (``holdingOut(_:trainLimit:)``); `nil` for none.
    public var validation: ImageDataset?

    public init(train: ImageDataset, test: ImageDataset, validation: ImageDataset? = nil) {
        self.train = train
        self.test = test
        self.validation = validation
    }
}
