import Foundation

/// Reads CIFAR-10 and CIFAR-100 from the official binary distributions.
///
/// The binary format (Krizhevsky 2009) is chosen over the Python pickles because it needs no
/// unpickler: each record is label bytes followed by the red, green and blue 32×32 planes,
/// which is already our channel-major `[3, 32, 32]` layout, so images are copied as they are.
/// Every record is validated, because a wrong or damaged file would otherwise train quietly on
/// shifted bytes.
public enum CIFARLoader {
    /// Loads CIFAR-10: `data_batch_1.bin` … `data_batch_5.bin` as training data, in that order,
    /// and `test_batch.bin` as test data.
    ///
    /// `directory` may be the extracted `cifar-10-batches-bin` folder or the folder that holds
    /// it, so users can pass wherever they unpacked the archive.
    ///
    /// - Throws: `DatasetError` naming the file at fault: `.missingFile`, `.wrongSize` if a file
    ///   is not a whole number of 3,073-byte records, `.badLabel` if a label is not in 0...9, or
    ///   any error of reading the file.
    public static func loadCIFAR10(directory: String) throws -> DatasetSplit {
        try load(.cifar10, directory: directory)
    }

    /// Loads CIFAR-100 with its 100 fine labels: `train.bin` as training data and `test.bin`
    /// as test data.
    ///
    /// Fine labels are used because they are the standard CIFAR-100 benchmark; the coarse
    /// superclass label is still checked, since a bad one means the file is not what it claims.
    /// `directory` may be the extracted `cifar-100-binary` folder or the folder that holds it.
    ///
    /// - Throws: `DatasetError` naming the file at fault: `.missingFile`, `.wrongSize` if a file
    ///   is not a whole number of 3,074-byte records, `.badLabel` if a coarse label is not in
    ///   0...19 or a fine label not in 0...99, or any error of reading the file.
    public static func loadCIFAR100(directory: String) throws -> DatasetSplit {
        try load(.cifar100, directory: directory)
    }

    /// One label byte at the start of each record.
    private struct LabelField {
        /// How errors call this label.
        var name: String
        /// Valid values are `0..<classes`.
        var classes: Int
    }

    /// What differs between the CIFAR-10 and CIFAR-100 distributions.
    private struct Format {
        var name: String
        /// The folder the official archive extracts to.
        var folder: String
        var trainFiles: [String]
        var testFile: String
        /// The label bytes that start each record, in file order.
        var labelFields: [LabelField]
        /// Which of `labelFields` becomes the data set's label.
        var usedLabel: Int
        /// How to get good files, ending every error message.
        var remedy: String

        static let imageShape = [3, 32, 32]
        static let imageSize = imageShape.reduce(1, *)

        var recordSize: Int { labelFields.count + Self.imageSize }
        var classes: Int { labelFields[usedLabel].classes }

        static let cifar10 = Format(
            name: "cifar10", folder: "cifar-10-batches-bin",
            trainFiles: (1...5).map { "data_batch_\($0).bin" }, testFile: "test_batch.bin",
            labelFields: [LabelField(name: "label", classes: 10)], usedLabel: 0,
            remedy: "Download the official binary version, cifar-10-binary.tar.gz (not the Python or MATLAB one), "
                + "extract it, and give its cifar-10-batches-bin folder as the data folder.")

        static let cifar100 = Format(
            name: "cifar100", folder: "cifar-100-binary",
            trainFiles: ["train.bin"], testFile: "test.bin",
            labelFields: [LabelField(name: "coarse label", classes: 20), LabelField(name: "fine label", classes: 100)],
            usedLabel: 1,
            remedy: "Download the official binary version, cifar-100-binary.tar.gz (not the Python or MATLAB one), "
                + "extract it, and give its cifar-100-binary folder as the data folder.")
    }

    private static func load(_ format: Format, directory: String) throws -> DatasetSplit {
        let folder = try batchFolder(of: format, in: directory)
        return DatasetSplit(train: try readSplit(format.trainFiles, in: folder, format: format),
                            test: try readSplit([format.testFile], in: folder, format: format))
    }

