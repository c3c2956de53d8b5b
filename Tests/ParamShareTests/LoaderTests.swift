import CZlib
import Foundation
@testable import ParamShare
import Testing
import TestSupport

/// Loaders against small fixture files written per test, plus the shared real CIFAR-10 when present.
@Suite("Loaders")
struct LoaderTests {
    // MARK: CIFAR

    @Test("a tiny CIFAR-10 folder loads with its counts, labels and pixels in file order")
    func cifar10Loads() throws {
        try withTemporaryFolder { folder in
            try writeCIFAR10(in: folder)
            let split = try CIFARLoader.loadCIFAR10(directory: folder)
            #expect(split.train.count == 15)
            #expect(split.test.count == 3)
            #expect(split.train.labels == (0..<15).map { Int32($0 % 10) })
            #expect(split.test.labels == [7, 8, 9])
            #expect(split.train.name == "cifar10")
            #expect(split.train.imageShape == [3, 32, 32])
            #expect(split.train.classes == 10)
            #expect(split.train.pixelScale == Float(1) / 255)
            // The first image of data_batch_2.bin comes fourth, copied byte for byte.
            #expect(Array(split.train.pixels[3 * 3072..<4 * 3072]) == cifarPixels(seed: 3))
            #expect(Array(split.test.pixels.prefix(3072)) == cifarPixels(seed: 100))
        }
    }

