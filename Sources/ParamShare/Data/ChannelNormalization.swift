/// Per-channel standardisation, `(value − mean[c]) / std[c]`, with statistics from a training split.
///
/// Statistics come from the training images only, so nothing about the test set leaks into
/// training, and they are accumulated in Double: a Float sum over CIFAR-10's 51 million
/// pixels would lose several digits.
public struct ChannelNormalization: Sendable, Equatable {
    public var mean: [Double]
    /// The population standard deviation (divisor n), as `numpy.std` gives it.
    public var standardDeviation: [Double]

    /// Statistics as given, checked as a checkpoint's are when it is read.
    ///
    /// - Throws: ``InvalidStatistics`` unless there is one finite mean and one finite, positive
    ///   deviation per channel: an infinite deviation would map every value to 0 and a zero or NaN
    ///   one every value to ±∞ or NaN, so that a network would train on nothing and look merely
    ///   badly tuned.
    public init(mean: [Double], standardDeviation: [Double]) throws {
        guard !mean.isEmpty, mean.count == standardDeviation.count, mean.allSatisfy(\.isFinite),
              standardDeviation.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw InvalidStatistics(mean: mean, standardDeviation: standardDeviation)
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Statistics that standardise nothing meaningful: not one finite mean and one finite,
    /// positive deviation per channel.
    public struct InvalidStatistics: Error, CustomStringConvertible {
        public var mean: [Double]
        public var standardDeviation: [Double]

        public var description: String {
            "a normalisation needs a finite mean and a finite, positive deviation for each channel, and has means "
                + "\(mean.map { "\($0)" }.joined(separator: ",")) and deviations \(standardDeviation.map { "\($0)" }.joined(separator: ","))"
        }
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
        // Sums of bytes in Double, and a constant channel's deviation set to 1: always valid.
        self.mean = mean
        standardDeviation = std
    }

    /// For channel `c`, the normalised value of every possible byte: a 256-entry table per channel.
    func lookupTables(pixelScale: Float) -> [[Float]] {
        zip(mean, standardDeviation).map { mean, std in
            (0..<256).map { Float((Double($0) * Double(pixelScale) - mean) / std) }
        }
    }
}
