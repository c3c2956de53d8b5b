import Foundation
import ParamShare

/// Where the paper regime's verdicts agree with the short recipe's and where they part, written
/// into `results/README.md` between its own markers by ``VerdictTable/regenerate(in:)``, so that
/// the prose comparing the two regimes quotes a table rather than a reading by hand.
///
/// One row per part of a claim the paper regime has judged (C3's "one layer" and "depth", C2's
/// "1%" and "10%"): the part's confirmatory verdict in each regime, with how many of its
/// comparisons support the prediction, and whether the two verdicts are the same. A claim's
/// study in each regime is the one whose plan names the same claim (`C3`), and a part is matched
/// by its name; the two regimes' parts may hold different comparisons (the short recipe's C2 has
/// a low-rank arm at 10 %, the paper regime's none), which the counts show.
package enum RegimeComparison {
    package static let begin = "<!-- regimes-compared:begin -->"
    package static let end = "<!-- regimes-compared:end -->"

    /// The table, or a sentence saying the paper regime has no verdicts yet.
    package static func markdown(resultsFolder: String) throws -> String {
        func studies(_ regime: VerdictTable.Regime) throws -> [StudyVerdicts] {
            try VerdictTable.studyFolders(resultsFolder: resultsFolder, regime: regime).map {
                try StudyVerdicts(folder: $0, resultsFolder: resultsFolder)
            }
        }
        let shortRecipe = try studies(.shortRecipe)
        var lines = [String]()
        for study in try studies(.paperRegime).sorted(by: { VerdictTable.claimOrder($0.plan.claim) < VerdictTable.claimOrder($1.plan.claim) }) {
            let earlier = try shortRecipe.first { $0.plan.claim == study.plan.claim }?.confirmatoryVerdict()
            for part in try study.confirmatoryVerdict().parts {
                let before = earlier?.parts.first { $0.name == part.name }
                let reading = before.map { $0.verdict == part.verdict ? "same verdict" : "**verdicts differ**" } ?? "not judged in the short recipe"
                lines.append("| \(study.plan.claim) | \(part.name) | \(before.map(text) ?? "—") | \(text(part)) | \(reading) |")
            }
        }
        guard !lines.isEmpty else { return "The paper regime has no verdicts yet.\n" }
        let header = """
            | claim | part | short recipe: verdict (comparisons supporting the prediction) | paper regime: verdict (comparisons supporting the prediction) | the two regimes |
            | --- | --- | --- | --- | --- |
            """
        return ([header] + lines).joined(separator: "\n") + "\n"
    }

    private static func text(_ part: ClaimVerdict.Part) -> String {
        "\(part.verdict.rawValue) (\(part.supporting) of \(part.comparisons))"
    }
}
