/// The image files a streamed data set reads as its batches are assembled, instead of holding
/// the decoded images: what remains of each image in memory is its path and the sums its
/// normalisation needs (48 bytes), so a data set larger than memory trains.
///
/// Every batch decodes its files again, on background threads, at most ``batchesAhead``
/// batches ahead of training (see ``BatchIterator``); training images are cropped and scaled
/// as the in-memory path crops and scales them, from the same seeded draws, so a run is the
/// same bit for bit either way.
package struct ImageFiles: Sendable {
    /// Each image's file, in the data set's order.
    package var paths: [String]
    /// Each image's channel sums over its evaluation view, for the normalisation's statistics:
    /// what ``ChannelNormalization/init(statisticsOf:)`` would sum from the pixels.
    var channelSums: [[ChannelSum]]
    /// The threads that decode, crop and scale a batch's images; the one that assembles
    /// batches is one of them, so 1 means no thread besides it.
    package var decodeThreads: Int
    /// How many batches may be assembled before training takes them: the bound of the queue.
    package var batchesAhead: Int

    init(paths: [String], channelSums: [[ChannelSum]], decodeThreads: Int, batchesAhead: Int) {
        precondition(paths.count == channelSums.count, "\(channelSums.count) channel sums for \(paths.count) files")
        precondition(decodeThreads >= 1 && batchesAhead >= 1, "streaming needs at least one decoding thread and one batch ahead")
        self.paths = paths
        self.channelSums = channelSums
        self.decodeThreads = decodeThreads
        self.batchesAhead = batchesAhead
    }

    /// The files at `indices`, in that order.
    func subset(_ indices: [Int]) -> ImageFiles {
        ImageFiles(paths: indices.map { paths[$0] }, channelSums: indices.map { channelSums[$0] }, decodeThreads: decodeThreads,
                   batchesAhead: batchesAhead)
    }
}

/// One channel's sum and sum of squares over one image's bytes, exact in integers.
struct ChannelSum: Sendable, Equatable {
    var sum = 0, squares = 0

    /// Channel by channel, the sums of one image stored as planes `[channels, plane]`.
    static func ofImage(_ image: UnsafePointer<UInt8>, channels: Int, plane: Int) -> [ChannelSum] {
        (0..<channels).map { c in
            var sums = ChannelSum()
            for value in UnsafeBufferPointer(start: image + c * plane, count: plane) {
                sums.sum += Int(value)
                sums.squares += Int(value) * Int(value)
            }
            return sums
        }
    }
}
