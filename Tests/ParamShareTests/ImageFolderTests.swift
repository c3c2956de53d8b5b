import CPNG
import Foundation
@testable import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Image folders: decoding, augmentation, errors")
struct ImageFolderTests {
    /// The sample's README: `test/<class>/` file k (in name order) of class c (CIFAR-10's label
    /// order, which is also the folders' sorted order) is record c·1000 + k of `test_batch.bin`.
    @Test("the decoder reproduces the sample's 500 known records of test_batch.bin exactly",
          .enabled(if: sharedSampleExists(), "no shared JPEG sample at \(sharedSamplePath)"))
    func knownAnswer() throws {
        let records = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sharedCIFAR10TestBatch)))
        let classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        var matched = 0, compared = 0
        for (label, name) in classes.enumerated() {
            let folder = sharedSamplePath + "/test/" + name
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (k, file) in files.enumerated() {
                let image = try ImageDecoding.decode(contentsOf: folder + "/" + file)
                let record = records[(label * 1000 + k) * 3073..<(label * 1000 + k + 1) * 3073]
                #expect(record.first == UInt8(label))
                // The record's planes R, G, B against the decoder's interleaved pixels.
                let planar = (0..<3).flatMap { channel in (0..<1024).map { image.pixels[3 * $0 + channel] } }
                compared += 1
                if image.width == 32 && image.height == 32 && planar == Array(record.dropFirst()) { matched += 1 }
            }
        }
        print("JPEG known answer: \(matched) of \(compared) test files decode to their test_batch.bin records exactly")
        #expect(compared == 500 && matched == 500)
    }

    @Test("PNG round trips: every colour type and bit depth reads as Pillow's RGB", arguments: PNGFixture.allKinds)
    func pngRoundTrip(kind: PNGFixture.Kind) throws {
        try ScratchDirectory.with("png") { folder in
            let path = folder + "/image.png"
            let expected = PNGFixture.write(kind, width: 13, height: 7, seed: Int(kind.colorType) * 100 + Int(kind.bitDepth), to: path)
            let image = try ImageDecoding.decode(contentsOf: path)
            #expect(image.width == 13 && image.height == 7)
            #expect(image.pixels == expected)
        }
    }

    /// Smooth images at quality 100, so JPEG's loss stays within a few levels.
    @Test("grayscale JPEG is repeated over the channels; Adobe CMYK becomes RGB as Pillow converts it")
    func jpegColourSpaces() throws {
        let (width, height) = (16, 12)
        let gray = (0..<width * height).map { UInt8(8 * ($0 % width) + 4 * ($0 / width)) }
        let fromGray = try ImageDecoding.decode(JPEGFixture.encode(width: width, height: height, components: 1, samples: gray), path: "gray.jpg")
        #expect(fromGray.width == width && fromGray.height == height)
        for (pixel, value) in gray.enumerated() {
            let rgb = fromGray.pixels[3 * pixel..<3 * pixel + 3]
            #expect(Set(rgb).count == 1 && abs(Int(rgb.first!) - Int(value)) <= 3, "pixel \(pixel): \(Array(rgb)) for \(value)")
        }
        // Inverted inks: R = C·K/255, G = M·K/255, B = Y·K/255.
        let inks = (0..<width * height).flatMap { [UInt8(10 * ($0 % width)), UInt8(5 * ($0 / width) + 100), 180, 200] as [UInt8] }
        let fromCMYK = try ImageDecoding.decode(JPEGFixture.encode(width: width, height: height, components: 4, samples: inks), path: "cmyk.jpg")
        for pixel in 0..<width * height {
            let ink = inks[4 * pixel..<4 * pixel + 4].map(Int.init)
            for channel in 0..<3 {
                let expected = ink[channel] * ink[3] / 255, got = Int(fromCMYK.pixels[3 * pixel + channel])
                #expect(abs(got - expected) <= 4, "pixel \(pixel) channel \(channel): \(got) for \(expected)")
            }
        }
    }

    @Test("scaling a box the size of the output copies it; scaling a flat image keeps it flat")
    func resampling() {
        let pixels = (0..<5 * 4 * 3).map { UInt8(($0 * 37) % 256) }
        let image = DecodedImage(width: 5, height: 4, pixels: pixels)
        var output = [UInt8](repeating: 0, count: 3 * 2 * 3)
        ImageResampling.resample(image, box: .init(x: 1, y: 2, width: 3, height: 2), width: 3, height: 2, into: &output)
        let expected = (0..<3).flatMap { c in (2..<4).flatMap { y in (1..<4).map { x in pixels[(y * 5 + x) * 3 + c] } } }
        #expect(output == expected)
        let flat = DecodedImage(width: 50, height: 30, pixels: [UInt8](repeating: 77, count: 50 * 30 * 3))
        var small = [UInt8](repeating: 0, count: 3 * 8 * 8)
        ImageResampling.centreCrop(flat, shorterSide: ImageFolderLoader.evaluationShorterSide(imageSize: 8), side: 8, into: &small)
        #expect(small.allSatisfy { $0 == 77 })
    }

    /// 40,000 boxes of a 100×100 image from seed 0. Below a share of 0.75 no box can overhang
    /// (w = √(s·a)·100 ≤ 100 needs s·a ≤ 1, and a ≤ 4/3), so shares there are uniform.
    @Test("random resized crops: area shares in 0.08–1, aspect ratios in 3/4–4/3 uniform in log, flips at one half")
    func augmentationStatistics() {
        let image = DecodedImage(width: 100, height: 100, pixels: [UInt8](repeating: 0, count: 100 * 100 * 3))
        let random = RandomSource(seed: 0)
        var shares: [Double] = [], logRatios: [Double] = []
        for _ in 0..<40_000 {
            let box = RandomResizedCrop().box(in: image, random: random)
            #expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= 100 && box.y + box.height <= 100)
            shares.append(box.width * box.height / 10_000)
            logRatios.append(log(box.width / box.height))
        }
        // Whole pixels move a share by up to about 1 % and a ratio by up to a pixel's worth.
        #expect(shares.min()! >= 0.07 && shares.max()! <= 1)
        #expect(exp(logRatios.min()!) >= 0.70 && exp(logRatios.max()!) <= 1.43)
        #expect(abs(logRatios.reduce(0, +) / Double(logRatios.count)) < 0.01)
        let low = shares.filter { $0 < 0.415 }.count, high = shares.filter { $0 >= 0.415 && $0 < 0.75 }.count
        #expect(abs(Double(low - high)) / Double(low + high) < 0.03, "\(low) below 0.415, \(high) in 0.415–0.75")
        let flips = (0..<40_000).filter { _ in ImageTransform(drawing: .imageNet, from: random).flipped }.count
        #expect(abs(Double(flips) / 40_000 - 0.5) < 0.01, "\(flips) flips")
        // The same seed draws the same boxes.
        #expect(RandomResizedCrop().box(in: image, random: RandomSource(seed: 3)) == RandomResizedCrop().box(in: image, random: RandomSource(seed: 3)))
    }

    @Test("a folder loads with torchvision's class order, evaluation's centre crops and the training originals")
    func loads() throws {
        try ScratchDirectory.with("folder") { root in
            // Class names whose code-point order ("B" < "a") differs from a case-insensitive one.
            for split in ["train", "val"] {
                for (index, name) in ["a", "B", "c"].enumerated() {
                    try writeImages(in: "\(root)/\(split)/\(name)", count: index + 1, seed: index)
                }
            }
            try writeImages(in: "\(root)/train/a/deeper", count: 1, seed: 9)
            let data = try ImageFolderLoader.load(directory: root, imageSize: 6)
            #expect(data.train.name == "folder-6" && data.train.imageShape == [3, 6, 6] && data.train.classes == 3)
            // B (2 images), then a (1, and 1 in a/deeper in training), then c (3).
            #expect(data.train.labels == [0, 0, 1, 1, 2, 2, 2] && data.test.labels == [0, 0, 1, 2, 2, 2])
            #expect(data.train.originals?.count == 7 && data.test.originals == nil)
            #expect(data.train.originals?[3] == DecodedImage(width: 9, height: 7, pixels: PNGFixture.write(
                .init(colorType: PNG_COLOR_TYPE_RGB, bitDepth: 8), width: 9, height: 7, seed: 90, to: root + "/again.png")))
            #expect(DatasetName.parsing(recorded: "folder-6")! == (.folder, 6))
            // A training batch crops from the originals; an evaluation batch reads the centre crops.
            let iterator = BatchIterator(dataset: data.train, batchSize: 4, normalization: ChannelNormalization(statisticsOf: data.train),
                                         augmentation: .imageNet, shuffles: true, seed: 0)
            try iterator.forEachBatch(epoch: 0) { batch in
                #expect(batch.images.shape == [4, 3, 6, 6])
                return false
            }
        }
    }

    @Test("bad folders and files stop the load with the path and the fix, held in memory or streamed",
          arguments: BadFolder.allCases, [ImageFolderReading.Mode.memory, .stream])
    func badInput(_ bad: BadFolder, loading: ImageFolderReading.Mode) throws {
        try ScratchDirectory.with("bad-folder") { root in
            for split in ["train", "val"] {
                for name in ["cat", "dog"] { try writeImages(in: "\(root)/\(split)/\(name)", count: 2, seed: 1) }
            }
            let (kind, named) = try bad.make(in: root)
            let error = #expect(throws: DatasetError.self) {
                try ImageFolderLoader.load(directory: root, imageSize: 8, reading: ImageFolderReading(mode: loading))
            }
            #expect(error?.kind == kind, "\(String(describing: error))")
            #expect(error?.description.contains(named) == true, "\(String(describing: error))")
            #expect(error.map { !$0.fix.isEmpty } == true)
        }
    }

    /// What can be wrong with an image folder, each made in a good one.
    enum BadFolder: CaseIterable, Sendable {
        case noTrain, noEvaluation, noClasses, emptyClass, classesDiffer, fileAmongClasses
        case zeroBytes, notAnImage, truncatedPNG, damagedJPEG, truncatedJPEG

        /// Breaks the folder at `root`; returns the error kind expected and a path it must name.
        func make(in root: String) throws -> (DatasetError.Kind, String) {
            let manager = FileManager.default
            switch self {
            case .noTrain:
                try manager.removeItem(atPath: root + "/train")
                return (.missingFile, root + "/train")
            case .noEvaluation:
                try manager.removeItem(atPath: root + "/val")
                return (.missingFile, root + "/val")
            case .noClasses:
                for name in ["cat", "dog"] { try manager.removeItem(atPath: "\(root)/train/\(name)") }
                return (.emptyFolder, root + "/train")
            case .emptyClass:
                try manager.removeItem(atPath: root + "/val/dog")
                try manager.createDirectory(atPath: root + "/val/dog", withIntermediateDirectories: false)
                return (.emptyFolder, root + "/val/dog")
            case .classesDiffer:
                try manager.moveItem(atPath: root + "/val/dog", toPath: root + "/val/dogs")
                return (.inconsistent, "dogs")
            case .fileAmongClasses:
                #expect(manager.createFile(atPath: root + "/train/notes.txt", contents: Data("labels".utf8)))
                return (.inconsistent, root + "/train/notes.txt")
            case .zeroBytes:
                #expect(manager.createFile(atPath: root + "/train/cat/empty.png", contents: Data()))
                return (.truncated, root + "/train/cat/empty.png")
            case .notAnImage:
                #expect(manager.createFile(atPath: root + "/val/dog/readme.txt", contents: Data("not an image".utf8)))
                return (.wrongMagic, root + "/val/dog/readme.txt")
            case .truncatedPNG:
                let path = root + "/train/dog/0.png"
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
                return (.undecodable, path)
            case .damagedJPEG:
                let path = root + "/train/cat/bad.jpg"
                #expect(manager.createFile(atPath: path, contents: Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 64))))
                return (.undecodable, path)
            case .truncatedJPEG:
                // A JPEG cut short decodes with grey rows and a warning: refused, not filled in.
                let path = root + "/train/cat/cut.jpg"
                let sample = sharedSamplePath + "/train/cat"
                guard let first = try? manager.contentsOfDirectory(atPath: sample).sorted().first,
                      let bytes = manager.contents(atPath: sample + "/" + first) else {
                    print("the truncated-JPEG case reads a damaged PNG instead: no shared JPEG sample at \(sharedSamplePath)")
                    #expect(manager.createFile(atPath: path, contents: Data(PNGFixture.pngPrefix)))
                    return (.undecodable, path)
                }
                #expect(manager.createFile(atPath: path, contents: bytes.prefix(bytes.count * 2 / 3)))
                return (.undecodable, path)
            }
        }
    }
}

/// `count` small RGB PNG files, `0.png`, `1.png`, …, in `folder` (created).
private func writeImages(in folder: String, count: Int, seed: Int) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for index in 0..<count {
        PNGFixture.write(.init(colorType: PNG_COLOR_TYPE_RGB, bitDepth: 8), width: 9 + index, height: 7, seed: seed * 10 + index,
                         to: "\(folder)/\(index).png")
    }
}

let sharedSamplePath = SharedDatasets.path("cifar10-jpeg-sample")
private let sharedCIFAR10TestBatch = SharedDatasets.path("cifar10/cifar-10-batches-bin/test_batch.bin")

func sharedSampleExists() -> Bool {
    SharedDatasets.exist([sharedSamplePath + "/test", sharedCIFAR10TestBatch], skipping: "the JPEG known-answer test")
}
