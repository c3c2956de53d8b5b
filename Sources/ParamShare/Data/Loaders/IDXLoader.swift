import Foundation

/// Reads the MNIST family (MNIST, Fashion-MNIST, KMNIST) from the official IDX files.
///
/// The three data sets share file names, format and shape (28×28 grey images, 10 classes), so
/// one loader serves them all. IDX headers declare the exact shape of their data, and the
/// loader holds the files to it: a cut-off download or a mismatched pair of files is reported
/// rather than read as fewer, or misaligned, images.
public enum IDXLoader {
    /// Loads the four MNIST-family files in `directory`, each raw or gzipped.
    ///
    /// The files are `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
    /// `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`, each either as named or with a
    /// `.gz` suffix, as downloaded; the raw file is used when both exist, since it reads faster.
    ///
    /// - Parameters:
    ///   - directory: The folder holding the four files.
    ///   - name: The name of the data set, such as `mnist` or `fashion-mnist`, for logs.
    /// - Throws: `DatasetError` naming the file at fault: `.missingFile`, `.wrongMagic`,
    ///   `.truncated`, `.wrongSize`, `.badLabel`, `.inconsistent` if a labels file does not
    ///   match its images or the training and test images differ in size, or any error of
    ///   reading or inflating the file.
    public static func loadMNISTFamily(directory: String, name: String = "mnist") throws -> DatasetSplit {
        let train = try loadPart(images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte",
                                 in: directory, name: name)
        let test = try loadPart(images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte",
                                in: directory, name: name)
        guard test.dataset.imageShape == train.dataset.imageShape else {
            throw DatasetError(.inconsistent, path: test.imagesPath,
                               detail: "holds images of shape \(test.dataset.imageShape) but the training images are "
                                   + "\(train.dataset.imageShape); expected both parts to share one shape",
                               fix: "The files come from different data sets. \(remedy)")
        }
        return DatasetSplit(train: train.dataset, test: test.dataset)
    }

    /// The images of an IDX3 file of unsigned bytes, one after another, each row-major.
    ///
    /// - Returns: `shape` as the file declares it, `[count, rows, columns]`, and exactly
    ///   `count × rows × columns` pixel bytes.
    /// - Throws: `DatasetError` with kind `.wrongMagic` if the file does not start with
    ///   `00 00 08 03`, `.truncated` if the header or data is short, `.wrongSize` if there are
    ///   bytes after the data or the shape is empty, or any error of reading or inflating the file.
    package static func readImages(path: String) throws -> (shape: [Int], pixels: [UInt8]) {
        try images(in: GzipFileReader.contents(ofFile: path, remedy: remedy), path: path)
    }

