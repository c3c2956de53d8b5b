import Dispatch
import Foundation

/// Reads a data set of image files in torchvision's `ImageFolder` layout:
/// `DIR/train/<class>/…` and `DIR/val/<class>/…` (or `DIR/test/<class>/…`), JPEG or PNG, any
/// size and colour type.
///
/// Classes are the training folder's subfolders, sorted by Unicode code points as Python's
/// `sorted` does, so label k is torchvision's class k. A class's files are every file beneath
/// its folder, subfolders included, in the order of torchvision's `sorted(os.walk(…))`.
///
/// Every image is decoded before training, and anything that is not a readable image stops the
/// load with an error naming it: nothing is skipped. The test images are brought to
/// `imageSize × imageSize` once, as evaluation sees them (the shorter side scaled to
/// `imageSize · 8/7`, torchvision's 256 for 224, then the centre square); the training images
/// get the same view, for the normalisation's statistics and for validation, and keep their
/// originals for the random resized crops of training. All of it is held in memory, unless
/// ``ImageFolderReading`` streams the images: then the load decodes each file only to check it
/// and to sum its evaluation view for the statistics, and keeps its path (`ImageFiles`).
public enum ImageFolderLoader {
    /// The folders that may hold the evaluation images, in the order they are looked for.
    package static let evaluationFolders = ["val", "test"]

    /// The shorter side evaluation scales an image to before its centre crop of `imageSize`.
    package static func evaluationShorterSide(imageSize: Int) -> Int { imageSize * 8 / 7 }

    /// Loads `directory`'s training and evaluation images at `imageSize × imageSize`, held in
    /// memory or streamed as `reading` says.
    ///
    /// - Throws: ``DatasetError`` naming the folder or file and the fix: a missing `train` or
    ///   `val`/`test` folder, a file where class folders belong, no class folders, an empty
    ///   class folder, class sets that differ between the splits, and any file that is not an
    ///   intact JPEG or PNG image.
    public static func load(directory: String, imageSize: Int, reading: ImageFolderReading = ImageFolderReading()) throws -> DatasetSplit {
        precondition(imageSize > 0, "the image size must be positive")
        let root = URL(fileURLWithPath: directory)
        let trainFolder = root.appendingPathComponent("train").path
        guard isFolder(trainFolder) else {
            throw DatasetError(.missingFile, path: trainFolder, detail: "there is no training folder",
                               fix: "arrange the images as DIR/train/<class>/… and DIR/val/<class>/… (or DIR/test/<class>/…)")
        }
        guard let evaluationFolder = evaluationFolders.map({ root.appendingPathComponent($0).path }).first(where: isFolder) else {
            throw DatasetError(.missingFile, path: root.appendingPathComponent("val").path,
                               detail: "there is no evaluation folder (val or test) beside train",
                               fix: "put the held-out images in DIR/val/<class>/… (or DIR/test/<class>/…), with the classes of train")
        }
        let classes = try classFolders(in: trainFolder)
        let evaluationClasses = try classFolders(in: evaluationFolder)
        guard classes == evaluationClasses else {
            let onlyTrain = classes.filter { !evaluationClasses.contains($0) }, onlyEvaluation = evaluationClasses.filter { !classes.contains($0) }
            var differences: [String] = []
            if !onlyTrain.isEmpty { differences.append("only in train: \(onlyTrain.joined(separator: ", "))") }
            if !onlyEvaluation.isEmpty {
                differences.append("only in \((evaluationFolder as NSString).lastPathComponent): \(onlyEvaluation.joined(separator: ", "))")
            }
            throw DatasetError(.inconsistent, path: evaluationFolder, detail: "its classes differ from train's (\(differences.joined(separator: "; ")))",
                               fix: "give both splits the same class folders, so that a label means one class in both")
        }
        let name = "folder-\(imageSize)"
        let trainFiles = try labelledFiles(in: trainFolder, classes: classes)
        let testFiles = try labelledFiles(in: evaluationFolder, classes: classes)
        let streams = reading.streams(estimatedBytes: ImageFolderReading.estimatedBytes(
            trainImages: trainFiles.paths.count, testImages: testFiles.paths.count, meanDecodedBytes: meanDecodedBytes(of: trainFiles.paths),
            imageSize: imageSize))
        func dataset(_ files: (paths: [String], labels: [Int32]), keepingOriginals: Bool) throws -> ImageDataset {
            streams ? try streamed(files, classes: classes.count, name: name, imageSize: imageSize, reading: reading)
                : try images(files, classes: classes.count, name: name, imageSize: imageSize, keepingOriginals: keepingOriginals)
        }
        return DatasetSplit(train: try dataset(trainFiles, keepingOriginals: true), test: try dataset(testFiles, keepingOriginals: false))
    }

