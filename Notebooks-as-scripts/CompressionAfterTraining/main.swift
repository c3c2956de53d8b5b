// # C7: RPG models prune and quantise well
//
//     swift run -c release CompressionAfterTraining [path/to/cifar-10-batches-bin]
//
// The claim (Wang et al., WACV 2023, section 4.4): a trained RPG model's ring can be quantised
// and pruned with little loss, like a dense network's weights. Here the 10 % models of the
// equal-DoF claim (C2), three seeds of every arm, and dense ResNet-20, go through the same
// four treatments of what their budget counts (the ring or bank; for dense, pruned and width
// the weights of the 18 convolutions a generator would replace): int8 and int4 (symmetric,
// one scale per block of 64 values) and 50 % and 90 % magnitude pruning of those values.
//
// Seeds 3 and 4 of RPG, pruning and dense were added after three seeds left RPG's int4 and 90 %
// pruning losses within noise of dense's and pruning's; C2 and B1 trained those models.
//
// The models come from results/recipe-runs/checkpoints/. That folder is not in git: a model
// missing there is trained again from its cell, which on the same machine gives the same model
// bit for bit (the notebook checks its test accuracy against the runs table's).
import Foundation
import NotebookSupport
import ParamShare

let name = "c7-compression"
let command = "swift run -c release CompressionAfterTraining"
let folder = NotebookPaths.results + "/" + name
/// The arms and seeds added where three seeds left the comparisons of RPG's losses within noise.
let addedArms = ["rpg", "pruned"]
let addedSeeds: [UInt64] = [3, 4]
/// The treatments, each the part of the claim it tests.
let treatments = [("int8", "quantisation"), ("int4", "quantisation"), ("prune50", "pruning"), ("prune90", "pruning")]

/// RPG's accuracy change under each treatment is no more than the margin below dense's: one Holm
/// family per kind of treatment. Welch's test: RPG and dense are different networks.
let plan = StudyPlan(
    claim: "C7", statement: "RPG models prune and quantise well", table: "compress.csv", measure: "accuracy_change", unit: "points", unitScale: 100,
    arms: treatments.flatMap { method, _ in
        [StudyPlan.Arm("rpg \(method)", rows: ["generator": RPGGenerator.descriptor.name, "budget": "10%", "method": method]),
         StudyPlan.Arm("dense \(method)", rows: ["generator": GeneratorRegistry.denseName, "budget": "full", "method": method])]
    },
    budgets: ["10%"], seeds: [0, 1, 2],
    exploratory: [StudyPlan.SeedSet(label: "seeds 3 and 4, added after looking", seeds: addedSeeds.map { Int($0) }, reason: """
        added after three seeds left RPG's int4 and 90 % pruning losses within noise of dense's and pruning's: seeds 3 and 4 of rpg, \
        pruned and dense
        """)],
    comparisons: treatments.map { method, part in
        StudyPlan.Comparison("rpg \(method)", minus: "dense \(method)", .init(.notBelow, margin: StudyPlan.accuracyMargin),
                             family: "C7 \(part)", test: .welch, part: part)
    },
    marginReason: StudyPlan.accuracyMarginReason)

