@testable import ParamShare
import Testing

@Suite("Stratified split")
struct StratifiedSplitTests {
    /// 3 classes of 8, 12 and 20 images; each pixel byte is the image's index, to trace images.
    private let dataset: ImageDataset = {
        let labels = (0..<40).map { Int32($0 < 8 ? 0 : $0 < 20 ? 1 : 2) }
        return ImageDataset(name: "toy", imageShape: [1, 1, 1], classes: 3, pixels: (0..<40).map(UInt8.init),
                            labels: labels, pixelScale: 1)
    }()

    @Test("each class keeps its proportion, and every image lands in exactly one part")
    func proportions() {
        let split = dataset.stratifiedSplit(testFraction: 0.25, seed: 3)
        let testCounts = (0..<3).map { c in split.test.labels.filter { $0 == Int32(c) }.count }
        #expect(testCounts == [2, 3, 5])
        #expect(split.train.count == 30)
        #expect(Set(split.train.pixels + split.test.pixels) == Set((0..<40).map(UInt8.init)))
        #expect(Set(split.train.pixels).isDisjoint(with: split.test.pixels))
        for (pixel, label) in zip(split.test.pixels, split.test.labels) {
            #expect(dataset.labels[Int(pixel)] == label)
        }
    }

    @Test("the seed fixes the split")
    func seeding() {
        let a = dataset.stratifiedSplit(testFraction: 0.25, seed: 3), b = dataset.stratifiedSplit(testFraction: 0.25, seed: 3)
        let c = dataset.stratifiedSplit(testFraction: 0.25, seed: 4)
        #expect(a.test.pixels == b.test.pixels)
        #expect(a.test.pixels != c.test.pixels)
    }

    @Test("the embedded digits split is 75/25 by class")
    func digits() throws {
        let split = try DigitsLoader.load()
        #expect(split.train.count + split.test.count == 1797)
        #expect(split.train.imageShape == [1, 8, 8] && split.train.classes == 10)
        for c in 0..<10 {
            let total = (split.train.labels + split.test.labels).filter { $0 == Int32(c) }.count
            let test = split.test.labels.filter { $0 == Int32(c) }.count
            #expect(test == Int((0.25 * Double(total)).rounded()))
        }
    }
}
