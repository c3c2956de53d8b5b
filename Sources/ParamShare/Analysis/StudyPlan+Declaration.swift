import Foundation

extension StudyPlan {
    /// The plan as pretty-printed JSON with sorted keys: stable, so that git shows any change to it.
    package func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Declares the plan at `path` (`results/<study>/plan.json`): writes it when there is none,
    /// when no run of the study exists yet, or when it only adds exploratory seed sets to the
    /// declared plan; accepts it unchanged.
    ///
    /// Any other change once runs exist is refused: changing arms, seeds, comparisons, families,
    /// tests or margins after seeing results is how an analysis finds what it hoped for. The fix
    /// is to restore the plan, or to declare the change as new work: an exploratory seed set, or
    /// a new study in its own folder.
    package func commit(toFile path: String, runsExist: Bool) throws {
        if FileManager.default.fileExists(atPath: path) {
            let declared = try JSONDecoder().decode(StudyPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            guard declared != self else { return }
            guard !runsExist || onlyAddsExploratorySeeds(to: declared) else {
                throw FileError(
                    path: path, problem: "the study's plan differs from the one declared there, and runs of the study exist",
                    fix: "Restore the plan in the notebook to match \(path) (git diff shows what changed), or declare the change as new work: "
                        + "seeds added after looking as an exploratory seed set (which only adds to `exploratory`), other changes as a new study in its own folder.")
            }
        }
        try OutputLocation.prepareFolder(of: path)
        try json().write(to: URL(fileURLWithPath: path))
    }

    /// Whether this plan is `declared` with seed sets appended to its exploratory ones, and nothing else changed.
    package func onlyAddsExploratorySeeds(to declared: StudyPlan) -> Bool {
        var earlier = self
        earlier.exploratory = Array(exploratory.prefix(declared.exploratory.count))
        return earlier == declared
    }
}
