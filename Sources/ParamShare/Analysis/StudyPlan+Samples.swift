extension StudyPlan {
    /// Each arm's measure by seed, read from `document` (the plan's `table`).
    ///
    /// A row whose measure is empty (a target never reached) gives that seed no value. Two rows
    /// of one arm and seed are an error, not averaged: either the arm's `rows` do not single out
    /// one setting, or the table holds a run twice, and both need a person to look.
    package func samples(from document: CSVDocument) throws -> [String: [Int: Double]] {
        var position = [String: Int]()
        for (index, name) in document.header.enumerated() where position[name] == nil { position[name] = index }
        let named = Set(arms.flatMap(\.rows.keys) + [measure, "seed"])
        if let missing = named.sorted().first(where: { position[$0] == nil }) {
            throw FileError(path: document.source, line: 1, problem: "the plan reads column '\(missing)', which the table does not have",
                            fix: "Name the table's own columns in the plan's arms and measure.")
        }
        var samples = [String: [Int: Double]]()
        for arm in arms {
            var bySeed = [Int: Double]()
            for (fields, line) in zip(document.rows, document.lineNumbers)
            where arm.rows.allSatisfy({ fields[position[$0.key]!] == $0.value }) {
                let text = fields[position[measure]!]
                guard !text.isEmpty else { continue }
                guard let seed = Int(fields[position["seed"]!]), let value = Double(text) else {
                    throw FileError(path: document.source, line: line, problem: "arm '\(arm.label)' has a row whose seed or \(measure) is not a number",
                                    fix: "Repair or delete that row.")
                }
                guard bySeed[seed] == nil else {
                    throw FileError(path: document.source, line: line, problem: "arm '\(arm.label)' has two rows for seed \(seed)",
                                    fix: "Make the arm's rows in the plan single out one setting, or remove the repeated run from the table.")
                }
                bySeed[seed] = value
            }
            samples[arm.label] = bySeed
        }
        return samples
    }
}
