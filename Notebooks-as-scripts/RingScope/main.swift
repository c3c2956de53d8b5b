// # C5: a global ring is at least as good as local rings
//
//     swift run -c release RingScope [--part 1|2] [path/to/cifar-10-batches-bin]
//
// The claim (Wang et al., WACV 2023, section 4): RPG rings can be global or local, one per
// stage, block or layer, and one global ring is at least as good. Here RPG at 10 % of
// ResNet-20's generated weights trains with each scope, three seeds each (part 1). A local ring
// gets the budget's share of its layers' weights, so every scope has the same DoF in all.
//
// Part 2 gives every scope seeds 3 and 4, as the study plan asks where a comparison is within
// noise: three seeds left every local scope tied with the global ring. It was added after part
// 1's results, for that reason. The global ring's seeds 3 and 4 are C2's (part 3).
import Foundation
import NotebookSupport
import ParamShare

let name = "c5-ring-scope"
let command = "swift run -c release RingScope"
let scopes: [SharingScope] = [.global, .stage, .block, .layer]
/// Part 1's seeds, then part 2's.
let seedsByPart: [[UInt64]] = [[0, 1, 2], [3, 4]]

/// The global ring is at least as good as each local scope: global − local ≥ −margin, one Holm
/// family of three. Welch's test: a scope changes the rings themselves, not one switch of a run.
let plan = StudyPlan.recipeAccuracy(
    claim: "C5", statement: "a global ring is at least as good as local rings",
    arms: scopes.map { StudyPlan.Arm.rpg($0.rawValue, budget: "10%", scope: $0.rawValue) }, budgets: ["10%"],
    exploratory: [StudyPlan.SeedSet(label: "seeds 3 and 4, added after looking", seeds: seedsByPart[1].map { Int($0) }, reason: """
        part 2, added after part 1 had been read: three seeds left every local scope tied with the global ring
        """)],
    comparisons: scopes.dropFirst().map { local in
        StudyPlan.Comparison(SharingScope.global.rawValue, minus: local.rawValue, .init(.notBelow, margin: StudyPlan.accuracyMargin),
                             family: "C5", test: .welch, part: "10%")
    })

func study() throws {
    guard case let (declared, data)? = try CIFARRecipe.declaring(plan, name: name) else { return }
    var findings = Findings(title: "C5: one global ring against local rings")
    findings.paragraph("""
        Recipe: \(CIFARRecipe.summary). RPG at 10 % of the 267,264 generated weights, with one
        ring for the network (global), per stage, per block or per layer. Seeds 0, 1 and 2
        (part 1), 3 and 4 (part 2, added because three seeds left every scope tied); each local
        scope is paired with the global ring, seed by seed.
        """)
    let rpg = try GeneratorSetting(RPGGenerator.descriptor)
    let parts = seedsByPart.map { seeds in
        scopes.flatMap { scope in
            CIFARRecipe.cells(SweepGrid(architectures: [CIFARRecipe.architecture], generators: [rpg], includesDense: false,
                                        budgets: [.percentage(10)], scope: scope, seeds: seeds, recipe: CIFARRecipe.configuration), on: data)
        }
    }
    let analysis = try RunPool(data: data).study(name, parts: parts, findings: &findings)
    findings.record(analysis)

    let runs = analysis.runs(of: RPGGenerator.descriptor.name)
    let byScope = scopes.map { scope in (label: scope.rawValue, runs: runs.filter { $0.setting.scope == scope }) }
    var lines = ["ranked by mean test accuracy; " + Ranking.legend,
                 Ranking(byScope).text, ""]
    for local in byScope.dropFirst() {
        if let pairs = SeedPairs(local.runs, minus: byScope[0].runs) { lines.append("\(local.label) − global: " + pairs.text) }
    }
    findings.block(lines.joined(separator: "\n"))
    try declared.recordVerdicts(in: &findings)
    try findings.write(into: NotebookPaths.results + "/" + name, command: command)
}

runNotebook(study)