    /// The images of the IDX3 bytes `bytes`, checked as ``readImages(path:)`` checks a file's.
    @_spi(Fuzzing) public static func images(in bytes: [UInt8], path: String) throws -> (shape: [Int], pixels: [UInt8]) {
        let (shape, data) = try payload(of: bytes, path: path, dimensions: 3)
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw DatasetError(.wrongSize, path: path,
                               detail: "declares \(shape[0]) images of \(shape[1])×\(shape[2]) pixels; expected at "
                                   + "least one image of at least 1×1",
                               fix: "The file is damaged or is not an image file. \(remedy)")
        }
        return (shape, Array(data))
    }

    /// The labels of an IDX1 file of unsigned bytes, each in 0...9.
    ///
    /// - Throws: `DatasetError` with kind `.wrongMagic` if the file does not start with
    ///   `00 00 08 01`, `.truncated` if the header or data is short, `.wrongSize` if there are
    ///   bytes after the data or no labels, `.badLabel` if a label is 10 or more, or any error of
    ///   reading or inflating the file.
    package static func readLabels(path: String) throws -> [Int32] {
        try labels(in: GzipFileReader.contents(ofFile: path, remedy: remedy), path: path)
    }

    /// The labels of the IDX1 bytes `bytes`, checked as ``readLabels(path:)`` checks a file's.
    @_spi(Fuzzing) public static func labels(in bytes: [UInt8], path: String) throws -> [Int32] {
        let (shape, data) = try payload(of: bytes, path: path, dimensions: 1)
        guard shape[0] > 0 else {
            throw DatasetError(.wrongSize, path: path, detail: "declares 0 labels; expected at least one",
                               fix: "The file is damaged or is not a labels file. \(remedy)")
        }
        if let index = data.firstIndex(where: { Int($0) >= classes }) {
            throw DatasetError(.badLabel, path: path,
                               detail: "label \(index - data.startIndex) (counting from 0) is \(data[index]); "
                                   + "expected 0...\(classes - 1)",
                               fix: "The file is damaged or is not from a 10-class data set. \(remedy)")
        }
        return data.map { Int32($0) }
    }

    /// Every MNIST-family data set has ten classes.
    private static let classes = 10

    /// How to get good files, ending every error message.
    private static let remedy = "Download the four official IDX files (train-images-idx3-ubyte.gz, "
        + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; MNIST, Fashion-MNIST "
        + "and KMNIST all use these names) into one folder and give it as the data folder."

    /// The images and labels of one part, checked against each other.
    private static func loadPart(images imagesFile: String, labels labelsFile: String, in directory: String,
                                 name: String) throws -> (dataset: ImageDataset, imagesPath: String) {
        let imagesPath = try locate(imagesFile, in: directory)
        let labelsPath = try locate(labelsFile, in: directory)
        let (shape, pixels) = try readImages(path: imagesPath)
        let labels = try readLabels(path: labelsPath)
        guard labels.count == shape[0] else {
            throw DatasetError(.inconsistent, path: labelsPath,
                               detail: "holds \(labels.count) labels but \(imagesPath) holds \(shape[0]) images; "
                                   + "expected one label per image",
                               fix: "The two files come from different data sets or versions. \(remedy)")
        }
        let dataset = ImageDataset(name: name, imageShape: [1, shape[1], shape[2]], classes: classes,
                                   pixels: pixels, labels: labels, pixelScale: 1 / 255)
        return (dataset, imagesPath)
    }

    /// The path of `file` in `directory`, raw if it exists, else gzipped.
    private static func locate(_ file: String, in directory: String) throws -> String {
        let raw = (directory as NSString).appendingPathComponent(file)
        let gzipped = raw + ".gz"
        guard let found = [raw, gzipped].first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw DatasetError(.missingFile, path: raw,
                               detail: "neither this file nor \(file).gz exists; expected one of them", fix: remedy)
        }
        return found
    }

    /// How to get good files, for the errors of code that reads IDX bytes itself.
    @_spi(Fuzzing) public static var downloadAdvice: String { remedy }

    /// The shape the IDX bytes of a file at `path` declare and their data, which must fill it exactly.
    private static func payload(of bytes: [UInt8], path: String, dimensions: Int) throws -> (shape: [Int], data: ArraySlice<UInt8>) {
        let kind = dimensions == 1 ? "a labels file" : "an images file"
        let magic: [UInt8] = [0x00, 0x00, 0x08, UInt8(dimensions)]
        let headerSize = magic.count + 4 * dimensions
        guard bytes.count >= magic.count else {
            throw DatasetError(.truncated, path: path,
                               detail: "is \(bytes.count) bytes; expected at least the \(magic.count)-byte IDX magic",
                               fix: "The download is incomplete. \(remedy)")
        }
        guard bytes.starts(with: magic) else {
            throw DatasetError(.wrongMagic, path: path,
                               detail: "starts with \(hex(bytes.prefix(magic.count))); expected \(hex(magic[...])) "
                                   + "(IDX, unsigned bytes, \(dimensions) dimension\(dimensions == 1 ? "" : "s"))",
                               fix: "The file is not \(kind) of the MNIST family, or is damaged. \(remedy)")
        }
        guard bytes.count >= headerSize else {
            throw DatasetError(.truncated, path: path,
                               detail: "is \(bytes.count) bytes; expected a \(headerSize)-byte header",
                               fix: "The download is incomplete. \(remedy)")
        }
        let shape = (0..<dimensions).map { dimension in
            bytes[magic.count + 4 * dimension..<magic.count + 4 * (dimension + 1)].reduce(0) { $0 << 8 | Int($1) }
        }
        // Each dimension is below 2³², so three of them can overflow a 64-bit product.
        let (expected, overflow) = shape.reduce((1, false)) { partial, size in
            let product = partial.0.multipliedReportingOverflow(by: size)
            return (product.partialValue, partial.1 || product.overflow)
        }
        let found = bytes.count - headerSize
        guard !overflow, found >= expected else {
            let needed = overflow ? "more bytes than can be addressed" : "\(expected) bytes"
            throw DatasetError(.truncated, path: path,
                               detail: "has \(found) data bytes after its header; expected \(needed) for shape \(shape)",
                               fix: "The download is incomplete. \(remedy)")
        }
        guard found == expected else {
            throw DatasetError(.wrongSize, path: path,
                               detail: "has \(found) data bytes after its header, \(found - expected) more than the "
                                   + "\(expected) its shape \(shape) declares; expected the file to end there",
                               fix: "The file is damaged or is not \(kind) of the MNIST family. \(remedy)")
        }
        return (shape, bytes[headerSize...])
    }

    /// Bytes as `0x` and two hex digits each, the way IDX magic numbers are documented.
    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        "0x" + bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