    @Test("CIFAR-10 is also found in cifar-10-batches-bin inside the folder given")
    func cifar10ParentFolder() throws {
        try withTemporaryFolder { folder in
            let nested = folder + "/cifar-10-batches-bin"
            try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: false)
            try writeCIFAR10(in: nested)
            #expect(try CIFARLoader.loadCIFAR10(directory: folder).train.count == 15)
        }
    }

    @Test("a tiny CIFAR-100 folder loads with fine labels, checking coarse ones too")
    func cifar100Loads() throws {
        try withTemporaryFolder { folder in
            let nested = folder + "/cifar-100-binary"
            try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: false)
            try write(cifarRecords([[19, 99], [0, 0], [5, 42], [3, 7]], firstSeed: 0), to: nested + "/train.bin")
            try write(cifarRecords([[1, 64], [2, 98]], firstSeed: 10), to: nested + "/test.bin")
            let split = try CIFARLoader.loadCIFAR100(directory: folder)
            #expect(split.train.labels == [99, 0, 42, 7])
            #expect(split.test.labels == [64, 98])
            #expect(split.train.classes == 100)
            #expect(split.train.name == "cifar100")
            #expect(Array(split.train.pixels[3072..<2 * 3072]) == cifarPixels(seed: 1))
            #expect(Array(split.test.pixels.prefix(3072)) == cifarPixels(seed: 10))

            try write(cifarRecords([[20, 99]], firstSeed: 0), to: nested + "/test.bin")
            expectFailure(.badLabel, naming: "test.bin", saying: "coarse label 20") {
                _ = try CIFARLoader.loadCIFAR100(directory: folder)
            }
        }
    }

    @Test("a missing CIFAR-10 batch file is reported by name")
    func cifar10MissingFile() throws {
        try withTemporaryFolder { folder in
            expectFailure(.missingFile, naming: folder, saying: "data_batch_1.bin") {
                _ = try CIFARLoader.loadCIFAR10(directory: folder)
            }
            try writeCIFAR10(in: folder)
            try FileManager.default.removeItem(atPath: folder + "/data_batch_3.bin")
            expectFailure(.missingFile, naming: "data_batch_3.bin") { _ = try CIFARLoader.loadCIFAR10(directory: folder) }
        }
    }

    @Test("a CIFAR-10 file that is not whole records is a wrong size, with the arithmetic")
    func cifar10TruncatedRecord() throws {
        try withTemporaryFolder { folder in
            try writeCIFAR10(in: folder)
            try write(Array(cifarRecords([[0], [1], [2]], firstSeed: 0).dropLast()), to: folder + "/data_batch_2.bin")
            expectFailure(.wrongSize, naming: "data_batch_2.bin", saying: "9218 bytes, which is 2 whole 3073-byte records") {
                _ = try CIFARLoader.loadCIFAR10(directory: folder)
            }
            try write([], to: folder + "/data_batch_2.bin")
            expectFailure(.wrongSize, naming: "data_batch_2.bin", saying: "is empty") {
                _ = try CIFARLoader.loadCIFAR10(directory: folder)
            }
        }
    }

    @Test("a CIFAR-10 label of 10 is a bad label, naming the record")
    func cifar10BadLabel() throws {
        try withTemporaryFolder { folder in
            try writeCIFAR10(in: folder)
            try write(cifarRecords([[0], [10], [2]], firstSeed: 0), to: folder + "/test_batch.bin")
            expectFailure(.badLabel, naming: "test_batch.bin", saying: "record 1 ") {
                _ = try CIFARLoader.loadCIFAR10(directory: folder)
            }
        }
    }

    @Test(
        "the shared real CIFAR-10 has 50,000 training and 10,000 test images, 1,000 of each class in test",
        .enabled(if: sharedCIFAR10Exists(), "no shared CIFAR-10 at \(sharedCIFAR10Path)")
    )
    func realCIFAR10() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let split = try CIFARLoader.loadCIFAR10(directory: sharedCIFAR10Path)
        print("loaded the shared CIFAR-10 in \(clock.now - start)")
        #expect(split.train.count == 50_000)
        #expect(split.test.count == 10_000)
        #expect(split.train.pixels.count == 50_000 * 3072)
        var perClass = [Int](repeating: 0, count: 10)
        for label in split.test.labels { perClass[Int(label)] += 1 }
        #expect(perClass == [Int](repeating: 1000, count: 10))
        #expect(split.train.pixelScale == Float(1) / 255)
        #expect(split.test.pixelScale == Float(1) / 255)
    }

    // MARK: IDX

    @Test("a tiny IDX set loads the same raw, gzipped, and as concatenated gzip members")
    func idxLoadsRawAndGzipped() throws {
        try withTemporaryFolder { folder in
            try writeMNIST(in: folder)
            let raw = try IDXLoader.loadMNISTFamily(directory: folder, name: "fashion-mnist")
            #expect(raw.train.count == 5)
            #expect(raw.test.count == 2)
            #expect(raw.train.imageShape == [1, 4, 3])
            #expect(raw.train.classes == 10)
            #expect(raw.train.pixelScale == Float(1) / 255)
            #expect(raw.train.name == "fashion-mnist")
            #expect(raw.train.labels == [0, 1, 2, 3, 9])
            #expect(raw.test.labels == [4, 5])
            #expect(raw.train.pixels == idxPixels(count: 5, seed: 0))
            #expect(raw.test.pixels == idxPixels(count: 2, seed: 50))

            for file in mnistFiles {
                let bytes = try read(folder + "/" + file)
                try FileManager.default.removeItem(atPath: folder + "/" + file)
                try writeGzip(bytes, to: folder + "/" + file + ".gz")
            }
            let gzipped = try IDXLoader.loadMNISTFamily(directory: folder, name: "fashion-mnist")
            #expect(gzipped.train.pixels == raw.train.pixels)
            #expect(gzipped.train.labels == raw.train.labels)
            #expect(gzipped.test.pixels == raw.test.pixels)
            #expect(gzipped.test.labels == raw.test.labels)

            // `cat a.gz b.gz` is one valid gzip file holding both parts.
            let labels = idx(shape: [5], data: [0, 1, 2, 3, 9])
            try writeGzip(Array(labels.prefix(7)), to: folder + "/train-labels-idx1-ubyte.gz")
            try writeGzip(Array(labels.dropFirst(7)), to: folder + "/train-labels-idx1-ubyte.gz", appending: true)
            #expect(try IDXLoader.loadMNISTFamily(directory: folder).train.labels == raw.train.labels)
        }
    }

    @Test("an images file with a labels magic is a wrong magic, showing both in hex")
    func idxWrongMagic() throws {
        try withTemporaryFolder { folder in
            try writeMNIST(in: folder)
            try write(idx(shape: [5], data: [0, 1, 2, 3, 4]), to: folder + "/train-images-idx3-ubyte")
            expectFailure(.wrongMagic, naming: "train-images-idx3-ubyte", saying: "starts with 0x00000801; expected 0x00000803") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
        }
    }

    @Test("IDX image data shorter than its header declares is truncated")
    func idxTruncatedImages() throws {
        try withTemporaryFolder { folder in
            try writeMNIST(in: folder)
            try write(Array(idx(shape: [2, 4, 3], data: idxPixels(count: 2, seed: 50)).dropLast(5)),
                      to: folder + "/t10k-images-idx3-ubyte")
            expectFailure(.truncated, naming: "t10k-images-idx3-ubyte", saying: "has 19 data bytes") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
            try write([0, 0, 8, 3, 0, 0], to: folder + "/t10k-images-idx3-ubyte")
            expectFailure(.truncated, naming: "t10k-images-idx3-ubyte", saying: "16-byte header") {
                _ = try IDXLoader.readImages(path: folder + "/t10k-images-idx3-ubyte")
            }
        }
    }

    @Test("IDX data longer than its header declares is a wrong size")
    func idxExtraBytes() throws {
        try withTemporaryFolder { folder in
            try writeMNIST(in: folder)
            try write(idx(shape: [5], data: [0, 1, 2, 3, 9]) + [0], to: folder + "/train-labels-idx1-ubyte")
            expectFailure(.wrongSize, naming: "train-labels-idx1-ubyte", saying: "1 more than") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
        }
    }

    @Test("fewer labels than images is inconsistent, naming both counts")
    func idxCountMismatch() throws {
        try withTemporaryFolder { folder in
            try writeMNIST(in: folder)
            try write(idx(shape: [4], data: [0, 1, 2, 3]), to: folder + "/train-labels-idx1-ubyte")
            expectFailure(.inconsistent, naming: "train-labels-idx1-ubyte", saying: "holds 4 labels") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
        }
    }

    @Test("an IDX label of 10 is a bad label, naming its index")
    func idxBadLabel() throws {
        try withTemporaryFolder { folder in
            try writeMNIST(in: folder)
            try write(idx(shape: [2], data: [4, 10]), to: folder + "/t10k-labels-idx1-ubyte")
            expectFailure(.badLabel, naming: "t10k-labels-idx1-ubyte", saying: "label 1 (counting from 0) is 10") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
        }
    }

    @Test("a gzip file with a valid header and a garbage body is corrupt compression")
    func corruptGzip() throws {
        try withTemporaryFolder { folder in
            try writeMNIST(in: folder)
            let path = folder + "/train-images-idx3-ubyte"
            try FileManager.default.removeItem(atPath: path)
            let header: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]
            try write(header + [UInt8](repeating: 0xff, count: 64), to: path + ".gz")
            expectFailure(.corruptCompression, naming: "train-images-idx3-ubyte.gz", saying: "not valid gzip data") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
        }
    }

    @Test("a gzip file cut short, even by its trailer alone, is corrupt compression")
    func truncatedGzip() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/images.gz"
            try writeGzip(idx(shape: [5, 4, 3], data: idxPixels(count: 5, seed: 0)), to: path)
            let whole = try read(path)
            for cut in [whole.count / 2, whole.count - 4] {
                try write(Array(whole.prefix(cut)), to: path)
                expectFailure(.corruptCompression, naming: "images.gz", saying: "ends early") {
                    _ = try IDXLoader.readImages(path: path)
                }
            }
            try write(whole + [0, 0, 0, 0], to: path)
            expectFailure(.corruptCompression, naming: "images.gz", saying: "4 bytes after the end") {
                _ = try IDXLoader.readImages(path: path)
            }
        }
    }

    @Test("missing IDX files are reported with both the raw and the gzipped name")
    func idxMissingFiles() throws {
        try withTemporaryFolder { folder in
            expectFailure(.missingFile, naming: "train-images-idx3-ubyte", saying: "train-images-idx3-ubyte.gz") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
            try writeMNIST(in: folder)
            try FileManager.default.removeItem(atPath: folder + "/t10k-labels-idx1-ubyte")
            expectFailure(.missingFile, naming: "t10k-labels-idx1-ubyte", saying: "t10k-labels-idx1-ubyte.gz") {
                _ = try IDXLoader.loadMNISTFamily(directory: folder)
            }
            expectFailure(.missingFile, naming: "labels-idx1-ubyte") {
                _ = try IDXLoader.readLabels(path: folder + "/labels-idx1-ubyte")
            }
        }
    }
}

