import Foundation
import ParamShare

/// A claim notebook's study, declared by its plan before any run, and analysed by it.
///
/// The notebook builds its ``StudyPlan`` first; `init` writes it to `results/<study>/plan.json`
/// or refuses to go on when it differs from the plan declared there while the study's runs
/// exist (``StudyPlan/commit(toFile:runsExist:)``). After training, ``recordVerdicts(in:)``
/// computes every verdict from the plan alone: the confirmatory seeds, then each exploratory
/// seed set apart, never mixed into the confirmatory numbers.
package struct DeclaredStudy {
    package let plan: StudyPlan
    /// `results/<study>`.
    package let folder: String

    /// Declares `plan` for the study in `results/<name>`.
    package init(_ plan: StudyPlan, name: String) throws {
        self.plan = plan
        folder = NotebookPaths.results + "/" + name
        let table = folder + "/" + plan.table
        let runsExist = try FileManager.default.fileExists(atPath: table) && !CSVReader.read(contentsOfFile: table).rows.isEmpty
        try plan.commit(toFile: folder + "/plan.json", runsExist: runsExist)
        say("    plan: \(folder)/plan.json (\(plan.comparisons.count) confirmatory comparisons, seeds \(Self.seedText(plan.seeds)))")
    }

    /// Evaluates the plan on the confirmatory seeds and on each exploratory seed set, writes
    /// `verdicts.csv`, adds the verdicts to `findings` (Welch beside paired), and regenerates the
    /// verdict table of `results/README.md`.
    package func recordVerdicts(in findings: inout Findings) throws {
        let samples = try plan.samples(from: CSVReader.read(contentsOfFile: folder + "/" + plan.table))
        var seedSets = [(label: "confirmatory", seeds: plan.seeds)]
        for set in plan.exploratory {
            // Each set adds its seeds to the confirmatory ones and to the sets before it.
            seedSets.append((label: "exploratory: " + set.label, seeds: seedSets.last!.seeds + set.seeds))
        }
        let evaluated = seedSets.map { ComparisonVerdict.evaluate(plan, samples: samples, seeds: $0.seeds, seedSet: $0.label) }
        let path = folder + "/verdicts.csv"
        try ([ComparisonVerdict.columns] + evaluated.joined().map { $0.values(plan: plan) }).map(CSVTable.line).joined()
            .write(toFile: path, atomically: true, encoding: .utf8)
        say("    wrote \(path)")
        findings.block(text(evaluated))
        try VerdictTable.regenerate()
    }

    /// The verdicts as a findings block: per seed set, each comparison's paired and Welch
    /// estimates, the primary test at the Holm level, and the claim's composed verdict.
    private func text(_ evaluated: [[ComparisonVerdict]]) -> String {
        let s = plan.unitScale, u = plan.unit
        var lines = ["\(plan.claim): \(plan.statement). Verdicts by the declared plan (plan.json): α = \(plan.alpha) per Holm family; "
                     + "differences in \(u); paired and Welch intervals are 95 % and p-values two-sided, before correction; "
                     + "the verdict rests on the primary test, at the level Holm's correction leaves it.",
                     "Margins: \(plan.marginReason)"]
        for rows in evaluated {
            guard let first = rows.first else { continue }
            lines.append("")
            lines.append("\(first.seedSet), seeds \(Self.seedText(first.seeds)): \(ClaimVerdict(rows.map { ($0.comparison.part, $0.comparison.prediction, $0.evidence.verdict) }).text)")
            for row in rows {
                let c = row.comparison, (pl, ph) = row.paired.interval(level: 0.95), (wl, wh) = row.welch.interval(level: 0.95)
                lines.append("  [\(c.family)] \(c.treatment) − \(c.control), predicted \(c.prediction.text(scale: s, unit: u)), primary \(c.test == .paired ? "paired" : "Welch"): "
                             + row.evidence.verdict.rawValue.uppercased())
                lines.append(String(format: "      means %.2f and %.2f; paired %+.2f [%+.2f, %+.2f] p = %.3g (%d pairs); Welch %+.2f [%+.2f, %+.2f] p = %.3g (df %.1f)",
                                    row.treatmentMean * s, row.controlMean * s, row.paired.mean * s, pl * s, ph * s, row.paired.twoSidedPValue,
                                    row.paired.treatmentCount, row.welch.mean * s, wl * s, wh * s, row.welch.twoSidedPValue, row.welch.degreesOfFreedom))
                lines.append(String(format: "      primary p = %.3g, Holm p = %.3g, interval at %.2f %%: [%+.2f, %+.2f]", row.primaryPValue, row.holmPValue,
                                    row.evidence.level * 100, row.evidence.lower * s, row.evidence.upper * s)
                             + (row.equivalencePValue.isNaN ? "" : String(format: "; TOST p = %.3g", row.equivalencePValue)))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `0 1 2` as `0–2`, `0 1 2 3 4` as `0–4`; others listed.
    static func seedText(_ seeds: [Int]) -> String {
        let sorted = seeds.sorted()
        if let first = sorted.first, let last = sorted.last, sorted.count > 2, sorted == Array(first...last) { return "\(first)–\(last)" }
        return sorted.map(String.init).joined(separator: ", ")
    }
}
