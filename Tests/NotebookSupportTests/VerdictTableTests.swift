import Foundation
import NotebookSupport
import ParamShare
import Testing
import TestSupport

/// The README's verdict table is generated from the studies' files, between its markers only.
@Suite("Verdict table")
struct VerdictTableTests {
    @Test("the table carries each study's computed verdicts, exploratory seeds apart, and the prose around it is kept")
    func regenerate() throws {
        try ScratchDirectory.with("verdict-table") { results in
            let plan = StudyPlan.recipeAccuracy(
                claim: "C9", statement: "a beats b", arms: [StudyPlan.Arm("a", rows: [:]), StudyPlan.Arm("b", rows: [:])], budgets: ["10%"],
                exploratory: [StudyPlan.SeedSet(label: "seeds 3 and 4", seeds: [3, 4], reason: "added after looking")],
                comparisons: [StudyPlan.Comparison("a", minus: "b", .init(.greater), family: "C9", test: .welch, part: "10%")])
            // Welch's p (SciPy's ttest_ind, equal_var=False): 0.39 on seeds 0–2, 0.024 on seeds 0–4.
            let samples = ["a": [0: 0.60, 1: 0.62, 2: 0.61, 3: 0.63, 4: 0.63], "b": [0: 0.60, 1: 0.61, 2: 0.60, 3: 0.59, 4: 0.59]]
            let rows = ComparisonVerdict.evaluate(plan, samples: samples, seeds: [0, 1, 2], seedSet: "confirmatory")
                + ComparisonVerdict.evaluate(plan, samples: samples, seeds: [0, 1, 2, 3, 4], seedSet: "exploratory: seeds 3 and 4")
            #expect(rows.map(\.evidence.verdict) == [.undecided, .holds])
            try FileManager.default.createDirectory(atPath: results + "/c9-study", withIntermediateDirectories: true)
            try plan.json().write(to: URL(fileURLWithPath: results + "/c9-study/plan.json"))
            try ([ComparisonVerdict.columns] + rows.map { $0.values(plan: plan) }).map(CSVTable.line).joined()
                .write(toFile: results + "/c9-study/verdicts.csv", atomically: true, encoding: .utf8)
            let page = "# Results\n\nBefore.\n\n\(VerdictTable.begin)\n| old | table |\n\(VerdictTable.end)\n\nAfter: the prose.\n"
            try page.write(toFile: results + "/README.md", atomically: true, encoding: .utf8)

            try VerdictTable.regenerate(in: results)
            let written = try String(contentsOfFile: results + "/README.md", encoding: .utf8)
            #expect(written.hasPrefix("# Results\n\nBefore.\n\n\(VerdictTable.begin)\n| claim |"))
            #expect(written.hasSuffix("\(VerdictTable.end)\n\nAfter: the prose.\n") && !written.contains("| old | table |"))
            let row = try #require(written.split(separator: "\n").first { $0.hasPrefix("| C9: a beats b |") })
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells[1] == "undecided")
            #expect(cells[2].hasSuffix("**undecided**") && cells[3] == "seeds 3 and 4, seeds 0–4: holds" && cells[4] == "`c9-study/`")

            // The paper regime's table says it has no verdicts while it has none; then its studies
            // fill a table of their own, under its own markers.
            let regime = VerdictTable.Regime.paperRegime
            try (page + "\n\(regime.begin)\n\(regime.end)\n").write(toFile: results + "/README.md", atomically: true, encoding: .utf8)
            try VerdictTable.regenerate(in: results)
            let none = try String(contentsOfFile: results + "/README.md", encoding: .utf8)
            #expect(none.contains("\(regime.begin)\nNo study of this regime has verdicts yet.\n\(regime.end)"))
            // A study with a plan per part keeps each in a subfolder, and each is a row of the short
            // recipe's table; the paper regime's subfolders are not.
            for folder in ["/paper-regime/c9", "/c9-parts/part-a"] {
                try FileManager.default.createDirectory(atPath: results + folder, withIntermediateDirectories: true)
                for file in ["plan.json", "verdicts.csv"] {
                    try FileManager.default.copyItem(atPath: results + "/c9-study/" + file, toPath: results + folder + "/" + file)
                }
            }
            try VerdictTable.regenerate(in: results)
            let both = try String(contentsOfFile: results + "/README.md", encoding: .utf8)
            let short = both[both.range(of: VerdictTable.begin)!.upperBound..<both.range(of: VerdictTable.end)!.lowerBound]
            let paper = both[both.range(of: regime.begin)!.upperBound..<both.range(of: regime.end)!.lowerBound]
            #expect(short.contains("`c9-study/`") && short.contains("`c9-parts/part-a/`") && !short.contains("paper-regime"))
            #expect(paper.contains("| C9: a beats b | undecided |") && paper.contains("`paper-regime/c9/`") && !paper.contains("`c9-study/`")
                    && !paper.contains("`c9-parts/"))
        }
    }

    @Test("the regimes' comparison pairs each part the paper regime judged with the short recipe's verdict of the same claim and part")
    func regimesCompared() throws {
        try ScratchDirectory.with("regimes-compared") { results in
            // A study of `claim` whose arm a beats b by about `gap` on seeds 0–2, in `folder`.
            func writeStudy(_ claim: String, gap: Double, in folder: String) throws {
                let plan = StudyPlan.recipeAccuracy(
                    claim: claim, statement: "a beats b", arms: [StudyPlan.Arm("a", rows: [:]), StudyPlan.Arm("b", rows: [:])], budgets: ["10%"],
                    comparisons: [StudyPlan.Comparison("a", minus: "b", .init(.greater), family: claim, test: .welch, part: "10%")])
                let samples = ["a": [0: 0.60 + gap, 1: 0.62 + gap, 2: 0.61 + gap], "b": [0: 0.60, 1: 0.61, 2: 0.60]]
                let rows = ComparisonVerdict.evaluate(plan, samples: samples, seeds: [0, 1, 2], seedSet: "confirmatory")
                try FileManager.default.createDirectory(atPath: results + "/" + folder, withIntermediateDirectories: true)
                try plan.json().write(to: URL(fileURLWithPath: results + "/" + folder + "/plan.json"))
                try ([ComparisonVerdict.columns] + rows.map { $0.values(plan: plan) }).map(CSVTable.line).joined()
                    .write(toFile: results + "/" + folder + "/verdicts.csv", atomically: true, encoding: .utf8)
            }
            let page = "# Results\n\n\(RegimeComparison.begin)\n\(RegimeComparison.end)\n\nAfter.\n"
            try page.write(toFile: results + "/README.md", atomically: true, encoding: .utf8)
            func table() throws -> Substring {
                try VerdictTable.regenerate(in: results)
                let written = try String(contentsOfFile: results + "/README.md", encoding: .utf8)
                #expect(written.hasSuffix("\(RegimeComparison.end)\n\nAfter.\n"))
                return written[written.range(of: RegimeComparison.begin)!.upperBound..<written.range(of: RegimeComparison.end)!.lowerBound]
            }
            try writeStudy("C9", gap: 0.003, in: "c9-study")
            #expect(try table() == "\nThe paper regime has no verdicts yet.\n")
            // C9: undecided in the short recipe, shown in the paper regime; C7: undecided in both;
            // C8: judged in the paper regime only.
            try writeStudy("C9", gap: 0.1, in: "paper-regime/c9")
            try writeStudy("C7", gap: 0.003, in: "c7-study")
            try writeStudy("C7", gap: 0.003, in: "paper-regime/c7")
            try writeStudy("C8", gap: 0.1, in: "paper-regime/c8")
            let rows = try table().split(separator: "\n").filter { $0.hasPrefix("| C") }
            #expect(rows == ["| C7 | 10% | undecided (0 of 1) | undecided (0 of 1) | same verdict |",
                             "| C8 | 10% | — | holds (1 of 1) | not judged in the short recipe |",
                             "| C9 | 10% | undecided (0 of 1) | holds (1 of 1) | **verdicts differ** |"])
        }
    }
}
