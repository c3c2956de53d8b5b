// # The claims where they can be decided: full CIFAR-10, networks trained to their accuracy
//
//     swift run -c release PaperRegime [--part 1|2|3|4|5|6|7] [--smoke] [path/to/cifar-10-batches-bin]
//
// The claim notebooks share one short recipe (ResNet-20, 10,000 images, 10 epochs) under which
// dense ResNet-56 is worse than dense ResNet-20, so depth and the upper DoF range cannot be
// judged. This notebook finds, then uses, a recipe under which the networks are trained
// (`PaperRecipe`): CIFAR-10's 50,000 training images less a stratified 5,000-image validation
// split, the full test set, one-cycle SGD at batch 128, crop and flip, bf16 operands (1.4 times
// faster than fp32 on an AVX512_BF16 CPU at equal accuracy, `results/bf16-parity-avx512/`),
// every arm alike.
//
//   1. Calibration (`Calibration`), one seed each: the shortest E among 10, 15, 20 and 30
//      epochs at which dense ResNet-20 reaches 89 % test accuracy and dense ResNet-56 beats it
//      by at least a point (30 if none does), each run trained only where the rule needs it.
//   2. Tuning (`Tuning`): every arm of the three studies gets its own learning rate, chosen by
//      successive halving (η = 3) over 0.025 to 0.4 on the validation images, on a declared
//      proxy: the same images for a third of E epochs, seed 0; then, declared before that search
//      had finished, the same over 0.025 to 1.6, reusing its trials, whose selections the
//      studies use.
//   3. C3, 4. C1, 5. C2 (`StudyArms`, `StudyPart`): a first invocation of each part declares its
//      plan in results/paper-regime/<study>/plan.json and stops, so that the plan is committed
//      before any of its runs (a plan needs only the calibration and the search's identifier, so
//      it can be declared before part 2 has finished); once part 2 has, the next trains seeds 0,
//      1 and 2 of every arm at its selection and computes the verdicts by rule, into the paper
//      regime's verdict table.
//   6. C4, 7. C5 (added on 2026-12-07, before any run of C3, C1 and C2): RPG at 10 % with its
//      permutation and signs switched off (naive sharing, each switch alone, both), and with a
//      ring per stage, block and layer against the global one. Their arms other than RPG itself
//      were not in part 2's searches, so each part searches them under the widened search's
//      protocol before training as parts 3 to 5 do.
//
// Each part trains only when it is selected (no --part selects them all, in order, so that one
// invocation goes from part to part once their plans are committed), and stops where an earlier
// part has not finished; every run resumes from its last finished epoch.
import Foundation
import NotebookSupport
import ParamShare

/// Runs the `parts` selected, each as far as the parts before it have finished.
func run(parts: [Int], on data: DatasetSplit, findings: inout Findings) throws {
    guard let epochs = try Calibration.run(trains: parts.contains(1), on: data, findings: &findings) else { return }
    let tuning = try Tuning.run(trains: parts.contains(2), epochs: epochs, on: data, findings: &findings)
    for study in StudyArms.Study.allCases where parts.contains(study.part) || parts.count > 1 {
        try StudyPart.run(study, trains: parts.contains(study.part), epochs: epochs, tuning: tuning, on: data, findings: &findings)
    }
}

runNotebook {
    try FileManager.default.createDirectory(atPath: PaperRecipe.folder, withIntermediateDirectories: true)
    guard let data = try PaperRecipe.loadData() else { return }
    let parts = try NotebookArguments.parts(of: 2 + StudyArms.Study.allCases.count)
    var findings = Findings(title: "The claims in a regime where the networks are trained")
    try run(parts: parts, on: data, findings: &findings)
    try findings.write(into: PaperRecipe.folder, command: PaperRecipe.command)
}
