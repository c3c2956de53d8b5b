import Foundation
@testable import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Validation split")
struct ValidationSplitTests {
    /// 40 images of 3 classes, labels 0, 1, 2, 2, 0, 1, 2, 2, …: every prefix holds all classes.
    /// Each pixel byte is the image's index, to trace images.
    private let training: ImageDataset = {
        let labels = (0..<40).map { Int32([0, 1, 2, 2][$0 % 4]) }
        return ImageDataset(name: "toy", imageShape: [1, 1, 1], classes: 3, pixels: (0..<40).map(UInt8.init), labels: labels, pixelScale: 1)
    }()
    private var split: DatasetSplit {
        DatasetSplit(train: training, test: ImageDataset(name: "toy", imageShape: [1, 1, 1], classes: 3, pixels: [200, 201],
                                                         labels: [0, 1], pixelScale: 1))
    }

    private func classCounts(_ dataset: ImageDataset) -> [Int] {
        (0..<3).map { c in dataset.labels.filter { $0 == Int32(c) }.count }
    }

    @Test("without a limit: stratified, exact in size, disjoint from training, the test set untouched")
    func wholeSet() throws {
        let held = try split.holdingOut(.count(8), trainLimit: nil)
        let validation = try #require(held.validation)
        #expect(classCounts(validation) == [2, 2, 4])  // 10, 10 and 20 images: 8/40 of each
        #expect(held.train.count == 32)
        #expect(Set(held.train.pixels).isDisjoint(with: validation.pixels))
        #expect(Set(held.train.pixels + validation.pixels) == Set(training.pixels))
        #expect(held.test.pixels == [200, 201])
        for (pixel, label) in zip(validation.pixels, validation.labels) { #expect(training.labels[Int(pixel)] == label) }
        // The training part keeps the file's order.
        #expect(held.train.pixels == held.train.pixels.sorted())
    }

    @Test("largest remainders make the total exact: 7 of 10/10/20 is 2, 2, 3 (1.75, 1.75, 3.5: the floors 1, 1, 3 and two left over for the largest remainders)")
    func largestRemainder() throws {
        let validation = try #require(try split.holdingOut(.count(7), trainLimit: nil).validation)
        #expect(validation.count == 7)
        #expect(classCounts(validation) == [2, 2, 3])
        // 9 of them: 2.25, 2.25, 4.5, so the one left over goes to the largest remainder, class 2.
        #expect(classCounts(try #require(try split.holdingOut(.count(9), trainLimit: nil).validation)) == [2, 2, 5])
    }

    @Test("with a limit that leaves enough: the run trains on exactly the first N images, validation comes from the rest")
    func beyondLimit() throws {
        let held = try split.holdingOut(.count(10), trainLimit: 20)
        let validation = try #require(held.validation)
        #expect(held.train.pixels == (0..<20).map(UInt8.init))
        #expect(validation.count == 10)
        #expect(validation.pixels.allSatisfy { $0 >= 20 })
        #expect(classCounts(validation) == [3, 2, 5] || classCounts(validation) == [2, 3, 5])
        #expect(classCounts(validation).reduce(0, +) == 10)
    }

    @Test("a share of the training file: 25 % of 40 images is 10")
    func share() throws {
        let size = try ValidationSize(parsing: "25%")
        #expect(size == .fraction(0.25))
        #expect(try split.holdingOut(size, trainLimit: nil).validation?.count == 10)
        #expect(size.images(of: 1346) == 337)
        #expect(try ValidationSize(parsing: " 5000 ") == .count(5000))
    }

    @Test("sizes that are not sizes are refused", arguments: ["0", "-3", "0%", "100%", "ten", "", "5e3", "12.5"])
    func badSizes(text: String) {
        #expect(throws: ValidationSizeError.self) { try ValidationSize(parsing: text) }
    }

    @Test("a training file that cannot give both parts is refused, naming the numbers")
    func impossible() throws {
        #expect(throws: ValidationSplitError.self) { try split.holdingOut(.count(25), trainLimit: 20) }
        #expect(throws: ValidationSplitError.self) { try split.holdingOut(.count(40), trainLimit: nil) }
        #expect(throws: ValidationSplitError.self) { try split.holdingOut(.fraction(0.001), trainLimit: nil) }
        let unheld = try split.holdingOut(nil, trainLimit: 5)
        #expect(unheld.validation == nil && unheld.train.count == 5)
    }

    @Test("the same split on every run and for any thread count")
    func stable() throws {
        let digits = try DigitsLoader.load()
        let one = try ThreadCountOverride.run(threads: 1) { try digits.holdingOut(.count(269), trainLimit: nil) }
        let two = try ThreadCountOverride.run(threads: 2) { try digits.holdingOut(.count(269), trainLimit: nil) }
        #expect(one.validation?.pixels == two.validation?.pixels)
        #expect(one.validation?.labels == two.validation?.labels)
        #expect(one.train.pixels == two.train.pixels)
        #expect(one.train.count + (one.validation?.count ?? 0) == digits.train.count)
        #expect(one.test.pixels == digits.test.pixels)
    }

    @Test("a held-out part is part of a cell's identity; no part keeps the identity cells had before")
    func identity() throws {
        let configuration = TrainingConfiguration(epochs: 1, batchSize: 8, learningRate: 0.1)
        let plain = SweepCell(architecture: .mlp(hiddenWidths: [16]), sharing: nil,
                              data: DataSubset(dataset: "digits", trainImages: 1346, testImages: 451), configuration: configuration)
        var held = plain
        held.data.validationImages = 269
        #expect(!plain.settings.contains("validation"))
        #expect(held.settings.contains("validation_images=269"))
        #expect(held.identifier != plain.identifier)
    }

    @Test("training records validation accuracy and loss each epoch; a run without test images records no test accuracy")
    func trainerRecords() throws {
        let digits = try DigitsLoader.load().holdingOut(.count(200), trainLimit: 300)
        let data = DatasetSplit(train: digits.train, test: digits.test.subset([]), validation: digits.validation)
        let cell = SweepCell(architecture: .mlp(hiddenWidths: [16]), sharing: nil, data: DataSubset(data),
                             configuration: TrainingConfiguration(epochs: 2, batchSize: 32, learningRate: 0.05))
        let record = try SweepRunner.train(cell, on: data)
        #expect(record.result.epochs.count == 2)
        #expect(record.result.testAccuracy.isNaN)
        #expect(record.result.validationAccuracy > 0.3 && record.result.validationAccuracy <= 1)
        #expect(record.result.validationLoss > 0 && record.result.validationLoss < log(10.0))
        #expect(record.result.epochs.allSatisfy { !$0.validationAccuracy.isNaN && !$0.validationLoss.isNaN })
        #expect(cell.data.testImages == 0 && cell.data.validationImages == 200)
    }
}
