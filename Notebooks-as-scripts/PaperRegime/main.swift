// # The claims where they can be decided: full CIFAR-10, networks trained to their accuracy
//
//     swift run -c release PaperRegime [--part 1] [--smoke] [path/to/cifar-10-batches-bin]
//
// The claim notebooks share one short recipe (ResNet-20, 10,000 images, 10 epochs) under which
// dense ResNet-56 is worse than dense ResNet-20, so depth and the upper DoF range cannot be
// judged. This notebook finds, then uses, a recipe under which the networks are trained:
// CIFAR-10's 50,000 training images less a stratified 5,000-image validation split, the full
// test set, one-cycle SGD at batch 128, crop and flip, bf16 operands (1.4 times faster than
// fp32 on an AVX512_BF16 CPU at equal accuracy, `results/bf16-parity-avx512/`).
//
//   1. Calibration, one seed each: the shortest E among 10, 15, 20 and 30 epochs at which dense
//      ResNet-20 reaches 89 % test accuracy and dense ResNet-56 beats it by at least a point
//      (30 if none does). Runs are trained in the order the rule needs them, ascending in E,
//      ResNet-56 only where ResNet-20 has reached 89 %, two at a time: the one the rule needs
//      next, and the one it would need after that if the first fails.
//
// Every run resumes from its last finished epoch after an interruption, so the parts can be
// stopped at any time and run again.
import Foundation
import NotebookSupport
import ParamShare
import ParamShareEngine

let name = "paper-regime"
let command = "swift run -c release PaperRegime"
let folder = NotebookPaths.results + "/" + name
let calibrationEpochs = NotebookArguments.isSmokeTest ? [1, 2] : [10, 15, 20, 30]
/// The dense ResNet-20 accuracy a trained network reaches: He et al. report 91.25 %; 89 % leaves
/// room for this copy's JPEG-decoded pixels and a recipe far shorter than their 182 epochs.
let trainedAccuracy = 0.89
/// How far dense ResNet-56 must beat dense ResNet-20 for depth to count as helping.
let depthMargin = 0.01
let shallowNetwork = Architecture.resnet(depth: 20, widthMultiplier: 1)
let deepNetwork = Architecture.resnet(depth: 56, widthMultiplier: 1)

/// The architecture the calibration's `kind` of network is.
func network(_ kind: EpochCalibration.Network) -> Architecture {
    kind == .shallow ? shallowNetwork : deepNetwork
}

/// The recipe at `epochs`: one-cycle SGD with Nesterov momentum to 0.1, weight decay 5e-4, batch
/// 128, crop and flip, bf16 operands with Float sums and master weights.
func recipe(epochs: Int) -> TrainingConfiguration {
    TrainingConfiguration(epochs: epochs, batchSize: 128, learningRate: 0.1, augmentation: .cifar, precision: .bfloat16)
}

/// CIFAR-10 with 5,000 training images held out for validation (a smoke test: 512 training, 100
/// validation and every 20th test image), or `nil` after saying where it was looked for.
func loadData() throws -> DatasetSplit? {
    let directory = NotebookPaths.cifar10
    guard FileManager.default.fileExists(atPath: directory + "/test_batch.bin") else {
        narrate("No CIFAR-10 at \(directory). Pass the folder holding data_batch_1.bin … test_batch.bin as the first argument.")
        return nil
    }
    let cifar = try CIFARLoader.loadCIFAR10(directory: directory)
    guard NotebookArguments.isSmokeTest else { return try cifar.holdingOut(.count(5000), trainLimit: nil) }
    var smoke = try cifar.holdingOut(.count(100), trainLimit: 512)
    smoke.test = smoke.test.subset(Array(stride(from: 0, to: smoke.test.count, by: 20)))
    return smoke
}

/// The one dense cell of `architecture` trained for `epochs`, seed 0.
func denseCell(_ architecture: Architecture, epochs: Int, on data: DatasetSplit) -> SweepCell {
    SweepGrid(architectures: [architecture], generators: [], budgets: [], seeds: [0], recipe: recipe(epochs: epochs))
        .cells(on: DataSubset(data))[0]
}

/// What a calibration run recorded: its test accuracy (nil if it failed), status and machine time.
struct CalibrationRun {
    var testAccuracy: Double?
    var status: String
    var seconds: Double
}