    /// `directory` itself if it holds the batch files, else its subfolder named as the archive's.
    private static func batchFolder(of format: Format, in directory: String) throws -> String {
        let probe = format.trainFiles[0]
        let nested = (directory as NSString).appendingPathComponent(format.folder)
        for candidate in [directory, nested]
        where FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent(probe)) {
            return candidate
        }
        var isDirectory: ObjCBool = false
        let detail = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
            ? "has no \(probe), and neither has \(format.folder)/ inside it; expected the \(format.name) binary batch files"
            : "is not a folder; expected the folder holding the \(format.name) binary batch files"
        throw DatasetError(.missingFile, path: directory, detail: detail, fix: format.remedy)
    }

    /// The records of `files`, concatenated in order, as one data set.
    private static func readSplit(_ files: [String], in folder: String, format: Format) throws -> ImageDataset {
        var pixels = [UInt8]()
        var labels = [Int32]()
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file)
            let bytes = try GzipFileReader.contents(ofFile: path, remedy: format.remedy)
            let records = try recordCount(of: bytes, path: path, format: format)
            if labels.isEmpty {
                // The official files of a split hold equally many records, so this is usually exact.
                pixels.reserveCapacity(records * files.count * Format.imageSize)
                labels.reserveCapacity(records * files.count)
            }
            try decode(bytes, records: records, path: path, format: format, pixels: &pixels, labels: &labels)
        }
        return ImageDataset(name: format.name, imageShape: Format.imageShape, classes: format.classes,
                            pixels: pixels, labels: labels, pixelScale: 1 / 255)
    }

    /// The images and labels of one batch file's bytes, checked as the loaders check a file's.
    @_spi(Fuzzing) public static func batch(in bytes: [UInt8], path: String, cifar100: Bool) throws -> (pixels: [UInt8], labels: [Int32]) {
        let format: Format = cifar100 ? .cifar100 : .cifar10
        var pixels = [UInt8](), labels = [Int32]()
        try decode(bytes, records: recordCount(of: bytes, path: path, format: format), path: path, format: format,
                   pixels: &pixels, labels: &labels)
        return (pixels, labels)
    }

    /// The number of records in `bytes`, which must be a positive whole number.
    private static func recordCount(of bytes: [UInt8], path: String, format: Format) throws -> Int {
        let recordSize = format.recordSize
        let (records, leftover) = bytes.count.quotientAndRemainder(dividingBy: recordSize)
        guard records > 0, leftover == 0 else {
            let layout = "each record is \(format.labelFields.count) label byte\(format.labelFields.count == 1 ? "" : "s") "
                + "and \(Format.imageSize) pixel bytes"
            let found = bytes.isEmpty
                ? "is empty"
                : "is \(bytes.count) bytes, which is \(records) whole \(recordSize)-byte record\(records == 1 ? "" : "s") "
                    + "and \(leftover) bytes over"
            throw DatasetError(.wrongSize, path: path,
                               detail: "\(found); expected a positive multiple of \(recordSize) bytes (\(layout))",
                               fix: "The file is truncated or is not a \(format.name) batch. \(format.remedy)")
        }
        return records
    }

    /// Appends the labels and images of `bytes` after checking every label byte.
    private static func decode(_ bytes: [UInt8], records: Int, path: String, format: Format,
                               pixels: inout [UInt8], labels: inout [Int32]) throws {
        let recordSize = format.recordSize
        let labelBytes = format.labelFields.count
        try bytes.withUnsafeBufferPointer { buffer in
            for record in 0..<records {
                let start = record * recordSize
                for (offset, field) in format.labelFields.enumerated() where Int(buffer[start + offset]) >= field.classes {
                    throw DatasetError(.badLabel, path: path,
                                       detail: "record \(record) (counting from 0; byte \(start + offset)) has \(field.name) "
                                           + "\(buffer[start + offset]); expected 0...\(field.classes - 1)",
                                       fix: "The file is damaged or is not a \(format.name) batch. \(format.remedy)")
                }
                labels.append(Int32(buffer[start + format.usedLabel]))
                pixels.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start + labelBytes..<start + recordSize]))
            }
        }
    }
}
