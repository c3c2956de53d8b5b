import Foundation

/// The embedded default data set: UCI "Optical Recognition of Handwritten Digits".
///
/// 1,797 images of 8×8 pixels with values 0…16 and labels 0…9: the test part of the UCI set
/// (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0), as redistributed by scikit-learn. It ships inside
/// the package so that `sweep` has real data to train on with no download.
public enum DigitsLoader {
    /// The seed of the fixed split.
    package static let splitSeed: UInt64 = 0
    /// The share of each class held out for testing.
    package static let testFraction = 0.25

    /// All 1,797 images.
    package static func loadAll() throws -> ImageDataset {
        guard let url = Bundle.module.url(forResource: "digits.csv", withExtension: "gz") else {
            throw DatasetError(.missingFile, path: "digits.csv.gz", detail: "the embedded digits resource is not in the package bundle",
                               fix: "Rebuild the package; the resource bundle must sit next to the executable.")
        }
        let bytes = try GzipFileReader.contents(ofFile: url.path, remedy: "Rebuild the package to restore the embedded digits file.")
        return try parse(csv: bytes, path: url.path)
    }

    /// The documented split: for each class, 25 % of its images (shuffled with seed 0) for testing, the rest for training.
    public static func load() throws -> DatasetSplit {
        try loadAll().stratifiedSplit(testFraction: testFraction, seed: splitSeed)
    }

    /// Parses rows of 64 pixel values (0…16) and a label (0…9), separated by commas.
    static func parse(csv bytes: [UInt8], path: String) throws -> ImageDataset {
        var pixels = [UInt8](), labels = [Int32]()
        for (lineIndex, line) in bytes.split(separator: UInt8(ascii: "\n")).enumerated() {
            let fields = line.split(separator: UInt8(ascii: ","))
            let values = fields.compactMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count == 65, values.count == 65 else {
                throw DatasetError(.wrongSize, path: path, detail: "line \(lineIndex + 1) has \(fields.count) fields or a non-number; expected 64 pixels and a label",
                                   fix: "Use the UCI optical digits CSV as shipped with the package.")
            }
            guard values.prefix(64).allSatisfy({ (0...16).contains($0) }), (0...9).contains(values[64]) else {
                throw DatasetError(.badLabel, path: path, detail: "line \(lineIndex + 1) has a pixel outside 0…16 or a label outside 0…9",
                                   fix: "Use the UCI optical digits CSV as shipped with the package.")
            }
            pixels += values.prefix(64).map(UInt8.init)
            labels.append(Int32(values[64]))
        }
        return ImageDataset(name: "digits", imageShape: [1, 8, 8], classes: 10, pixels: pixels, labels: labels, pixelScale: 1.0 / 16)
    }
}
