import Foundation
import ParamShare

/// The verdict table at the head of `results/README.md`, generated from every study's
/// `plan.json` and `verdicts.csv`, so that no verdict word there is typed by hand.
///
/// It replaces what lies between ``begin`` and ``end`` and leaves the rest of the page, the
/// prose that explains each verdict, as it is.
package enum VerdictTable {
    /// Which regime's table: the claim notebooks' short recipe (the studies in `results/*/`) or
    /// the paper regime's (`results/paper-regime/*/`), each between markers of its own.
    package enum Regime: String, CaseIterable, Sendable {
        case shortRecipe = "verdicts"
        case paperRegime = "verdicts-paper-regime"

        /// The folder under `results/` holding the regime's studies.
        var studies: String { self == .shortRecipe ? "" : "paper-regime/" }
        package var begin: String { "<!-- \(rawValue):begin -->" }
        package var end: String { "<!-- \(rawValue):end -->" }
    }

    /// The short recipe's markers.
    package static let begin = Regime.shortRecipe.begin
    package static let end = Regime.shortRecipe.end

    /// Rewrites each regime's table, and the comparison of the two (``RegimeComparison``), in
    /// `resultsFolder/README.md` from the studies' `verdicts.csv`; leaves alone a table whose
    /// markers the README lacks (and does nothing without a README: a smoke test's scratch folder).
    package static func regenerate(in resultsFolder: String = NotebookPaths.results) throws {
        let readme = resultsFolder + "/README.md"
        guard var page = try? String(contentsOfFile: readme, encoding: .utf8) else { return }
        let tables: [(begin: String, end: String, markdown: () throws -> String)] = Regime.allCases.map { regime in
            (regime.begin, regime.end, { try markdown(resultsFolder: resultsFolder, regime: regime) })
        } + [(RegimeComparison.begin, RegimeComparison.end, { try RegimeComparison.markdown(resultsFolder: resultsFolder) })]
        var replaced = false
        for table in tables {
            guard let start = page.range(of: table.begin), let stop = page.range(of: table.end), start.upperBound <= stop.lowerBound else { continue }
            page = page[..<start.upperBound] + "\n" + (try table.markdown()) + page[stop.lowerBound...]
            replaced = true
        }
        guard replaced else { return }
        try page.write(toFile: readme, atomically: true, encoding: .utf8)
        say("    regenerated the verdict table in \(readme)")
    }

    /// The folders, relative to `resultsFolder`, of the regime's studies that hold a plan and its
    /// verdicts: a study's own folder or one of its subfolders.
    static func studyFolders(resultsFolder: String, regime: Regime) throws -> [String] {
        let manager = FileManager.default
        func subfolders(of folder: String) throws -> [String] {
            let path = resultsFolder + "/" + folder
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [] }
            return try manager.contentsOfDirectory(atPath: path).sorted().map { folder + $0 }
        }
        // A study with one plan per part (the selection study's digits and ResNet-20) keeps each
        // in a folder of its own, one level down; the paper regime's folder is its own table's.
        let studies = try subfolders(of: regime.studies)
        let nested = regime == .shortRecipe
            ? try studies.filter { $0 + "/" != Regime.paperRegime.studies }.flatMap { try subfolders(of: $0 + "/") } : []
        return (studies + nested).filter {
            manager.fileExists(atPath: "\(resultsFolder)/\($0)/verdicts.csv") && manager.fileExists(atPath: "\(resultsFolder)/\($0)/plan.json")
        }
    }

    /// The table, one row per study folder of the regime (``studyFolders(resultsFolder:regime:)``),
    /// or a sentence saying there are none yet.
    package static func markdown(resultsFolder: String, regime: Regime = .shortRecipe) throws -> String {
        var rows = [(order: String, line: String)]()
        for folder in try studyFolders(resultsFolder: resultsFolder, regime: regime) {
            let study = try StudyVerdicts(folder: folder, resultsFolder: resultsFolder), plan = study.plan
            let (test, level, lower, upper) = (try study.column("primary_test"), try study.column("holm_level"),
                                               try study.column("holm_lower"), try study.column("holm_upper"))
            let (treatment, control, verdict, seeds) = (try study.column("treatment"), try study.column("control"),
                                                        try study.column("verdict"), try study.column("seeds"))
            let pairedDifference = try study.column("paired_difference"), welchDifference = try study.column("welch_difference")
            let bySet = try study.rowsBySeedSet()
            let confirmatory = bySet["confirmatory"] ?? []
            let numbers = try confirmatory.map { row -> String in
                let s = plan.unitScale, comparison = try study.comparison(of: row)
                let mean = (Double(row[test] == "paired" ? row[pairedDifference] : row[welchDifference]) ?? .nan) * s
                let interval = String(format: "%+.1f [%+.1f, %+.1f]", mean, (Double(row[lower]) ?? .nan) * s, (Double(row[upper]) ?? .nan) * s)
                    .replacingOccurrences(of: "-", with: "−")
                return "\(row[treatment]) − \(row[control]) \(comparison.prediction.text(scale: s, unit: plan.unit)): \(interval) \(plan.unit) "
                    + "(\(row[test] == "paired" ? "paired" : "Welch"), \(String(format: "%.4g", (Double(row[level]) ?? .nan) * 100)) %): **\(row[verdict])**"
            }
            let exploratory = try bySet.keys.filter { $0 != "confirmatory" }.sorted().map { label in
                let rows = bySet[label]!
                return try "\(label.replacingOccurrences(of: "exploratory: ", with: "")), seeds \(DeclaredStudy.seedText(rows.first.map { $0[seeds].split(separator: " ").compactMap { Int($0) } } ?? [])): "
                    + study.claimVerdict(rows).text
            }
            let line = "| \(plan.claim): \(plan.statement) | \(try study.claimVerdict(confirmatory).text) | \(numbers.joined(separator: "; ")) "
                + "| \(exploratory.isEmpty ? "none" : exploratory.joined(separator: "; ")) | `\(folder)/` |"
            rows.append((claimOrder(plan.claim), line))
        }
        // A regime with no verdicts yet says so, rather than showing a table with no rows.
        guard !rows.isEmpty else { return "No study of this regime has verdicts yet.\n" }
        let header = """
            | claim | verdict (confirmatory seeds 0–2, by the declared plan) | each confirmatory comparison, its prediction: difference [interval at its Holm level] (primary test, level): verdict | exploratory seeds, analysed apart: verdict | folder |
            | --- | --- | --- | --- | --- |
            """
        return ([header] + rows.sorted { $0.order < $1.order }.map(\.line)).joined(separator: "\n") + "\n"
    }

    /// The key that orders claims: the paper's (C…) first, then the project's own (B…).
    static func claimOrder(_ claim: String) -> String {
        (claim.hasPrefix("C") ? "0" : "1") + claim
    }
}
