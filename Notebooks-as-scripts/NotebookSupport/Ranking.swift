import ParamShare

/// Settings ranked by mean test accuracy at one budget, with ties: a setting ties with the one
/// ranked just above it when their paired difference's 95 % interval holds zero.
///
/// A tie here is a rank the data do not separate, not an equivalence: no margin is tested, and
/// the study's verdicts (``DeclaredStudy``) are what say whether two arms are equivalent.
package struct Ranking {
    /// What '=' means in ``text``, for the line above a ranking.
    package static let legend = "'=' marks an arm the paired 95 % interval does not separate from the one above (a shared rank, not a shown equivalence)"

    package struct Entry {
        package var label: String
        package var meanAccuracy: Double
        package var runs: Int
        /// The paired comparison with the entry ranked just above, if any.
        package var againstAbove: SeedPairs?
        /// Whether this entry cannot be told apart from the one above.
        package var tiesAbove: Bool
    }

    package var entries: [Entry]

    /// Ranks `groups` (a label and its finished runs each).
    package init(_ groups: [(label: String, runs: [RunTable.Run])]) {
        let ranked = groups.map { group in
            (group.label, group.runs.filter(\.isOK), Statistics.mean(group.runs.filter(\.isOK).compactMap(\.testAccuracy)))
        }.filter { !$0.1.isEmpty }.sorted { $0.2 > $1.2 }
        entries = ranked.indices.map { i in
            let pairs = i == 0 ? nil : SeedPairs(ranked[i].1, minus: ranked[i - 1].1)
            let ties = pairs.map { $0.difference.lowerBound <= 0 && $0.difference.upperBound >= 0 } ?? (i > 0)
            return Entry(label: ranked[i].0, meanAccuracy: ranked[i].2, runs: ranked[i].1.count, againstAbove: pairs, tiesAbove: ties)
        }
    }

    /// One line per entry: its rank (shared with the entry above when tied), mean and the comparison.
    package var text: String {
        var rank = 0
        return entries.enumerated().map { index, entry in
            if !entry.tiesAbove || index == 0 { rank = index + 1 }
            let versus = entry.againstAbove.map { "  vs above: " + $0.text } ?? (index == 0 ? "" : "  vs above: too few paired seeds")
            return String(format: "%2d%@ %@ %.2f %% (%d runs)", rank, entry.tiesAbove && index > 0 ? "=" : " ",
                          entry.label.padded(toWidth: 34), entry.meanAccuracy * 100, entry.runs) + versus
        }.joined(separator: "\n")
    }
}
