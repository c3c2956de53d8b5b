import ParamShare

/// Test accuracy after every epoch, per arm of a study: the per-epoch table joined, through
/// `cell_id`, to the settings in its runs table.
package struct EpochCurves {
    /// One arm's accuracy by seed and epoch.
    package struct Curve {
        package var label: String
        /// seed → epoch → test accuracy.
        package var accuracy: [String: [Int: Double]]

        /// The mean over seeds and its 95 % interval, by epoch, for the epochs every seed reached.
        package var means: [(epoch: Int, estimate: MeanEstimate)] {
            let perSeed = accuracy.values.map { Set($0.keys) }
            let epochs = perSeed.dropFirst().reduce(perSeed.first ?? []) { $0.intersection($1) }
            return epochs.sorted().map { epoch in (epoch, MeanEstimate(accuracy.values.compactMap { $0[epoch] })) }
        }

        /// Each seed's first epoch whose test accuracy reaches `target`, or `nil` where none does.
        package func firstEpochs(reaching target: Double) -> [String: Int?] {
            accuracy.mapValues { byEpoch in byEpoch.keys.sorted().first { byEpoch[$0]! >= target } }
        }
    }

    package var curves: [Curve]

    /// Reads the runs table at `runsPath` and its per-epoch table, and groups finished runs'
    /// epochs by `label` (runs it labels `nil` are left out).
    package init(runsAt runsPath: String, label: (RunTable.Run) -> String?) throws {
        let runs = try RunTable(contentsOfFile: runsPath), document = try CSVReader.read(contentsOfFile: runsPath)
        let epochs = try CSVReader.read(contentsOfFile: SweepRunner.epochsPath(forRunsAt: runsPath))
        func index(_ name: String, in document: CSVDocument) throws -> Int {
            guard let index = document.header.firstIndex(of: name) else { throw NotebookError("\(document.source) has no \(name) column") }
            return index
        }
        let cellColumn = try index("cell_id", in: document)
        let cellByLine = Dictionary(zip(document.lineNumbers, document.rows.map { $0[cellColumn] }), uniquingKeysWith: { $1 })
        var labelByCell = [String: (label: String, seed: String)]()
        for run in runs.runs where run.isOK {
            if let cell = cellByLine[run.line], let label = label(run) { labelByCell[cell] = (label, run.seed) }
        }
        let (cell, epoch, accuracy) = (try index("cell_id", in: epochs), try index("epoch", in: epochs), try index("test_accuracy", in: epochs))
        var grouped = [String: [String: [Int: Double]]]()
        for row in epochs.rows {
            guard let arm = labelByCell[row[cell]], let number = Int(row[epoch]), let value = Double(row[accuracy]) else { continue }
            grouped[arm.label, default: [:]][arm.seed, default: [:]][number] = value
        }
        curves = grouped.map { Curve(label: $0.key, accuracy: $0.value) }.sorted { $0.label < $1.label }
    }

    /// The curve labelled `label`, if any run had it.
    package func curve(_ label: String) -> Curve? { curves.first { $0.label == label } }
}
