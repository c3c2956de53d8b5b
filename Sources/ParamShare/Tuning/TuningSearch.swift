/// A successive-halving search over a `TuningSpace` for every cell of a grid, on validation
/// accuracy, as a pure function of the trials finished so far.
///
/// Cells that differ only in their seed form one *group*, tuned together: a configuration's
/// score is its mean over the group's seeds. Each group has its own `SuccessiveHalving`
/// schedule (a generator with a searched option has more configurations than one without) and
/// moves to its next rung once every trial of its current rung has finished. Which trials run
/// next is computed from the finished ones alone, so a search resumes from its tables after a
/// kill, and its shards agree on the next rung once their tables are merged.
package struct TuningSearch: Sendable {
    /// Cells tuned together: one per seed, equal in everything the search does not vary but the seed.
    package struct Group: Sendable {
        /// `TuningSpace/tuningKey(of:)` of the cells.
        package var key: String
        /// The cells, one per seed, at the recipe's full epochs.
        package var cells: [SweepCell]
        /// Every configuration of the space that applies to the cells, in the space's order.
        package var configurations: [[String: String]]
        package var schedule: SuccessiveHalving
    }

    /// How a finished trial ended, as its row records it.
    package struct TrialOutcome: Sendable, Hashable {
        package var isOK: Bool
        package var validationAccuracy: Double?
        package var validationLoss: Double?

        package init(isOK: Bool, validationAccuracy: Double?, validationLoss: Double?) {
            self.isOK = isOK
            self.validationAccuracy = validationAccuracy
            self.validationLoss = validationLoss
        }
    }

    /// Where a search stands: the trials of each group's current rung, and the groups it has finished.
    package struct Progress: Sendable {
        /// Every trial of the groups' current rungs, finished or not, in a fixed order (group,
        /// then configuration, then seed): what ``SweepShard`` divides.
        package var rungTrials: [SweepCell]
        /// The trials of ``rungTrials`` that have not finished.
        package var pendingTrials: [SweepCell]
        /// The finished groups' selections, in group order.
        package var selections: [TuningSelection]
    }

    package let space: TuningSpace
    package let groups: [Group]
    package let eta: Int
    package let minimumEpochs: Int

    /// A search of `space` for `cells` (every seed of every cell to tune, at the full recipe).
    ///
    /// - Throws: `TuningError` for no cell, a cell the space gives a single configuration, or a
    ///   minimum above a cell's epochs, before anything trains.
    package init(cells: [SweepCell], space: TuningSpace, eta: Int = 3, minimumEpochs: Int = 1) throws {
        guard eta >= 2 else { throw TuningError("eta must be at least 2, got \(eta)") }
        guard minimumEpochs >= 1 else { throw TuningError("the minimum epochs must be at least 1, got \(minimumEpochs)") }
        guard !cells.isEmpty else { throw TuningError("the grid has no cell to tune") }
        var order = [String](), members = [String: [SweepCell]]()
        for cell in cells {
            let key = space.tuningKey(of: cell)
            if members[key] == nil { order.append(key) }
            if !members[key, default: []].contains(where: { $0.configuration.seed == cell.configuration.seed }) {
                members[key, default: []].append(cell)
            }
        }
        groups = try order.map { key in
            let cells = members[key]!, first = cells[0]
            let configurations = space.configurations(for: first)
            guard configurations.count >= 2 else {
                let applying = space.dimensions(applyingTo: first)
                throw TuningError("the space gives \(first.label) \(applying.isEmpty ? "nothing to vary" : "only \(applying.map(\.description).joined(separator: "; "))"), "
                                  + "one configuration: add values or a setting that applies to it, such as lr=log:0.01:1:5")
            }
            guard minimumEpochs <= first.configuration.epochs else {
                throw TuningError("the minimum of \(minimumEpochs) epochs exceeds \(first.label)'s \(first.configuration.epochs)")
            }
            for configuration in configurations { _ = try space.applying(configuration, to: first) }
            return Group(key: key, cells: cells, configurations: configurations,
                         schedule: SuccessiveHalving(configurations: configurations.count, fullEpochs: first.configuration.epochs,
                                                     eta: eta, minimumEpochs: minimumEpochs))
        }
        self.space = space
        self.eta = eta
        self.minimumEpochs = minimumEpochs
    }

    /// The protocol of the search, one fact a line: the space, η and the minimum epochs.
    ///
    /// Every cell searched under one protocol is compared on an equal footing, so the protocol,
    /// not the list of cells, names the search: a search may grow by cells (a method added later)
    /// and keep its ``identifier``.
    package var protocolRecord: String {
        "space: \(space)\neta: \(eta)\nminimum epochs: \(minimumEpochs)\n"
    }

    /// One line per group: its key, seeds, epochs and data, so that a trials table never holds
    /// one cell searched under two recipes.
    package var groupRecords: [(key: String, line: String)] {
        groups.map { group in
            let cell = group.cells[0]
            return (group.key, "cell: \(group.key); seeds \(group.cells.map { String($0.configuration.seed) }.joined(separator: ",")); "
                    + "epochs \(cell.configuration.epochs); train_images \(cell.data.trainImages); validation_images \(cell.data.validationImages)")
        }
    }

    /// 16 hex digits of the FNV-1a hash of ``protocolRecord``: the value of the `tuning` column of runs at its selections.
    package var identifier: String { FNV1a.hex(of: protocolRecord) }

    /// The trial of `group`'s configuration `configuration` at rung `rung`, for the seed of `cell`.
    package func trial(of group: Group, configuration: Int, rung: Int, cell: SweepCell) throws -> SweepCell {
        var trial = try space.applying(group.configurations[configuration], to: cell)
        trial.configuration.epochs = group.schedule.rungs[rung].epochs
        return trial
    }

    /// The identifier of every trial the search could ever run, for telling its table from another search's.
    package func possibleTrialIdentifiers() throws -> Set<String> {
        var identifiers = Set<String>()
        for group in groups {
            for configuration in group.configurations.indices {
                for rung in group.schedule.rungs.indices {
                    for cell in group.cells { identifiers.insert(try trial(of: group, configuration: configuration, rung: rung, cell: cell).identifier) }
                }
            }
        }
        return identifiers
    }

    /// Where the search stands, given the outcomes of finished trials by cell identifier.
    package func progress(given outcomes: [String: TrialOutcome]) throws -> Progress {
        var rungTrials = [SweepCell](), pending = [SweepCell](), selections = [TuningSelection]()
        for group in groups {
            var survivors = Array(group.configurations.indices)
            for rung in group.schedule.rungs.indices {
                let trials = try survivors.map { configuration in
                    try group.cells.map { try trial(of: group, configuration: configuration, rung: rung, cell: $0) }
                }
                let missing = trials.joined().filter { outcomes[$0.identifier] == nil }
                if !missing.isEmpty {
                    rungTrials += trials.joined()
                    pending += missing
                    break
                }
                let scores = trials.map { Self.score(of: $0, in: outcomes) }
                let ranked = SuccessiveHalving.ranked(scores).map { survivors[$0] }
                if rung == group.schedule.rungs.count - 1 {
                    selections.append(TuningSelection(search: self, group: group, configuration: ranked[0],
                                                      score: scores[survivors.firstIndex(of: ranked[0])!]))
                } else {
                    survivors = Array(ranked.prefix(group.schedule.rungs[rung + 1].configurations))
                }
            }
        }
        return Progress(rungTrials: rungTrials, pendingTrials: pending, selections: selections)
    }

    /// A configuration's score at a rung: its mean validation accuracy and loss over its seeds,
    /// or `nil` when any seed failed or has no validation accuracy.
    static func score(of trials: [SweepCell], in outcomes: [String: TrialOutcome]) -> TrialScore? {
        var accuracy = 0.0, loss = 0.0
        for trial in trials {
            guard let outcome = outcomes[trial.identifier], outcome.isOK, let a = outcome.validationAccuracy, a.isFinite else { return nil }
            accuracy += a
            loss += outcome.validationLoss ?? .infinity
        }
        return TrialScore(validationAccuracy: accuracy / Double(trials.count), validationLoss: loss / Double(trials.count))
    }
}
