/// The schedule of a successive-halving search (Jamieson and Talwalkar 2016; the inner loop of
/// Hyperband): every configuration trains for a few epochs, the best 1/η go on to η times as
/// many, and so on until the last rung trains the survivors for the full recipe.
///
/// Each rung trains from scratch with its own epoch count, so the learning-rate schedule (which
/// depends on the run's length) is the one a run of that length would get; the cost is the sum
/// over rungs of configurations × epochs. With 9 configurations and η = 3 the rungs are 9 × E/9,
/// 3 × E/3 and 1 × E: three full runs' worth of epochs to choose among nine.
package struct SuccessiveHalving: Sendable, Hashable {
    /// One rung: how many configurations train, and for how many epochs.
    package struct Rung: Sendable, Hashable {
        package var configurations: Int
        package var epochs: Int
    }

    /// The promotion factor: a rung keeps the best ⌊n/η⌋ (at least 1) of its n configurations.
    package var eta: Int
    /// The rungs, first to last; the last trains for the full recipe's epochs.
    package var rungs: [Rung]

    /// The schedule for `configurations` configurations of a recipe of `fullEpochs` epochs,
    /// with as many rungs as halving allows while the first rung trains at least `minimumEpochs`.
    ///
    /// - Precondition: `eta` ≥ 2, `configurations` ≥ 1, `1 ≤ minimumEpochs ≤ fullEpochs`.
    package init(configurations: Int, fullEpochs: Int, eta: Int = 3, minimumEpochs: Int = 1) {
        precondition(eta >= 2 && configurations >= 1 && minimumEpochs >= 1 && minimumEpochs <= fullEpochs,
                     "successive halving needs eta ≥ 2, a configuration and 1 ≤ minimum epochs ≤ full epochs")
        self.eta = eta
        // The number of halvings s: η^s configurations must exist and E/η^s epochs must reach the minimum.
        var halvings = 0, scale = 1
        while scale * eta <= configurations, Double(fullEpochs) / Double(scale * eta) >= Double(minimumEpochs) {
            halvings += 1
            scale *= eta
        }
        var count = configurations, rungs = [Rung]()
        for rung in 0...halvings {
            var power = 1
            for _ in 0..<(halvings - rung) { power *= eta }
            let epochs = max(minimumEpochs, Int((Double(fullEpochs) / Double(power)).rounded()))
            rungs.append(Rung(configurations: count, epochs: epochs))
            count = Self.promotedCount(of: count, eta: eta)
        }
        self.rungs = rungs
    }

    /// How many of `count` configurations a rung promotes: ⌊count/η⌋, at least 1.
    package static func promotedCount(of count: Int, eta: Int) -> Int { max(1, count / eta) }

    /// Epochs trained over all rungs, per seed: Σ configurations × epochs.
    package var epochsSpent: Int { rungs.reduce(0) { $0 + $1.configurations * $1.epochs } }

    /// The search's cost as a multiple of one full run, per seed.
    package var multipleOfFullRun: Double { Double(epochsSpent) / Double(rungs.last!.epochs) }

    /// The indices of the best ⌊n/η⌋ (at least 1) of `scores`, best first: higher validation
    /// accuracy, then lower validation loss, then the earlier configuration; a failed trial
    /// (`nil`) ranks below every finished one.
    package func promoted(_ scores: [TrialScore?]) -> [Int] {
        Array(Self.ranked(scores).prefix(Self.promotedCount(of: scores.count, eta: eta)))
    }

    /// The indices of `scores`, best first, by the order ``promoted(_:)`` uses.
    package static func ranked(_ scores: [TrialScore?]) -> [Int] {
        scores.indices.sorted { a, b in
            switch (scores[a], scores[b]) {
            case let (x?, y?): x == y ? a < b : x > y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a < b
            }
        }
    }
}

/// How well one configuration did at a rung: its mean validation accuracy and loss over the seeds.
package struct TrialScore: Sendable, Hashable, Comparable {
    package var validationAccuracy: Double
    package var validationLoss: Double

    package init(validationAccuracy: Double, validationLoss: Double) {
        self.validationAccuracy = validationAccuracy
        self.validationLoss = validationLoss
    }

    /// Better is higher accuracy, then lower loss.
    package static func < (lhs: TrialScore, rhs: TrialScore) -> Bool {
        lhs.validationAccuracy != rhs.validationAccuracy ? lhs.validationAccuracy < rhs.validationAccuracy
            : lhs.validationLoss > rhs.validationLoss
    }
}
