import ParamShareEngine

/// Random training-time transformations applied image by image as batches are assembled.
public struct Augmentation: Sendable, Hashable {
    /// Zero padding added on every side before a random crop back to the original size; 0 disables cropping.
    public var cropPadding: Int
    /// Whether to flip each image left–right with probability 1/2.
    public var horizontalFlip: Bool
    /// Whether each image is a random part of its original, scaled to the input size
    /// (torchvision's `RandomResizedCrop` at its defaults): for data sets
    /// that keep their originals, the image folders.
    public var randomResizedCrop: Bool

    public init(cropPadding: Int = 0, horizontalFlip: Bool = false, randomResizedCrop: Bool = false) {
        precondition(cropPadding >= 0, "crop padding cannot be negative")
        precondition(!(randomResizedCrop && cropPadding > 0), "a random resized crop replaces the padded crop; choose one")
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
        self.randomResizedCrop = randomResizedCrop
    }

    /// No augmentation.
    public static let none = Augmentation()
    /// The standard CIFAR recipe: 4-pixel zero padding, random 32×32 crop, random horizontal flip.
    public static let cifar = Augmentation(cropPadding: 4, horizontalFlip: true)
    /// The standard ImageNet recipe: a random resized crop, then a random horizontal flip.
    public static let imageNet = Augmentation(horizontalFlip: true, randomResizedCrop: true)

    package var isIdentity: Bool { cropPadding == 0 && !horizontalFlip && !randomResizedCrop }
}

/// Where one image's crop starts and whether it is flipped.
struct ImageTransform: Equatable {
    /// Offsets into the padded image, each in `0...2·padding`.
    var rowOffset = 0, columnOffset = 0
    var flipped = false

    static let identity = ImageTransform()

    /// A transform drawn from `random`: crop offsets first, then the flip.
    init(drawing augmentation: Augmentation, from random: RandomSource) {
        if augmentation.cropPadding > 0 {
            rowOffset = random.integer(below: 2 * augmentation.cropPadding + 1)
            columnOffset = random.integer(below: 2 * augmentation.cropPadding + 1)
        }
        if augmentation.horizontalFlip { flipped = random.integer(below: 2) == 1 }
    }

    init(rowOffset: Int = 0, columnOffset: Int = 0, flipped: Bool = false) {
        self.rowOffset = rowOffset
        self.columnOffset = columnOffset
        self.flipped = flipped
    }

    /// Writes one normalised, transformed image `[channels, height, width]` into `output`.
    ///
    /// Output pixel (i, j) reads the padded image at (i + rowOffset, j′ + columnOffset) with
    /// j′ = width − 1 − j when flipped; padding reads as 0, the normalised mean.
    func apply(to image: UnsafePointer<UInt8>, shape: [Int], padding: Int, tables: [[Float]],
               into output: UnsafeMutablePointer<Float>) {
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        for c in 0..<channels {
            tables[c].withUnsafeBufferPointer { table in
                let plane = image + c * height * width, out = output + c * height * width
                for i in 0..<height {
                    let row = out + i * width
                    let sourceRow = i + rowOffset - padding
                    guard sourceRow >= 0 && sourceRow < height else {
                        row.update(repeating: 0, count: width)
                        continue
                    }
                    let source = plane + sourceRow * width
                    for j in 0..<width {
                        let sourceColumn = (flipped ? width - 1 - j : j) + columnOffset - padding
                        row[j] = sourceColumn >= 0 && sourceColumn < width ? table[Int(source[sourceColumn])] : 0
                    }
                }
            }
        }
    }
}
