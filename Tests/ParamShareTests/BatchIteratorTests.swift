@testable import ParamShare
import ParamShareEngine
import Testing

@Suite("Input pipeline")
struct BatchIteratorTests {
    /// Two 2-channel 3×4 images with distinct bytes.
    private let dataset = ImageDataset(name: "toy", imageShape: [2, 3, 4], classes: 2, pixels: (0..<48).map(UInt8.init),
                                       labels: [0, 1], pixelScale: 1)

    private func transformed(_ transform: ImageTransform, padding: Int) -> [Float] {
        let identityTables = [[Float]](repeating: (0..<256).map(Float.init), count: 2)
        var output = [Float](repeating: -1, count: 24)
        dataset.pixels.withUnsafeBufferPointer { pixels in
            output.withUnsafeMutableBufferPointer { out in
                transform.apply(to: pixels.baseAddress!, shape: [2, 3, 4], padding: padding, tables: identityTables,
                                into: out.baseAddress!)
            }
        }
        return output
    }

    @Test("the centred crop without flip is the identity")
    func identity() {
        #expect(transformed(ImageTransform(rowOffset: 2, columnOffset: 2), padding: 2) == (0..<24).map(Float.init))
    }

    @Test("flipping twice gives the image back")
    func flipTwice() {
        let once = transformed(ImageTransform(rowOffset: 1, columnOffset: 1, flipped: true), padding: 1)
        #expect(once[0..<4] == [3, 2, 1, 0])
        let reflipped = (0..<6).flatMap { row in once[(row * 4)..<(row * 4 + 4)].reversed() }
        #expect(reflipped == (0..<24).map(Float.init))
    }

    @Test("every crop keeps the shape and only shifts pixels in from the zero padding", arguments: [0, 1, 2, 3, 4])
    func cropsStayInBounds(offset: Int) {
        let out = transformed(ImageTransform(rowOffset: offset, columnOffset: 4 - offset), padding: 2)
        #expect(out.count == 24 && !out.contains(-1))
        let dy = offset - 2, dx = 2 - offset
        for c in 0..<2 {
            for i in 0..<3 {
                for j in 0..<4 {
                    let (si, sj) = (i + dy, j + dx)
                    let expected: Float = si >= 0 && si < 3 && sj >= 0 && sj < 4 ? Float(c * 12 + si * 4 + sj) : 0
                    #expect(out[c * 12 + i * 4 + j] == expected)
                }
            }
        }
    }

    @Test("batches cover the data once per epoch, normalised, in a seeded order")
    func batching() throws {
        let data = ImageDataset(name: "toy", imageShape: [1, 1, 2], classes: 5, pixels: (0..<10).map { UInt8($0 * 10) },
                                labels: [0, 1, 2, 3, 4], pixelScale: 0.1)
        let normalization = ChannelNormalization(statisticsOf: data)
        #expect(abs(normalization.mean[0] - 4.5) < 1e-6)  // pixelScale 0.1 is a Float
        func epochLabels(seed: UInt64, epoch: Int) throws -> [[Int32]] {
            let iterator = BatchIterator(dataset: data, batchSize: 2, normalization: normalization, shuffles: true, seed: seed)
            var labels = [[Int32]]()
            try iterator.forEachBatch(epoch: epoch) { batch in
                labels.append(batch.labels)
                for (slot, label) in batch.labels.enumerated() {
                    let expected = (Double(label) * 2 - 4.5) / normalization.standardDeviation[0]
                    #expect(abs(Double(batch.images[slot * 2]) - expected) < 1e-5)
                }
                return true
            }
            return labels
        }
        let first = try epochLabels(seed: 1, epoch: 0)
        #expect(first.map(\.count) == [2, 2, 1])
        #expect(first.flatMap { $0 }.sorted() == [0, 1, 2, 3, 4])
        #expect(try first == epochLabels(seed: 1, epoch: 0))
        #expect(try first != epochLabels(seed: 1, epoch: 1) || first != epochLabels(seed: 2, epoch: 0))
    }
}
