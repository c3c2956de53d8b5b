// # C2: at equal DoF, RPG beats other sharing and pruning
//
//     swift run -c release SharingAtEqualDoF [--part 1|2|3|4] [path/to/cifar-10-batches-bin]
//
// The claim (Wang et al., WACV 2023, tables 1 and 3): at the same degrees of freedom, RPG's
// ring is more accurate than other ways of sharing weights and than pruning. Here, at 1 % and
// 10 % of ResNet-20's 267,264 generated weights, every generator at the defaults that follow
// its own paper trains on one recipe, three seeds each:
//
//   - rpg: one global ring, even sampling, permutation, signs (the paper's method);
//   - rpg with its ring frozen at initialisation: the control that shows what the ring learned;
//   - hashing: HashedNets, a bucket array per layer, a hashed sign per weight;
//   - projection: Li et al.'s intrinsic dimension, w = w0 + P·θ with a Fastfood P of unit-norm columns;
//   - lowrank: each convolution U·Vᵀ with ranks that meet the budget;
//   - pruned: the dense network trained, pruned once to the budget's non-zero weights with 30 %
//     of the steps left, then fine-tuned (Han et al.);
//   - width: a dense ResNet-20 whose every width is scaled until its convolutions hold the budget.
//
// Parts 3 and 4 give seeds 3 and 4 to the arms that three seeds left tied with rpg, at 10 %
// (hashing and pruned) and at 1 % (hashing), as the study plan asks where a comparison is
// within noise. They were added after parts 1 and 2 had read their results, for that reason.
//
// The models are saved (results/recipe-runs/checkpoints/) for the compression claim, C7.
import Foundation
import NotebookSupport
import ParamShare

let name = "c2-sharing-at-equal-dof"
let command = "swift run -c release SharingAtEqualDoF"
/// One part per budget, 10 % first (C7 compresses its models); each about 1.7 hours on 2 cores.
let budgets = ["10%", "1%"]
/// Parts 3 and 4: per budget, rpg and the arms tied with it after three seeds; the seeds they get added.
let tiedArms = [(budget: "10%", arms: ["rpg", "hashing", "pruned"]), (budget: "1%", arms: ["rpg", "hashing"])]
let addedSeeds: [UInt64] = [3, 4]
/// The baselines RPG is predicted to beat at each budget (low rank cannot get down to 1 %); the
/// frozen ring is a control for what the ring learns, not a rival, so no prediction is made of it.
let rivals = [(budget: "10%", arms: ["hashing", "projection", "lowrank", "pruned", "width"]),
              (budget: "1%", arms: ["hashing", "projection", "pruned", "width"])]

/// RPG − each rival > 0, one Holm family per budget; Welch's test, as the arms are different
/// networks that share only the data order at a seed.
let plan = StudyPlan.recipeAccuracy(
    claim: "C2", statement: "at equal DoF, RPG beats other sharing and pruning",
    arms: budgets.flatMap { budget in
        [StudyPlan.Arm.rpg("rpg \(budget)", budget: budget), .rpg("rpg \(budget), ring frozen", budget: budget, bank: "frozen")]
            + rivals.first { $0.budget == budget }!.arms.map { StudyPlan.Arm.generator($0, budget: budget) }
    } + [.dense()],
    budgets: budgets,
    exploratory: [StudyPlan.SeedSet(label: "seeds 3 and 4, added after looking", seeds: [3, 4], reason: """
        parts 3 and 4, added after parts 1 and 2 had been read: seeds 3 and 4 for rpg, hashing and pruned at 10 % and for rpg \
        and hashing at 1 %, the arms three seeds left tied with rpg
        """)],
    comparisons: rivals.flatMap { budget, arms in
        arms.map { StudyPlan.Comparison("rpg \(budget)", minus: "\($0) \(budget)", .init(.greater, margin: StudyPlan.accuracyMargin),
                                        family: "C2 at \(budget)", test: .welch, part: budget) }
    })

/// A short name for each arm of the comparison.
func arm(_ run: RunTable.Run) -> String {
    run.setting.bank == .frozen ? "\(run.setting.generator), ring frozen" : run.setting.generator
}

func study() throws {
    guard case let (declared, data)? = try CIFARRecipe.declaring(plan, name: name) else { return }
    var findings = Findings(title: "C2: RPG against other sharing and pruning at equal DoF")
    findings.paragraph("""
        Recipe: \(CIFARRecipe.summary). At \(budgets.joined(separator: " and ")) of the 267,264
        weights of ResNet-20's 18 convolutions after the stem: rpg, rpg with its ring frozen,
        hashing (per layer, HashedNets), projection (Li et al.'s Fastfood, unit-norm columns),
        lowrank, pruned (one-shot magnitude pruning, fine-tuned) and width (a narrower dense
        ResNet-20); dense ResNet-20 for reference. Seeds 0, 1 and 2; rpg is the reference of the
        paired tests. Where three seeds left arms tied with rpg, seeds \(addedSeeds.map(String.init).joined(separator: " and ")) too
        (parts 3 and 4): \(tiedArms.map { "\($0.arms.joined(separator: ", ")) at \($0.budget)" }.joined(separator: "; ")).
        """)
    let parts = try budgets.enumerated().map { index, text in
        try EqualDoFArms.cells(at: BudgetSpecification(parsing: text), includesDense: index == 0, frozenControl: true, on: data)
    } + tiedArms.map { try EqualDoFArms.cells(of: $0.arms, at: BudgetSpecification(parsing: $0.budget), seeds: addedSeeds, on: data) }
    let analysis = try RunPool(data: data).study(name, parts: parts, findings: &findings)
    findings.record(analysis)

    let runs = analysis.table.runs
    let dense = runs.filter { $0.setting.generator == GeneratorRegistry.denseName }
    for budget in budgets {
        let arms = Dictionary(grouping: runs.filter { $0.budget == budget }, by: arm).map { (label: $0.key, runs: $0.value) }
        var lines = ["at \(budget): ranked by mean test accuracy; " + Ranking.legend,
                     Ranking(arms).text, ""]
        for group in arms.sorted(by: { $0.label < $1.label }) {
            if let gap = SeedPairs(group.runs, minus: dense) { lines.append("\(group.label) − dense: " + gap.text) }
        }
        findings.block(lines.joined(separator: "\n"))
    }
    try declared.recordVerdicts(in: &findings)
    try findings.write(into: NotebookPaths.results + "/" + name, command: command)
}

runNotebook(study)
