/// Per-channel standardisation, `(value − mean[c]) / std[c]`, with statistics from a training split.
///
/// Statistics come from the training images only, so nothing about the test set leaks into
/// training, and they are accumulated in Double: a Float sum over CIFAR-10's 51 million
/// pixels would lose several digits.
public struct ChannelNormalization: Sendable, Equatable {
    public var mean: [Double]
    /// The population standard deviation (divisor n), as `numpy.std` gives it.
    public var standardDeviation: [Double]

    public init(mean: [Double], standardDeviation: [Double]) {
        precondition(mean.count == standardDeviation.count && standardDeviation.allSatisfy { $0 > 0 },
                     "normalisation needs one positive standard deviation per channel")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The statistics of every pixel value (`byte × pixelScale`) of `dataset`, channel by channel;
    /// for a streamed data set, from the sums its files' evaluation views gave when it was loaded.
    public init(statisticsOf dataset: ImageDataset) {
        let channels = dataset.imageShape[0], plane = dataset.imageShape[1] * dataset.imageShape[2]
        var sums = [Double](repeating: 0, count: channels), squares = [Double](repeating: 0, count: channels)
        // Exact integer sums per image, added in image order: the same Doubles whether the pixels are here or were streamed.
        func add(_ image: [ChannelSum]) {
            for c in 0..<channels {
                sums[c] += Double(image[c].sum)
                squares[c] += Double(image[c].squares)
            }
        }
        if let files = dataset.files {
            files.channelSums.forEach(add)
        } else {
            dataset.pixels.withUnsafeBufferPointer { pixels in
                for image in 0..<dataset.count {
                    add(ChannelSum.ofImage(pixels.baseAddress! + image * channels * plane, channels: channels, plane: plane))
                }
            }
        }
        let n = Double(dataset.count * plane), scale = Double(dataset.pixelScale)
        let mean = sums.map { $0 / n * scale }
        let std = zip(squares, mean).map { square, mean in
            // A constant channel would give 0; 1 leaves it centred but unscaled instead of dividing by zero.
            let variance = square / n * scale * scale - mean * mean
            return variance > 1e-12 ? variance.squareRoot() : 1
        }
        self.init(mean: mean, standardDeviation: std)
    }

    /// For channel `c`, the normalised value of every possible byte: a 256-entry table per channel.
    func lookupTables(pixelScale: Float) -> [[Float]] {
        zip(mean, standardDeviation).map { mean, std in
            (0..<256).map { Float((Double($0) * Double(pixelScale) - mean) / std) }
        }
    }
}
