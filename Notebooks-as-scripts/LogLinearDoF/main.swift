// # C1: accuracy grows log-linearly with the degrees of freedom
//
// A notebook as a script: run it, read what it prints, then look at what it wrote into
// results/c1-log-linear-dof/.
//
//     swift run -c release LogLinearDoF [--part 1|2] [path/to/cifar-10-batches-bin]
//
// The claim (Wang et al., "Recurrent Parameter Generators", WACV 2023, figure 3): with the
// generated layers' weights drawn from one RPG ring of N values, test accuracy is close to
// a + b·ln N, up to the dense network. Here RPG's ring holds 0.5 % to 100 % of ResNet-20's
// 267,264 generated weights, three seeds each, beside the dense network, all on one recipe.
//
// Runs go into the notebooks' shared pool (results/recipe-runs/), so an interrupted notebook
// resumes, and cells another notebook already trained are not trained again.
import Foundation
import NotebookSupport
import ParamShare

let name = "c1-log-linear-dof"
let command = "swift run -c release LogLinearDoF"
let budgets = ["0.5%", "1%", "3%", "10%", "30%", "100%"]
/// Each part finishes in about an hour on 2 cores: dense and the budgets other notebooks share, then the rest.
let parts = [["1%", "10%", "100%"], ["0.5%", "3%", "30%"]]

/// The claim as tested: every step up in DoF raises accuracy, and at full DoF RPG is no more
/// than the margin below dense. The fitted law and its bend are described, not tested.
let plan = StudyPlan.recipeAccuracy(
    claim: "C1", statement: "accuracy grows log-linearly with DoF",
    arms: budgets.map { StudyPlan.Arm.rpg("rpg \($0)", budget: $0) } + [.dense()], budgets: budgets,
    comparisons: zip(budgets.dropFirst(), budgets).map { larger, smaller in
        StudyPlan.Comparison("rpg \(larger)", minus: "rpg \(smaller)", .init(.greater, margin: StudyPlan.accuracyMargin), family: "C1 growth",
                             test: .welch, part: "growth")
    } + [StudyPlan.Comparison("rpg 100%", minus: "dense", .init(.notBelow, margin: StudyPlan.accuracyMargin), family: "C1 full DoF",
                              test: .welch, part: "full DoF")])

func study() throws {
    guard case let (declared, data)? = try CIFARRecipe.declaring(plan, name: name) else { return }
    var findings = Findings(title: "C1: accuracy against RPG's degrees of freedom")
    findings.paragraph("""
        Recipe: \(CIFARRecipe.summary). RPG (one global ring, permutation, signs, the per-layer
        RMS scale) generates the 18 convolutions after the stem from rings of \(budgets.joined(separator: ", "))
        of their 267,264 weights; the stem, batch norm and the classifier train as ordinary
        parameters. Dense ResNet-20 is the reference. Seeds 0, 1 and 2.
        """)
    let generator = try GeneratorSetting(RPGGenerator.descriptor)
    let cells = try parts.enumerated().map { index, part in
        CIFARRecipe.cells(SweepGrid(architectures: [CIFARRecipe.architecture], generators: [generator], includesDense: index == 0,
                                    budgets: try BudgetSpecification.list(parsing: part.joined(separator: ",")), seeds: [0, 1, 2],
                                    recipe: CIFARRecipe.configuration), on: data)
    }
    let analysis = try RunPool(data: data).study(name, parts: cells, findings: &findings)

    findings.block(analysis.accuracyTable())
    findings.block(AnalysisText.fits(analysis, measure: .bank) + "\n\n" + AnalysisText.fits(analysis, measure: .totalTrainable))

    // Where the law bends: each budget's mean against the line fitted over all of them, and a
    // line each over the small and the large half.
    let rpg = analysis.runs(of: RPGGenerator.descriptor.name) { $0.isOK && $0.degreesOfFreedom != nil && $0.testAccuracy != nil }
    if let line = Statistics.linearFit(x: rpg.map { log($0.degreesOfFreedom!) }, y: rpg.map { $0.testAccuracy! }) {
        var rows = ["budget  mean DoF   mean accuracy %   fitted %   residual (points)"]
        for budget in budgets {
            let runs = rpg.filter { $0.budget == budget }
            guard !runs.isEmpty else { continue }
            let dof = Statistics.mean(runs.map { $0.degreesOfFreedom! }), accuracy = Statistics.mean(runs.map { $0.testAccuracy! })
            let fitted = line.intercept + line.slope * Statistics.mean(runs.map { log($0.degreesOfFreedom!) })
            rows.append(String(format: "%-7@ %9.0f   %15.2f   %8.2f   %+8.2f", budget, dof, accuracy * 100, fitted * 100, (accuracy - fitted) * 100))
        }
        rows.append("")
        for (label, part) in [("0.5% to 10%", Array(budgets.prefix(4))), ("10% to 100%", Array(budgets.suffix(3)))] {
            let runs = rpg.filter { part.contains($0.budget) }
            guard let fit = Statistics.linearFit(x: runs.map { log($0.degreesOfFreedom!) }, y: runs.map { $0.testAccuracy! }), fit.points > 2 else { continue }
            let t = Statistics.tQuantile(probability: 0.975, degreesOfFreedom: Double(fit.points - 2))
            rows.append(String(format: "slope over %@: b = %.4f [%.4f, %.4f] per e-fold of DoF, R² = %.3f, %d runs", label, fit.slope,
                               fit.slope - t * fit.slopeStandardError, fit.slope + t * fit.slopeStandardError, fit.rSquared, fit.points))
        }
        findings.block(rows.joined(separator: "\n"))
    }

    // Full DoF: the same network, its weights a fixed signed permutation of a ring as large as
    // the network, against the network itself.
    let dense = analysis.runs(of: GeneratorRegistry.denseName)
    if let gap = SeedPairs(analysis.runs(of: RPGGenerator.descriptor.name, budget: "100%"), minus: dense) {
        findings.block("RPG at 100 % − dense, paired by seed: " + gap.text)
    }
    for budget in budgets {
        if let gap = SeedPairs(analysis.runs(of: RPGGenerator.descriptor.name, budget: budget), minus: dense) {
            findings.block(String(format: "RPG at %@ keeps %.1f %% of dense's accuracy (%.2f against %.2f)", budget,
                                  100 * gap.treatmentMean / gap.controlMean, gap.treatmentMean * 100, gap.controlMean * 100))
        }
    }
    let failed = analysis.table.runs.filter { !$0.isOK }
    findings.block(failed.isEmpty ? "Every run finished with status ok."
        : failed.map { "\($0.setting.generatorLabel) \($0.budget) seed \($0.seed): \($0.status) at epoch \($0.statusEpoch ?? 0): \($0.failureReason ?? "")" }
            .joined(separator: "\n"))
    findings.block(AnalysisText.skipped(analysis))
    try declared.recordVerdicts(in: &findings)
    try findings.write(into: NotebookPaths.results + "/" + name, command: command)
}

runNotebook(study)
