import Foundation
import ParamShare

/// One study's declared plan and the verdicts its notebook computed, `plan.json` and
/// `verdicts.csv` in its folder, as the generated tables of `results/README.md` read them.
struct StudyVerdicts {
    /// The study's folder, relative to the results folder (`c3-one-layer-dof`, `paper-regime/c3`).
    let folder: String
    let plan: StudyPlan
    private let document: CSVDocument

    init(folder: String, resultsFolder: String) throws {
        self.folder = folder
        plan = try JSONDecoder().decode(StudyPlan.self, from: Data(contentsOf: URL(fileURLWithPath: "\(resultsFolder)/\(folder)/plan.json")))
        document = try CSVReader.read(contentsOfFile: "\(resultsFolder)/\(folder)/verdicts.csv")
    }

    /// The position of the column `name` in `verdicts.csv`.
    func column(_ name: String) throws -> Int {
        guard let index = document.header.firstIndex(of: name) else { throw NotebookError("\(document.source) has no \(name) column: rerun its notebook") }
        return index
    }

    /// The rows of each seed set, by its label (`confirmatory`, `exploratory: …`).
    func rowsBySeedSet() throws -> [String: [[String]]] {
        let set = try column("seed_set")
        return Dictionary(grouping: document.rows, by: { $0[set] })
    }

    /// The declared comparison that `row` reports.
    func comparison(of row: [String]) throws -> StudyPlan.Comparison {
        let (treatment, control) = (try column("treatment"), try column("control"))
        guard let comparison = plan.comparisons.first(where: { $0.treatment == row[treatment] && $0.control == row[control] }) else {
            throw NotebookError("\(document.source) has a row its plan.json does not declare: rerun its notebook")
        }
        return comparison
    }

    /// The claim's verdict composed from `rows`, one seed set's.
    func claimVerdict(_ rows: [[String]]) throws -> ClaimVerdict {
        let (part, verdict) = (try column("part"), try column("verdict"))
        return try ClaimVerdict(rows.map { row in
            guard let word = Verdict(rawValue: row[verdict]) else {
                throw NotebookError("\(document.source) has the verdict \"\(row[verdict])\", which is none of the rule's: rerun its notebook")
            }
            return (row[part], try comparison(of: row).prediction, word)
        })
    }

    /// The claim's verdict on its confirmatory seeds.
    func confirmatoryVerdict() throws -> ClaimVerdict {
        try claimVerdict(rowsBySeedSet()["confirmatory"] ?? [])
    }
}
