import ParamShareEngine

extension TrainingSnapshot {
    /// Puts the snapshot's state into a freshly built run called `run`: its model's parameters
    /// and statistics, its optimiser, its intervention, and `position`.
    ///
    /// Everything is checked before anything is written, so a refused snapshot leaves the run
    /// as it was built.
    ///
    /// - Throws: ``FileError`` naming the file, the mismatch and that deleting it restarts
    ///   the run: another run's identity, a position this run cannot be at (another number of
    ///   steps per epoch, or no epoch left), a tensor missing, extra or of another shape, or an
    ///   intervention state that does not fit.
    func restore(run identifier: String, model: Sequential<Float>, optimizer: any Optimizer<Float>,
                 intervention: (any TrainingIntervention)?, stepsPerEpoch: Int, epochs: Int,
                 into position: inout TrainingPosition) throws {
        func fail(_ problem: String) -> FileError { FileError(path: path ?? "(in memory)", problem: "it " + problem, fix: Self.fix) }
        guard run == identifier else { throw fail("is a snapshot of run \(run), not of run \(identifier)") }
        guard epochsFinished < epochs, step == epochsFinished * stepsPerEpoch else {
            throw fail("was taken after epoch \(epochsFinished) at step \(step), which a run of \(epochs) epochs of \(stepsPerEpoch) steps never passes")
        }
        let live = Checkpoint.state(of: model).map { ("model.\($0.name)", $0.tensor) }
            + optimizer.stateTensors.map { ("optimizer.\($0.name)", $0.tensor) }
        let stored = Dictionary(tensors.map { ($0.name, $0.entry) }, uniquingKeysWith: { first, _ in first })
        for (name, tensor) in live {
            guard let entry = stored[name] else { throw fail("lacks tensor '\(name)' of this run") }
            guard entry.shape == tensor.shape else { throw fail("stores '\(name)' as \(entry.shape), but this run's is \(tensor.shape)") }
        }
        let interventionTensors = tensors.filter { $0.name.hasPrefix("intervention.") }
        if let stranger = Set(stored.keys).subtracting(live.map(\.0)).subtracting(interventionTensors.map(\.name)).sorted().first {
            throw fail("holds tensor '\(stranger)', which this run does not have")
        }
        if let intervention {
            let state = InterventionState(
                tensors: Dictionary(interventionTensors.map { (String($0.name.dropFirst("intervention.".count)), $0.entry) },
                                    uniquingKeysWith: { first, _ in first }),
                numbers: interventionNumbers)
            do { try intervention.restore(state) } catch { throw fail("does not fit this run's intervention: \(error)") }
        } else if !interventionTensors.isEmpty || !interventionNumbers.isEmpty {
            throw fail("holds the state of an intervention (such as pruning), which this run does not have")
        }
        for (name, tensor) in live where tensor.count > 0 {
            stored[name]!.values.withUnsafeBufferPointer { tensor.data.update(from: $0.baseAddress!, count: tensor.count) }
        }
        optimizer.stepsTaken = optimizerSteps
        position.step = step
        position.records = records
        position.detector.initialLoss = firstBatchLoss
        position.earlierSeconds = seconds
    }
}