func study() throws {
    guard case let (declared, data)? = try CIFARRecipe.declaring(plan, name: name) else { return }
    var findings = Findings(title: "C7: quantising and pruning trained models")
    findings.paragraph("""
        The 10 % models of C2 (\(CIFARRecipe.summary)) and dense ResNet-20, seeds 0, 1 and 2, and
        seeds \(addedSeeds.map(String.init).joined(separator: " and ")) for \(addedArms.joined(separator: ", ")) and dense:
        int8, int4, 50 % and 90 % pruning of what each budget counts, evaluated on the full test set.
        """)
    let pool = RunPool(data: data)
    let cells = try EqualDoFArms.cells(at: .percentage(10), includesDense: true, frozenControl: false, on: data)
        + EqualDoFArms.cells(of: addedArms, at: .percentage(10), seeds: addedSeeds, on: data)
        + CIFARRecipe.denseCells(seeds: addedSeeds, on: data)
    try pool.train(cells)
    let recorded = try RunTable(contentsOfFile: pool.runsPath)
    let pooled = try CSVReader.read(contentsOfFile: pool.runsPath)
    let cellByLine = Dictionary(zip(pooled.lineNumbers, pooled.rows.map { $0[pooled.header.firstIndex(of: "cell_id")!] }), uniquingKeysWith: { $1 })
    let accuracyByCell = Dictionary(recorded.runs.compactMap { run in cellByLine[run.line].map { ($0, run.testAccuracy) } }, uniquingKeysWith: { $1 })

    let table = try CSVTable(path: folder + "/compress.csv", columns: Checkpoint.compressionColumns)
    let done = Set(zip(try table.column("cell_id"), try table.column("method")).map { "\($0) \($1)" })
    let compressions = [nil] + BankCompression.allCases.map(Optional.some)
    for cell in cells {
        // A model whose every treatment is in the table needs neither its checkpoint nor a retraining.
        let missing = compressions.filter { !done.contains("\(cell.identifier) \($0?.description ?? "fp32")") }
        guard !missing.isEmpty else { continue }
        let path = pool.checkpoints + "/\(cell.identifier).safetensors"
        if !FileManager.default.fileExists(atPath: path) {
            say("    \(cell.label): no saved model, training it again")
            let record = try SweepRunner.train(cell, on: data, checkpointDirectory: pool.checkpoints)
            guard let recordedAccuracy = accuracyByCell[cell.identifier] ?? nil, record.result.testAccuracy == recordedAccuracy else {
                throw NotebookError("\(cell.label) trained again reaches test accuracy \(record.result.testAccuracy), not the runs table's "
                                    + "\(String(describing: accuracyByCell[cell.identifier])): it was trained by another build or machine. "
                                    + "Move results/recipe-runs aside and rerun the notebooks to compare like with like.")
            }
        }
        let checkpoint = try Checkpoint(contentsOf: path)
        let batches = checkpoint.testBatches(of: data.test)
        let reference = try checkpoint.evaluate(nil, on: batches)
        for compression in missing {
            let method = compression?.description ?? "fp32"
            let outcome = compression == nil ? reference : try checkpoint.evaluate(compression, on: batches)
            try table.append(checkpoint.compressionRow(outcome, reference: reference))
            say(String(format: "    %@ %@: %d bytes, test accuracy %.4f (%+.4f)", cell.label, method, outcome.bytes,
                       outcome.testAccuracy, outcome.testAccuracy - reference.testAccuracy))
        }
    }

    // Accuracy change per arm and method, over seeds, and RPG's against dense's and pruned's.
    let rows = try CSVReader.read(contentsOfFile: table.path)
    func column(_ name: String) -> Int { rows.header.firstIndex(of: name)! }
    let wanted = Set(cells.map(\.identifier))
    var change = [String: [String: [String: Double]]]()  // generator → method → seed → change
    var bytes = [String: [String: [Double]]]()
    for row in rows.rows where wanted.contains(row[column("cell_id")]) {
        let generator = row[column("generator")], method = row[column("method")]
        change[generator, default: [:]][method, default: [:]][row[column("seed")]] = Double(row[column("accuracy_change")])
        bytes[generator, default: [:]][method, default: []].append(Double(row[column("bytes")]) ?? .nan)
    }
    let methods = BankCompression.allCases.map(\.description)
    let arms = ["rpg", "hashing", "projection", "lowrank", "pruned", "width", GeneratorRegistry.denseName].filter { change[$0] != nil }
    var lines = ["test accuracy change from fp32, points: mean [95% CI] over seeds (mean stored KiB)"]
    for arm in arms {
        let cellsText = methods.map { method -> String in
            let values = Array((change[arm]?[method] ?? [:]).values)
            guard !values.isEmpty else { return "–" }
            let estimate = MeanEstimate(values)
            let kib = Statistics.mean(bytes[arm]?[method] ?? []) / 1024
            return String(format: "%@ %+.2f [%+.2f, %+.2f] (%.0f)", method, estimate.mean * 100, estimate.lowerBound * 100,
                          estimate.upperBound * 100, kib)
        }
        lines.append(arm.padded(toWidth: 11) + cellsText.joined(separator: "   "))
    }
    lines.append("")
    for other in ["dense", "pruned"] where change[other] != nil {
        for method in methods {
            if let pairs = SeedPairs(change["rpg"]?[method] ?? [:], minus: change[other]?[method] ?? [:]) {
                lines.append("rpg's change − \(other)'s change, \(method): " + pairs.text)
            }
        }
    }
    findings.block(lines.joined(separator: "\n"))
    try declared.recordVerdicts(in: &findings)
    try findings.write(into: folder, command: command)
}

runNotebook(study)
