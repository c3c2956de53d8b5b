/// A claim's verdict composed from its comparisons' verdicts, part by part (`10 %`, `1 %`).
///
/// A part holds when every comparison in it supports its prediction (`Verdict/supports(_:)`),
/// does not hold when any comparison does not hold, and is undecided otherwise; a claim whose
/// parts agree gets their word, and otherwise each word with its parts (`holds at 10 %;
/// undecided at 1 %`). The rule is strict on purpose: a claim of several comparisons is only as good as
/// its weakest, and the count of supporting comparisons says how far an undecided part got.
package struct ClaimVerdict: Sendable, Equatable {
    /// One part: its name, word, and how many of its comparisons support the prediction.
    package struct Part: Sendable, Equatable {
        package var name: String
        package var verdict: Verdict
        package var supporting: Int
        package var comparisons: Int
    }

    package var parts: [Part]

    /// Composes the verdicts of `rows` (one seed set's), keeping the parts in the order they first appear.
    package init(_ rows: [(part: String, prediction: StudyPlan.Prediction, verdict: Verdict)]) {
        var names = [String]()
        for row in rows where !names.contains(row.part) { names.append(row.part) }
        parts = names.map { name in
            let members = rows.filter { $0.part == name }
            let supporting = members.filter { $0.verdict.supports($0.prediction) }.count
            let verdict: Verdict = members.contains { $0.verdict == .doesNotHold } ? .doesNotHold
                : supporting == members.count ? .holds : .undecided
            return Part(name: name, verdict: verdict, supporting: supporting, comparisons: members.count)
        }
    }

    /// `holds`, or, when the parts differ, each verdict with the parts that have it, in order:
    /// `holds at 10 % (3 of 3); undecided at 1 %, 3 % (1 of 6)`, counting the comparisons that support the prediction.
    package var text: String {
        if let first = parts.first, parts.allSatisfy({ $0.verdict == first.verdict }) {
            return first.verdict.rawValue + (parts.count > 1 ? " (" + parts.map { "\($0.name): \($0.supporting) of \($0.comparisons)" }.joined(separator: "; ") + ")" : "")
        }
        var verdicts = [Verdict]()
        for part in parts where !verdicts.contains(part.verdict) { verdicts.append(part.verdict) }
        return verdicts.map { verdict in
            let members = parts.filter { $0.verdict == verdict }
            return "\(verdict.rawValue) at \(members.map(\.name).joined(separator: ", ")) "
                + "(\(members.map(\.supporting).reduce(0, +)) of \(members.map(\.comparisons).reduce(0, +)))"
        }.joined(separator: "; ")
    }
}
