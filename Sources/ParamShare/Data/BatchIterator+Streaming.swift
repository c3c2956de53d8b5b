import Dispatch
import ParamShareEngine

/// How a streamed data set's batches are made, on the thread behind a ``BatchQueue``: each
/// batch's files decoded in parallel, the random draws made one image at a time in batch order
/// from the epoch's stream, then the crops scaled, flipped and normalised in parallel.
///
/// The draws need each original's size, so they wait for the batch's decoding; splitting the
/// work there keeps the draws in the in-memory path's order whatever the number of threads,
/// and a batch equal to its in-memory twin bit for bit.
struct StreamedBatchAssembly: Sendable {
    let dataset: ImageDataset
    let files: ImageFiles
    let batchSize: Int
    let augmentation: Augmentation
    let shuffles: Bool
    let seed: UInt64
    /// The normalisation's 256-entry table per channel.
    let tables: [[Float]]

    /// Assembles every batch of epoch `epoch` into buffers from `next` and hands each to
    /// `publish`, stopping when `next` has none (training stopped).
    ///
    /// - Throws: the ``DatasetError`` of the first file of a batch that cannot be decoded.
    func assemble(epoch: Int, next: () -> Tensor<Float>?, publish: (Tensor<Float>, Int, [Int32]) -> Void) throws {
        let random = RandomSource(seed: seed, stream: UInt64(epoch))
        let order = shuffles ? random.permutation(of: dataset.count) : Array(0..<dataset.count)
        for start in stride(from: 0, to: dataset.count, by: batchSize) {
            guard let buffer = next() else { return }
            let indices = Array(order[start..<min(start + batchSize, dataset.count)])
            let originals = try ImageDecoding.decodeEach(indices.map { files.paths[$0] }, threads: files.decodeThreads) { $0 }
            let draws = originals.map { AugmentationDraw(for: $0, augmentation: augmentation, random: random) }
            render(originals, draws, into: buffer.data)
            publish(buffer, indices.count, indices.map { dataset.labels[$0] })
        }
    }

    /// Writes each original, cropped as `draws` say (or as evaluation sees it) and normalised, into its slot of `output`.
    private func render(_ originals: [DecodedImage], _ draws: [AugmentationDraw], into output: UnsafeMutablePointer<Float>) {
        let (shape, imageSize) = (dataset.imageShape, dataset.imageSize)
        let shorterSide = ImageFolderLoader.evaluationShorterSide(imageSize: shape[1])
        let workers = max(1, min(files.decodeThreads, originals.count))
        nonisolated(unsafe) let output = output
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var crop = [UInt8](repeating: 0, count: imageSize)
            crop.withUnsafeMutableBufferPointer { crop in
                for slot in stride(from: worker, to: originals.count, by: workers) {
                    if let box = draws[slot].box {
                        ImageResampling.resample(originals[slot], box: box, width: shape[2], height: shape[1], into: crop.baseAddress!)
                    } else {
                        ImageResampling.centreCrop(originals[slot], shorterSide: shorterSide, side: shape[1], into: crop.baseAddress!)
                    }
                    draws[slot].transform.apply(to: crop.baseAddress!, shape: shape, padding: augmentation.cropPadding, tables: tables,
                                                into: output + slot * imageSize)
                }
            }
        }
    }
}