    /// Every file of the split beneath `folder` and its label, `classes[k]` being label k.
    private static func labelledFiles(in folder: String, classes: [String]) throws -> (paths: [String], labels: [Int32]) {
        var paths: [String] = [], labels: [Int32] = []
        for (label, className) in classes.enumerated() {
            let classFolder = (folder as NSString).appendingPathComponent(className)
            let files = try filesBeneath(classFolder)
            guard !files.isEmpty else {
                throw DatasetError(.emptyFolder, path: classFolder, detail: "the class folder holds no images",
                                   fix: "add its images, or remove the folder from every split")
            }
            paths += files
            labels += Array(repeating: Int32(label), count: files.count)
        }
        return (paths, labels)
    }

    /// The split's images decoded and held at `imageSize` (and, for training, as decoded).
    private static func images(_ files: (paths: [String], labels: [Int32]), classes: Int, name: String, imageSize: Int,
                               keepingOriginals: Bool) throws -> ImageDataset {
        let decoded = try ImageDecoding.decodeEach(files.paths, threads: files.paths.count) { $0 }
        let imageSize3 = 3 * imageSize * imageSize
        var pixels = [UInt8](repeating: 0, count: decoded.count * imageSize3)
        let shorterSide = evaluationShorterSide(imageSize: imageSize)
        pixels.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: decoded.count) { index in
                ImageResampling.centreCrop(decoded[index], shorterSide: shorterSide, side: imageSize, into: base + index * imageSize3)
            }
        }
        return ImageDataset(name: name, imageShape: [3, imageSize, imageSize], classes: classes, pixels: pixels,
                            labels: files.labels, pixelScale: 1 / 255, originals: keepingOriginals ? decoded : nil)
    }

    /// The split's files, each decoded once to check it and to sum its evaluation view, which is then let go.
    private static func streamed(_ files: (paths: [String], labels: [Int32]), classes: Int, name: String, imageSize: Int,
                                 reading: ImageFolderReading) throws -> ImageDataset {
        let shorterSide = evaluationShorterSide(imageSize: imageSize)
        let sums = try ImageDecoding.decodeEach(files.paths, threads: files.paths.count) { image in
            var view = [UInt8](repeating: 0, count: 3 * imageSize * imageSize)
            return view.withUnsafeMutableBufferPointer { view in
                ImageResampling.centreCrop(image, shorterSide: shorterSide, side: imageSize, into: view.baseAddress!)
                return ChannelSum.ofImage(view.baseAddress!, channels: 3, plane: imageSize * imageSize)
            }
        }
        return ImageDataset(name: name, imageShape: [3, imageSize, imageSize], classes: classes, labels: files.labels, pixelScale: 1 / 255,
                            files: ImageFiles(paths: files.paths, channelSums: sums, decodeThreads: reading.decodeThreads,
                                              batchesAhead: reading.batchesAhead))
    }

    /// The mean decoded size (width × height × 3 bytes) of up to 16 files spread evenly through
    /// `paths`: what holding each original costs, for choosing to stream before decoding them all.
    /// A file that fails here is left to the full decoding, which names it among the others.
    private static func meanDecodedBytes(of paths: [String]) -> Double {
        guard !paths.isEmpty else { return 0 }
        let sample = Set((0..<16).map { $0 * paths.count / 16 }).sorted().map { paths[$0] }
        let sizes = sample.compactMap { try? ImageDecoding.decode(contentsOf: $0) }.map { Double($0.pixels.count) }
        return sizes.isEmpty ? 0 : sizes.reduce(0, +) / Double(sizes.count)
    }

    /// The class folders in `folder`, sorted as Python sorts strings.
    private static func classFolders(in folder: String) throws -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var classes: [String] = []
        for entry in entries.sorted(by: pythonOrder) {
            let path = (folder as NSString).appendingPathComponent(entry)
            guard isFolder(path) else {
                throw DatasetError(.inconsistent, path: path, detail: "a file where only class folders belong",
                                   fix: "move it out of \(folder), or into the folder of its class")
            }
            classes.append(entry)
        }
        guard !classes.isEmpty else {
            throw DatasetError(.emptyFolder, path: folder, detail: "there are no class folders",
                               fix: "put each class's images in a folder of its own: \(folder)/<class>/…")
        }
        return classes
    }

    /// Every file beneath `folder`, following links, in torchvision's order: by folder, then by name.
    private static func filesBeneath(_ folder: String) throws -> [String] {
        var found: [(folder: String, name: String)] = []
        func visit(_ relative: String) {
            let path = relative.isEmpty ? folder : (folder as NSString).appendingPathComponent(relative)
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                let child = relative.isEmpty ? entry : (relative as NSString).appendingPathComponent(entry)
                if isFolder((folder as NSString).appendingPathComponent(child)) { visit(child) } else { found.append((relative, entry)) }
            }
        }
        visit("")
        return found.sorted { $0.folder == $1.folder ? pythonOrder($0.name, $1.name) : pythonOrder($0.folder, $1.folder) }
            .map { (folder as NSString).appendingPathComponent(($0.folder as NSString).appendingPathComponent($0.name)) }
    }

    /// Python's string order, by Unicode code points (Swift's `<` compares normalised text).
    private static func pythonOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}
