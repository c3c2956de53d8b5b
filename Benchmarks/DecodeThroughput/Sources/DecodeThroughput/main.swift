// Images per second through a streamed image folder's batches, with no model: each file read,
// decoded, cropped (training: a random resized crop and a flip; evaluation: the centre crop),
// and normalised, on the given number of decoding threads. Divide a model's training images per
// second by the training figure to get the share of a decoding thread that training keeps busy.
// It also prints the process's CPU time per image, which a busy machine inflates far less than
// the wall time.
//
//     swift run -c release --package-path Benchmarks/DecodeThroughput decode-throughput \
//         ../shared/datasets/cifar10-jpeg-sample --image-size 32 --threads 1 --epochs 3
import Dispatch
import Foundation
import ParamShare

func option(_ name: String, default value: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name) else { return value }
    guard index + 1 < CommandLine.arguments.count, let parsed = Int(CommandLine.arguments[index + 1]), parsed > 0 else {
        FileHandle.standardError.write(Data("decode-throughput: \(name) takes a positive integer\n".utf8))
        exit(2)
    }
    return parsed
}

let arguments = CommandLine.arguments.dropFirst()
guard let directory = arguments.first, !directory.hasPrefix("--") else {
    print("usage: decode-throughput DIR [--image-size S (32)] [--threads N (1)] [--batch-size B (128)] [--epochs E (3)]")
    exit(2)
}
let (imageSize, threads) = (option("--image-size", default: 32), option("--threads", default: 1))
let (batchSize, epochs) = (option("--batch-size", default: 128), option("--epochs", default: 3))

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The CPU seconds, user and system, of every thread of the process so far.
func processorSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return [usage.ru_utime, usage.ru_stime].reduce(0) { $0 + Double($1.tv_sec) + Double($1.tv_usec) / 1e6 }
}

do {
    var data: DatasetSplit?
    let loading = try seconds {
        data = try ImageFolderLoader.load(directory: directory, imageSize: imageSize,
                                          reading: ImageFolderReading(mode: .stream, decodeThreads: threads))
    }
    let (train, test) = (data!.train, data!.test)
    print(String(format: "load (every file decoded once, on all cores): %d images in %.2f s", train.count + test.count, loading))
    let normalization = ChannelNormalization(statisticsOf: train)
    for (name, dataset, augmentation) in [("training", train, Augmentation.imageNet), ("evaluation", test, Augmentation.none)] {
        let batches = BatchIterator(dataset: dataset, batchSize: batchSize, normalization: normalization, augmentation: augmentation,
                                    shuffles: augmentation != .none, seed: 0)
        var checksum: Float = 0
        var rates: [Double] = [], processorRates: [Double] = []
        for epoch in 0..<epochs {
            let processorStart = processorSeconds()
            let elapsed = try seconds {
                try batches.forEachBatch(epoch: epoch) { batch in
                    checksum += batch.images[0]
                    return true
                }
            }
            rates.append(Double(dataset.count) / elapsed)
            processorRates.append(Double(dataset.count) / (processorSeconds() - processorStart))
        }
        precondition(checksum.isFinite, "the pipeline produced a non-finite value")
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(String(format: "%@ batches at %d×%d, %d decoding thread%@: %.0f images/s, %.0f images per CPU-second "
                     + "(medians of %d epochs of %d images)", name, imageSize, imageSize, threads, threads == 1 ? "" : "s",
                     median(rates), median(processorRates), epochs, dataset.count))
    }
} catch {
    FileHandle.standardError.write(Data("decode-throughput: \(error)\n".utf8))
    exit(1)
}
