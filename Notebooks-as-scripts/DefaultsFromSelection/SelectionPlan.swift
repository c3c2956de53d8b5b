import NotebookSupport
import ParamShare

/// The declared plan of a study that trains every method at its selection (`tuned`) and at the
/// shared default (`shared`), one table holding both: the search chose on validation images, so
/// its gains are predicted, not known, on the test set.
///
/// Two Holm families per model and budget, each with Welch's test (arms at one seed share only
/// the data order, and the pairing of different settings is nominal):
///   - *tuned against default*: each method at its selection minus itself at the shared
///     default, predicted > 0 (the search was worth its cost);
///   - *RPG at the selections*: RPG minus each other method, both at their selections, predicted
///     > 0 (the paper's claim C2, on each method's own settings).
func selectionPlan(claim: String, statement: String, tuned: [SweepCell], shared: [SweepCell]) -> StudyPlan {
    func key(_ cell: SweepCell) -> String { "\(cell.architecture) \(cell.generatorName) \(cell.budgetText)" }
    func arm(_ cell: SweepCell) -> StudyPlan.Arm {
        StudyPlan.Arm(key(cell) + (cell.tuning == nil ? "" : " tuned"),
                      rows: ["model": "\(cell.architecture)", "generator": cell.generatorName, "budget": cell.budgetText,
                             "tuning": cell.tuning ?? RunsTableLayout.notApplicable])
    }
    var arms = [StudyPlan.Arm]()
    for cell in shared + tuned where !arms.contains(where: { $0.label == arm(cell).label }) { arms.append(arm(cell)) }
    var groups = [(model: String, budget: String)]()
    for cell in tuned where !groups.contains(where: { $0 == ("\(cell.architecture)", cell.budgetText) }) {
        groups.append(("\(cell.architecture)", cell.budgetText))
    }
    var comparisons = [StudyPlan.Comparison]()
    for (model, budget) in groups {
        let methods = Set(tuned.filter { "\($0.architecture)" == model && $0.budgetText == budget }.map(\.generatorName)).sorted()
        let group = "\(model) \(budget)", rpg = RPGGenerator.descriptor.name
        for method in methods {
            comparisons.append(StudyPlan.Comparison("\(model) \(method) \(budget) tuned", minus: "\(model) \(method) \(budget)",
                                                    .init(.greater, margin: StudyPlan.accuracyMargin),
                                                    family: "\(group): tuned against default", test: .welch, part: group))
        }
        guard methods.contains(rpg) else { continue }
        for method in methods where method != rpg {
            comparisons.append(StudyPlan.Comparison("\(model) \(rpg) \(budget) tuned", minus: "\(model) \(method) \(budget) tuned",
                                                    .init(.greater, margin: StudyPlan.accuracyMargin),
                                                    family: "\(group): RPG at the selections", test: .welch, part: group))
        }
    }
    return StudyPlan(claim: claim, statement: statement, table: "runs.csv", measure: "test_accuracy", unit: "points", unitScale: 100,
                     arms: arms, budgets: Array(Set(tuned.map(\.budgetText))).sorted(), seeds: [0, 1, 2], comparisons: comparisons,
                     marginReason: StudyPlan.accuracyMarginReason + " The searches' validation accuracies, and for ResNet-20 the runs at "
                        + "the shared default (the C2 notebook's), had been seen when this plan was declared; the runs at the selections had not.")
}
