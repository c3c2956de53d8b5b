/// The rule that picks a recipe's length: the fewest epochs, of a list, at which a shallow
/// network reaches an accuracy and a deeper one beats it by a margin; the longest if none does.
///
/// It says which run to train next from what has finished, so that a calibration trains only
/// what the rule needs: the shallow network at each length in turn, the deep one only where the
/// shallow one has reached the accuracy.
package struct EpochCalibration: Sendable {
    /// The lengths to choose from, ascending.
    package let epochs: [Int]
    /// The shallow network's accuracy a length must reach.
    package let accuracy: Double
    /// How far the deep network must beat the shallow one at that length.
    package let margin: Double
    /// The test accuracies known so far, by length (`nil` for a run that failed).
    package var shallow: [Int: Double?] = [:]
    package var deep: [Int: Double?] = [:]

    /// Which network a run trains.
    package enum Network: Sendable, Equatable { case shallow, deep }

    package init(epochs: [Int], accuracy: Double, margin: Double) {
        precondition(!epochs.isEmpty && epochs == epochs.sorted(), "the lengths to choose from, ascending")
        self.epochs = epochs
        self.accuracy = accuracy
        self.margin = margin
    }

    /// Whether `length` fails the rule (`true`), meets it (`false`), or is not known yet (`nil`).
    package func fails(_ length: Int) -> Bool? {
        guard let shallowResult = shallow[length] else { return nil }
        guard let shallowAccuracy = shallowResult, shallowAccuracy >= accuracy else { return true }
        guard let deepResult = deep[length] else { return nil }
        guard let deepAccuracy = deepResult else { return true }
        return deepAccuracy - shallowAccuracy < margin
    }

    /// The chosen length once it is known: the first that meets the rule with every shorter one
    /// failing, or the longest when all fail.
    package var chosen: Int? {
        for length in epochs {
            guard let failed = fails(length) else { return nil }
            if !failed { return length }
        }
        return epochs.last
    }

    /// Whether some length met the rule (as against the longest chosen because none did).
    package var isMet: Bool { chosen.map { fails($0) == false } ?? false }

    /// The runs the rule needs, in order: the first now, each later one only if the lengths
    /// before it fail.
    package var needed: [(network: Network, epochs: Int)] {
        epochs.filter { fails($0) == nil }.map { (shallow[$0] == nil ? .shallow : .deep, $0) }
    }
}