/// The runs of the table at `path`, by cell identifier.
func recordedRuns(inTableAt path: String) throws -> [String: CalibrationRun] {
    guard FileManager.default.fileExists(atPath: path) else { return [:] }
    let document = try CSVReader.read(contentsOfFile: path)
    let columns = ["cell_id", "test_accuracy", "status", "wall_seconds"].map { document.header.firstIndex(of: $0) }
    guard let id = columns[0], let accuracy = columns[1], let status = columns[2], let seconds = columns[3] else {
        throw NotebookError("\(path) lacks one of cell_id, test_accuracy, status and wall_seconds. Move it aside: this notebook rebuilds it.")
    }
    var runs = [String: CalibrationRun]()
    for row in document.rows {
        runs[row[id]] = CalibrationRun(testAccuracy: Double(row[accuracy]), status: row[status], seconds: Double(row[seconds]) ?? 0)
    }
    return runs
}

/// The CPU this process runs on, as /proc/cpuinfo names it, with its vector extensions.
func machine() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last
        .map { $0.trimmingCharacters(in: .whitespaces) } ?? "an unknown CPU"
    let flags = Set(info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
    let vector = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16"].filter(flags.contains)
    return "\(model) (\(ProcessInfo.processInfo.activeProcessorCount) cores; \(vector.joined(separator: " ")))"
}

/// Part 1: calibration.
func calibrate(on data: DatasetSplit, findings: inout Findings) throws -> Int {
    let pool = RunPool(data: data, runsPath: folder + "/runs.csv", checkpoints: folder + "/checkpoints")
    func state() throws -> EpochCalibration {
        let runs = try recordedRuns(inTableAt: pool.runsPath)
        var rule = EpochCalibration(epochs: calibrationEpochs, accuracy: trainedAccuracy, margin: depthMargin)
        // A run that diverged or collapsed reached no accuracy, whatever its last epoch scored.
        func accuracy(_ network: Architecture, _ epochs: Int) -> Double?? {
            runs[denseCell(network, epochs: epochs, on: data).identifier].map { $0.status == "ok" ? $0.testAccuracy : nil }
        }
        for epochs in calibrationEpochs {
            rule.shallow[epochs] = accuracy(shallowNetwork, epochs)
            rule.deep[epochs] = accuracy(deepNetwork, epochs)
        }
        return rule
    }
    findings.paragraph("""
        ## Part 1: calibration

        Dense ResNet-20 and ResNet-56, seed 0, on \(data.train.count) training images (\(data.validation?.count ?? 0)
        held out for validation), tested on \(data.test.count); one-cycle SGD to 0.1, batch 128,
        weight decay 5e-4, crop and flip, bf16 operands. Rule: the shortest E of
        \(calibrationEpochs.map(String.init).joined(separator: ", ")) at which ResNet-20 reaches
        \(Int(trainedAccuracy * 100)) % and ResNet-56 beats it by \(Int(depthMargin * 100)) point or more;
        the last if none does. Machine: \(machine()).
        """)
    var rule = try state()
    while rule.chosen == nil {
        try pool.train(rule.needed.prefix(2).map { denseCell(network($0.network), epochs: $0.epochs, on: data) })
        rule = try state()
    }
    let runs = try recordedRuns(inTableAt: pool.runsPath)
    var lines = ["model".padded(toWidth: 10) + "epochs".padded(toWidth: 8) + "test accuracy".padded(toWidth: 15)
                 + "status".padded(toWidth: 8) + "machine time  per epoch"]
    for epochs in calibrationEpochs {
        for kind in [EpochCalibration.Network.shallow, .deep] {
            guard let run = runs[denseCell(network(kind), epochs: epochs, on: data).identifier] else { continue }
            let accuracy = run.testAccuracy.map { String(format: "%.2f %%", $0 * 100) } ?? "none"
            lines.append("\(network(kind))".padded(toWidth: 10) + String(epochs).padded(toWidth: 8) + accuracy.padded(toWidth: 15)
                         + run.status.padded(toWidth: 8) + String(format: "%6.2f h      %5.1f min", run.seconds / 3600,
                                                                      run.seconds / 60 / Double(epochs)))
        }
    }
    let chosen = rule.chosen!
    findings.block(lines.joined(separator: "\n"))
    findings.paragraph(rule.isMet ? "E = \(chosen): the shortest at which both hold."
                                  : "No E up to \(chosen) meets both; the study uses \(chosen), as the rule says.")
    return chosen
}

runNotebook {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    guard let data = try loadData() else { return }
    var findings = Findings(title: "The claims in a regime where the networks are trained")
    _ = try NotebookArguments.parts(of: 1)
    _ = try calibrate(on: data, findings: &findings)
    try findings.write(into: folder, command: command)
}