// MARK: - Fixtures

private let mnistFiles = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

private let sharedCIFAR10Path = SharedDatasets.path("cifar10/cifar-10-batches-bin")

private func sharedCIFAR10Exists() -> Bool {
    SharedDatasets.exist([sharedCIFAR10Path + "/test_batch.bin"], skipping: "the real CIFAR-10 test")
}

/// Runs `body` with a fresh empty folder and removes the folder afterwards.
private func withTemporaryFolder(_ body: (String) throws -> Void) throws {
    try ScratchDirectory.with("LoaderTests", body)
}

/// Expects `load` to throw a `DatasetError` of `kind` whose message names `file` and contains `phrase`, if given.
private func expectFailure(_ kind: DatasetError.Kind, naming file: String, saying phrase: String? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation, _ load: () throws -> Void) {
    let error = #expect(throws: DatasetError.self, sourceLocation: sourceLocation) { try load() }
    guard let error else { return }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.description.contains(file), "\(error)", sourceLocation: sourceLocation)
    if let phrase {
        #expect(error.description.contains(phrase), "\(error)", sourceLocation: sourceLocation)
    }
    #expect(!error.fix.isEmpty, sourceLocation: sourceLocation)
}

private func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

private func read(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Writes `bytes` as one gzip member, after any members already there if `appending`.
private func writeGzip(_ bytes: [UInt8], to path: String, appending: Bool = false) throws {
    let file = try #require(gzopen(path, appending ? "ab" : "wb"))
    let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    #expect(written == Int32(bytes.count))
    #expect(gzclose(file) == Z_OK)
}

/// A recognisable 32×32×3 image: each byte depends on its position and `seed`.
private func cifarPixels(seed: Int) -> [UInt8] {
    (0..<3072).map { UInt8(truncatingIfNeeded: $0 * 7 + seed * 31) }
}

/// CIFAR records, each its label bytes then `cifarPixels` seeded from `firstSeed` upwards.
private func cifarRecords(_ labels: [[UInt8]], firstSeed: Int) -> [UInt8] {
    labels.enumerated().flatMap { index, recordLabels in recordLabels + cifarPixels(seed: firstSeed + index) }
}

/// Five CIFAR-10 training batches of three records (labels 0, 1, 2, … mod 10) and a test batch labelled 7, 8, 9.
private func writeCIFAR10(in folder: String) throws {
    for batch in 0..<5 {
        let labels = (0..<3).map { [UInt8((batch * 3 + $0) % 10)] }
        try write(cifarRecords(labels, firstSeed: batch * 3), to: folder + "/data_batch_\(batch + 1).bin")
    }
    try write(cifarRecords([[7], [8], [9]], firstSeed: 100), to: folder + "/test_batch.bin")
}

/// An IDX file of unsigned bytes with `shape` and `data`.
private func idx(shape: [Int], data: [UInt8]) -> [UInt8] {
    let header = shape.flatMap { size in (0..<4).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * $0)) } }
    return [0, 0, 8, UInt8(shape.count)] + header + data
}

/// `count` recognisable 4×3 images.
private func idxPixels(count: Int, seed: Int) -> [UInt8] {
    (0..<count * 12).map { UInt8(truncatingIfNeeded: $0 * 13 + seed) }
}

/// Raw MNIST-family files: five 4×3 training images labelled 0, 1, 2, 3, 9 and two test images labelled 4, 5.
private func writeMNIST(in folder: String) throws {
    try write(idx(shape: [5, 4, 3], data: idxPixels(count: 5, seed: 0)), to: folder + "/train-images-idx3-ubyte")
    try write(idx(shape: [5], data: [0, 1, 2, 3, 9]), to: folder + "/train-labels-idx1-ubyte")
    try write(idx(shape: [2, 4, 3], data: idxPixels(count: 2, seed: 50)), to: folder + "/t10k-images-idx3-ubyte")
    try write(idx(shape: [2], data: [4, 5]), to: folder + "/t10k-labels-idx1-ubyte")
}
