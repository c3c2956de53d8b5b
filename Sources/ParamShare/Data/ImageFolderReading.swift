/// Whether an image folder's images are decoded once into memory or streamed from their files
/// batch by batch, and how the streaming runs. Either way a run trains on the same batches, bit
/// for bit; streaming trades decoding every epoch for memory that does not grow with the data set.
public struct ImageFolderReading: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Stream when the images held in memory would take more than
        /// `ImageFolderReading.memoryShare` of the memory the process may use, by
        /// `ImageFolderReading.estimatedBytes(trainImages:testImages:meanDecodedBytes:imageSize:)`.
        case automatic = "auto"
        /// Decode every image once, before training, and keep it.
        case memory
        /// Keep only the files' paths (and 48 bytes of statistics each), and decode every batch afresh.
        case stream
    }

    public var mode: Mode
    /// The threads that decode a streamed batch (the one that assembles batches among them).
    public var decodeThreads: Int
    /// The bound of the queue: how many streamed batches may be assembled before training takes them.
    public var batchesAhead: Int

    /// One decoding thread and two batches ahead by default: on a CPU, training ResNet-18 takes far longer per image than
    /// decoding and cropping one, so one thread keeps ahead and the other cores train.
    public init(mode: Mode = .automatic, decodeThreads: Int = 1, batchesAhead: Int = 2) {
        precondition(decodeThreads >= 1 && batchesAhead >= 1, "streaming needs at least one decoding thread and one batch ahead")
        self.mode = mode
        self.decodeThreads = decodeThreads
        self.batchesAhead = batchesAhead
    }

    /// The share of the memory the process may use (`MemoryLimit`: the least of the machine's,
    /// its control group's and what `ulimit -v` leaves) that decoded images may take before
    /// `auto` streams: half, leaving the other half to the model's training and the system.
    package static let memoryShare = 0.5

    /// The bytes the in-memory path holds for a folder: every training image at its decoded
    /// size (the random resized crops are cut from it each epoch) and at `imageSize`
    /// (evaluation's view), and every test image at `imageSize` (and briefly at its decoded size).
    ///
    /// Not `images × S × S`: the originals dominate; ImageNet's average 400×350 image is 420 kB
    /// decoded, 34 times its 64×64 view.
    package static func estimatedBytes(trainImages: Int, testImages: Int, meanDecodedBytes: Double, imageSize: Int) -> Double {
        Double(trainImages + testImages) * (meanDecodedBytes + Double(3 * imageSize * imageSize))
    }

    /// Whether a folder whose in-memory images would take `estimatedBytes` is streamed; the
    /// estimate, which decodes a sample of files, is made only for `auto`.
    func streams(estimatedBytes: @autoclosure () -> Double) -> Bool {
        switch mode {
        case .memory: false
        case .stream: true
        case .automatic: estimatedBytes() > Self.memoryShare * MemoryLimit.current().bytes
        }
    }
}
