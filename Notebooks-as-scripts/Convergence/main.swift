// # C6: RPG converges no slower
//
//     swift run -c release Convergence
//
// The claim (Wang et al., WACV 2023, section 4): training with RPG converges about as fast as
// training the dense network. No new runs: every run of C1 and C2 evaluated the test set after
// each epoch, and this notebook reads those per-epoch tables (run LogLinearDoF and
// SharingAtEqualDoF first). For each arm it draws the mean accuracy by epoch, and counts the
// epochs each seed needs to reach dense's mean accuracy after epoch 5. The one-cycle schedule
// is the same for every arm, so epochs are comparable; they are not a measure of wall time.
import Foundation
import NotebookSupport
import ParamShare

let name = "c6-convergence"
let command = "swift run -c release Convergence"
let folder = NotebookPaths.results + "/" + name
/// Epoch 5 of 10 (the issue's "dense's epoch-5 accuracy"); the first of a smoke test's 2.
let targetEpoch = CIFARRecipe.configuration.epochs / 2
/// C1's budgets, each its own part of the claim.
let budgets = ["0.5%", "1%", "3%", "10%", "30%", "100%"]

/// RPG at each of C1's budgets reaches the target no more than one epoch after dense:
/// RPG − dense ≤ +1 epoch, one Holm family. Welch's test: RPG and dense are different networks.
let plan = StudyPlan(
    claim: "C6", statement: "RPG converges no slower", table: "epochs_to_target.csv", measure: "first_epoch_reaching_target",
    unit: "epochs", unitScale: 1,
    arms: budgets.map { StudyPlan.Arm("rpg \($0)", rows: ["study": "c1-log-linear-dof", "arm": "rpg \($0)"]) }
        + [StudyPlan.Arm("dense", rows: ["study": "c1-log-linear-dof", "arm": "dense"])],
    budgets: budgets, seeds: [0, 1, 2],
    comparisons: budgets.map { StudyPlan.Comparison("rpg \($0)", minus: "dense", .init(.notAbove, margin: 1), family: "C6", test: .welch, part: $0) },
    marginReason: """
        one epoch, the resolution of the measure (each run is tested once an epoch); declared on 2026-12-05, after the runs had been seen. \
        A seed that never reaches the target has no value and is left out.
        """)

/// A study's runs table, if its notebook has written it.
func runsTable(of study: String) -> String? {
    let path = NotebookPaths.results + "/\(study)/runs.csv"
    guard FileManager.default.fileExists(atPath: path) else {
        say("    \(path) is missing: run that notebook first; going on without it")
        return nil
    }
    return path
}

/// The arm of a run with a trained bank and the plain step: dense, or the generator (bank frozen) at its budget.
func arm(_ run: RunTable.Run) -> String? {
    guard run.setting.bankStep == BankStepScaling.none else { return nil }
    if run.setting.generator == GeneratorRegistry.denseName { return "dense" }
    return "\(run.setting.generator)\(run.setting.bank == .frozen ? " (ring frozen)" : "") \(run.budget)"
}

func study() throws {
    let declared = try DeclaredStudy(plan, name: name)
    var findings = Findings(title: "C6: test accuracy by epoch")
    findings.paragraph("""
        From the per-epoch tables of C1 (RPG from 0.5 % to 100 % of the generated weights, and
        dense) and C2 (every arm at 1 % and 10 %), \(CIFARRecipe.summary). Target: dense's mean
        test accuracy after epoch \(targetEpoch). For each seed, the first epoch at or above it;
        'never' where no epoch reaches it.
        """)
    var curvesTable = [["study", "arm", "epoch", "n_seeds", "mean_test_accuracy", "ci95_lower", "ci95_upper"]]
    var reachTable = [["study", "arm", "seed", "target", "first_epoch_reaching_target"]]
    // Each study's panels: a title, the budget suffix of the arms it shows ("" for all), and its file.
    for (study, panels) in [("c1-log-linear-dof", [("C1: RPG by ring size", "", "c1-accuracy_by_epoch.svg")]),
                            ("c2-sharing-at-equal-dof", [("C2 at 10 %", " 10%", "c2-10pct-accuracy_by_epoch.svg"),
                                                         ("C2 at 1 %", " 1%", "c2-1pct-accuracy_by_epoch.svg")])] {
        guard let path = runsTable(of: study) else { continue }
        let curves = try EpochCurves(runsAt: path, label: arm)
        guard let dense = curves.curve("dense"), let target = dense.means.first(where: { $0.epoch == targetEpoch })?.estimate.mean else {
            say("    \(study) has no dense run through epoch \(targetEpoch) yet")
            continue
        }
        var lines = [String(format: "%@: target %.2f %% (dense after epoch %d); epochs to reach it, by seed", study, target * 100, targetEpoch)]
        for curve in curves.curves {
            for (epoch, estimate) in curve.means {
                curvesTable.append([study, curve.label, String(epoch), String(estimate.count), "\(estimate.mean)",
                                    "\(estimate.lowerBound)", "\(estimate.upperBound)"])
            }
            let reached = curve.firstEpochs(reaching: target).sorted { $0.key < $1.key }
            for (seed, epoch) in reached { reachTable.append([study, curve.label, seed, "\(target)", epoch.map(String.init) ?? ""]) }
            let final = curve.means.last.map { String(format: "final %.2f %%", $0.estimate.mean * 100) } ?? ""
            lines.append(curve.label.padded(toWidth: 28)
                         + reached.map { "seed \($0.key): \($0.value.map(String.init) ?? "never")" }.joined(separator: ", ") + "   " + final)
        }
        findings.block(lines.joined(separator: "\n"))
        for panel in panels {
            let shown = curves.curves.filter { $0.label == "dense" || panel.1.isEmpty || $0.label.hasSuffix(panel.1) }
            let plot = EpochCurvePlot(title: panel.0 + ", mean over seeds", curves: shown,
                                      target: (target, "dense after epoch \(targetEpoch)"))
            let file = folder + "/" + panel.2
            try OutputLocation.prepareFolder(of: file)
            try plot.svg().write(toFile: file, atomically: true, encoding: .utf8)
            say("    wrote \(file)")
        }
    }
    for (file, rows) in [("curves.csv", curvesTable), ("epochs_to_target.csv", reachTable)] {
        try OutputLocation.prepareFolder(of: folder + "/" + file)
        try rows.map(CSVTable.line).joined().write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
        say("    wrote \(folder)/\(file)")
    }
    try declared.recordVerdicts(in: &findings)
    try findings.write(into: folder, command: command)
}

runNotebook(study)
