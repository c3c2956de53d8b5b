import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Pruned and width-scaled baselines")
struct BaselineTests {
    /// The generated layers' weight tensors of a built network, by layer name.
    private static func generatedWeights(of network: Sequential<Float>, description: ModelDescription) -> [Parameter<Float>] {
        let names = Set(description.weightedLayers(withRoles: SharingPlan.defaultRoles).map { "\($0.name).weight" })
        return network.parameters.filter { names.contains($0.name) }
    }

    private static func nonZeros(_ weights: [Parameter<Float>]) -> Int {
        weights.reduce(0) { total, weight in total + (0..<weight.value.count).filter { weight.value[$0] != 0 }.count }
    }

    /// Forwards to the baseline's intervention, then records the generated weights' non-zeros.
    private final class Recorder: TrainingIntervention {
        let inner: any TrainingIntervention
        let weights: [Parameter<Float>]
        var nonZeros: [Int] = []
        var zeroPositions: [Set<Int>] = []

        init(_ inner: any TrainingIntervention, weights: [Parameter<Float>]) {
            self.inner = inner
            self.weights = weights
        }

        func stepFinished(_ step: Int, of totalSteps: Int) {
            inner.stepFinished(step, of: totalSteps)
            nonZeros.append(BaselineTests.nonZeros(weights))
            var zeros = Set<Int>(), offset = 0
            for weight in weights {
                for index in 0..<weight.value.count where weight.value[index] == 0 { zeros.insert(offset + index) }
                offset += weight.value.count
            }
            zeroPositions.append(zeros)
        }

        func savedState() -> InterventionState { inner.savedState() }
        func restore(_ state: InterventionState) throws { try inner.restore(state) }
    }

    /// Trains `pruned` LeNet-5 on digits for `epochs`, recording the generated weights after every step.
    private static func trainPruned(options: [String: String], budget: String, scope: SharingScope = .global, epochs: Int = 4)
        throws -> (recorder: Recorder, model: CellModel, description: ModelDescription, stepsPerEpoch: Int) {
        let data = try DigitsLoader.load()
        let setting = try GeneratorSetting(MagnitudePruning.descriptor, options: options)
        let cell = SweepCell(architecture: .lenet5,
                             sharing: SharingSetting(generator: setting, budget: try BudgetSpecification(parsing: budget), scope: scope),
                             data: DataSubset(data),
                             configuration: TrainingConfiguration(epochs: epochs, batchSize: 64, learningRate: 0.02, seed: 3))
        let model = try CellModel(building: cell, inputShape: data.train.imageShape, classes: 10)
        let description = Architecture.lenet5.describe(inputShape: data.train.imageShape, classes: 10)
        let recorder = Recorder(try #require(model.intervention), weights: generatedWeights(of: model.network, description: description))
        // Few epochs may leave a tiny budget at chance; the masks are what is tested here.
        let result = try Trainer(configuration: cell.configuration, intervention: recorder).train(model.network, on: data)
        #expect(result.epochs.count == epochs)
        return (recorder, model, description, (data.train.count + 63) / 64)
    }

    @Test("one-shot pruning keeps exactly the budget's non-zeros, and the pruned weights stay zero through fine-tuning")
    func oneShotPruning() throws {
        let (recorder, model, description, stepsPerEpoch) = try Self.trainPruned(options: ["schedule": "oneshot", "finetune": "0.5"], budget: "5%")
        let total = description.weightedLayers(withRoles: SharingPlan.defaultRoles).reduce(0) { $0 + $1.weightCount }
        let budget = Int((0.05 * Double(total)).rounded())
        #expect(model.degreesOfFreedom.bankSize == budget)
        let pruneStep = 2 * stepsPerEpoch
        // Dense until the prune step, exactly the budget from then on.
        #expect(recorder.nonZeros[..<(pruneStep - 1)].allSatisfy { $0 == total })
        #expect(recorder.nonZeros[(pruneStep - 1)...].allSatisfy { $0 == budget })
        #expect(Set(recorder.zeroPositions[(pruneStep - 1)...]).count == 1)
        // Steps 1…pruneStep trained every weight, the rest the budget's.
        let steps = recorder.nonZeros.count
        let mean = Double(pruneStep * total + (steps - pruneStep) * budget) / Double(steps)
        #expect(recorder.inner.meanTrainedDegreesOfFreedom == mean)
    }

    @Test("gradual pruning narrows the mask step by step over the second half of the dense phase, ending at the budget")
    func gradualPruning() throws {
        // One threshold over all layers, so that the last parts' few weights are not rounded away per tensor.
        let (recorder, _, description, stepsPerEpoch) = try Self.trainPruned(options: ["schedule": "gradual", "finetune": "0.25",
                                                                                       "threshold": "global"], budget: "2%")
        let total = description.weightedLayers(withRoles: SharingPlan.defaultRoles).reduce(0) { $0 + $1.weightCount }
        let budget = Int((0.02 * Double(total)).rounded())
        let end = 3 * stepsPerEpoch
        let counts = recorder.nonZeros
        #expect(counts[..<(end / 2)].allSatisfy { $0 == total })
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(Set(counts[(end / 2)..<(end - 1)]).count > 10, "pruned in many steps")
        #expect(counts[end - 2] > budget)
        #expect(counts[(end - 1)...].allSatisfy { $0 == budget })
        // A weight once pruned is never revived.
        for (earlier, later) in zip(recorder.zeroPositions, recorder.zeroPositions.dropFirst()) {
            #expect(earlier.isSubset(of: later))
        }
        // Zhu and Gupta's cubic: halfway through, 1 − (1/2)³ = 7/8 of the pruning is done.
        let halfway = counts[end / 2 + (end - end / 2) / 2 - 1]
        let expected = Double(total) - 7.0 / 8.0 * Double(total - budget)
        #expect(abs(Double(halfway) - expected) < 0.03 * Double(total))
    }

    @Test("per-tensor thresholds keep exactly each tensor's share of the budget; one global threshold does not",
          arguments: ["oneshot", "gradual"])
    func perTensorThresholds(schedule: String) throws {
        let shares = { (threshold: String) throws -> (kept: [Int], exact: [Double], budget: Int) in
            let (recorder, model, description, _) = try Self.trainPruned(options: ["schedule": schedule, "threshold": threshold],
                                                                         budget: "5%", epochs: 2)
            let layers = description.weightedLayers(withRoles: SharingPlan.defaultRoles)
            let total = layers.reduce(0) { $0 + $1.weightCount }
            let budget = Int((0.05 * Double(total)).rounded())
            #expect(model.degreesOfFreedom.bankSize == budget && Self.nonZeros(recorder.weights) == budget)
            return (recorder.weights.map { Self.nonZeros([$0]) }, layers.map { Double(budget * $0.weightCount) / Double(total) }, budget)
        }
        let layer = try shares("layer")
        // Each tensor keeps its exact share rounded down or up, the total exactly the budget.
        for (kept, exact) in zip(layer.kept, layer.exact) {
            #expect(Double(kept) >= exact.rounded(.down) && Double(kept) <= exact.rounded(.up), "\(kept) kept of a share of \(exact)")
        }
        #expect(layer.kept.reduce(0, +) == layer.budget)
        // LeNet-5's layers start at different scales, so one threshold keeps other shares.
        let global = try shares("global")
        #expect(zip(global.kept, global.exact).contains { abs(Double($0) - $1) >= 1 }, "\(global.kept) against \(global.exact)")
    }

    @Test("the runs table records the DoF a pruned model trained with on average beside its final count")
    func meanTrainingDegreesOfFreedom() throws {
        let data = try DigitsLoader.load()
        let setting = try GeneratorSetting(MagnitudePruning.descriptor, options: ["schedule": "oneshot", "finetune": "0.5"])
        let cells = SweepGrid(architectures: [.lenet5], generators: [setting], budgets: [.percentage(10)], seeds: [2],
                              recipe: TrainingConfiguration(epochs: 2, batchSize: 64, learningRate: 0.02))
            .cells(on: DataSubset(data))
        let layout = RunsTableLayout(optionColumns: MagnitudePruning.descriptor.optionColumns)
        let column = try #require(layout.columns.firstIndex(of: "mean_training_dof"))
        let dofColumn = try #require(layout.columns.firstIndex(of: "dof"))
        let pruned = try SweepRunner.train(cells[0], on: data)
        let mean = try #require(pruned.degreesOfFreedom.meanDuringTraining)
        let generated = Double(pruned.degreesOfFreedom.generatedWeights), kept = Double(pruned.degreesOfFreedom.entriesRead)
        // Half the steps with every weight, half with the budget's: within one step of halfway.
        let steps = 2 * ((data.train.count + 63) / 64)
        #expect(abs(mean - (generated + kept) / 2) <= (generated - kept) / Double(steps), "\(mean) over \(steps) steps")
        #expect(pruned.values(in: layout)[column] == "\(mean)")
        let dense = try SweepRunner.train(cells[1], on: data)
        #expect(dense.degreesOfFreedom.meanDuringTraining == nil)
        #expect(dense.values(in: layout)[column] == dense.values(in: layout)[dofColumn])
    }

    @Test("per-layer pruning keeps each layer's share of the budget")
    func perLayerPruning() throws {
        let (recorder, model, description, _) = try Self.trainPruned(options: ["finetune": "0.5"], budget: "10%", scope: .layer,
                                                                     epochs: 2)
        let layers = description.weightedLayers(withRoles: SharingPlan.defaultRoles)
        let total = layers.reduce(0) { $0 + $1.weightCount }
        let budget = Int((0.1 * Double(total)).rounded())
        for (layer, weight) in zip(layers, recorder.weights) {
            #expect(Self.nonZeros([weight]) == Int((Double(budget) * Double(layer.weightCount) / Double(total)).rounded()))
        }
        #expect(model.degreesOfFreedom.bankSize == Self.nonZeros(recorder.weights))
    }

    @Test("the pruned network starts from the dense network of its seed")
    func prunedStartsDense() throws {
        let data = try DigitsLoader.load()
        let cells = SweepGrid(architectures: [.lenet5], generators: [try GeneratorSetting(MagnitudePruning.descriptor)],
                              budgets: [.percentage(10)], seeds: [5],
                              recipe: TrainingConfiguration(epochs: 1, batchSize: 32, learningRate: 0.01))
            .cells(on: DataSubset(data))
        let pruned = try CellModel(building: cells[0], inputShape: data.train.imageShape, classes: 10)
        let dense = try CellModel(building: cells[1], inputShape: data.train.imageShape, classes: 10)
        #expect(cells[1].sharing == nil)
        for (a, b) in zip(pruned.network.parameters, dense.network.parameters) {
            #expect(a.name == b.name)
            #expect(a.value.maxAbsoluteDifference(b.value) == 0)
        }
    }

    /// The weight count of the generated layers when every width w becomes max(1, round(α·w)),
    /// computed without the baseline's integer candidates.
    private static func count(_ description: ModelDescription, at alpha: Double) -> Int {
        let names = Set(description.weightedLayers(withRoles: SharingPlan.defaultRoles).map(\.name))
        return description.scalingWidths { max(1, Int((alpha * Double($0)).rounded())) }
            .weightedLayers.filter { names.contains($0.name) }.reduce(0) { $0 + $1.weightCount }
    }

    @Test("width scaling meets the budget within one channel", arguments: [
        (Architecture.resnet(depth: 20, widthMultiplier: 1), [3, 32, 32]), (Architecture.lenet5, [1, 8, 8]),
        (Architecture.mlp(hiddenWidths: [128, 64]), [1, 8, 8]),
    ])
    func widthWithinOneChannel(architecture: Architecture, inputShape: [Int]) throws {
        let description = architecture.describe(inputShape: inputShape, classes: 10)
        let generated = description.weightedLayers(withRoles: SharingPlan.defaultRoles)
        let total = generated.reduce(0) { $0 + $1.weightCount }
        // Every count a common width factor reaches, from a fine grid of factors.
        let reachable = Set((1...20_000).map { Self.count(description, at: Double($0) / 20_000) }).sorted()
        for share in [0.01, 0.05, 0.1, 0.3, 0.7] {
            let budget = Int(share * Double(total))
            let (narrow, count) = try WidthScaling.narrowed(description, generatedLayers: generated, budget: budget)
            let below = try #require(reachable.last { $0 <= budget }), above = try #require(reachable.first { $0 >= budget })
            #expect(count == (budget - below <= above - budget ? below : above), "\(architecture) at \(budget)")
            #expect(narrow.weightedLayers.filter { Set(generated.map(\.name)).contains($0.name) }
                .reduce(0) { $0 + $1.weightCount } == count)
            // The two reachable counts around the budget differ by one channel of one width:
            // the widths of `below` and `above` differ by one somewhere and nowhere by more.
            let widthsBelow = try WidthScaling.narrowed(description, generatedLayers: generated, budget: below).description
            let widthsAbove = try WidthScaling.narrowed(description, generatedLayers: generated, budget: above).description
            let steps = zip(widthsBelow.weightedLayers, widthsAbove.weightedLayers).map { $1.outputs - $0.outputs }
            #expect(steps.allSatisfy { $0 == 0 || $0 == 1 }, "\(architecture) at \(budget): \(steps)")
        }
    }

    @Test("a width-scaled network keeps its image channels and classes, and trains")
    func widthScaledNetworkRuns() throws {
        let data = try DigitsLoader.load()
        let setting = try GeneratorSetting(WidthScaling.descriptor)
        let cell = SweepCell(architecture: .resnet(depth: 8, widthMultiplier: 1),
                             sharing: SharingSetting(generator: setting, budget: .percentage(20)),
                             data: DataSubset(data), configuration: TrainingConfiguration(epochs: 1, batchSize: 32, learningRate: 0.05))
        let model = try CellModel(building: cell, inputShape: data.train.imageShape, classes: 10)
        let dense = Architecture.resnet(depth: 8, widthMultiplier: 1).describe(inputShape: data.train.imageShape, classes: 10)
        let generatedWeights = dense.weightedLayers(withRoles: SharingPlan.defaultRoles).reduce(0) { $0 + $1.weightCount }
        #expect(model.degreesOfFreedom.generatedWeights == generatedWeights)
        #expect(abs(model.degreesOfFreedom.bankSize - generatedWeights / 5) < generatedWeights / 20)
        #expect(model.degreesOfFreedom.denseParameters == dense.parameterCounts.total)
        #expect(model.degreesOfFreedom.totalTrainable < dense.parameterCounts.total)
        #expect(model.network.outputShape(ofRandomBatch: [2] + data.train.imageShape, mode: .evaluation) == [2, 10])
        let record = try SweepRunner.train(cell, on: data)
        #expect(record.result.status == .ok)
    }

    @Test("a budget below width 1 everywhere is refused with the smallest possible")
    func widthBelowMinimum() throws {
        let description = Architecture.lenet5.describe(inputShape: [1, 8, 8], classes: 10)
        let generated = description.weightedLayers(withRoles: SharingPlan.defaultRoles)
        #expect { try WidthScaling.narrowed(description, generatedLayers: generated, budget: 3) } throws: { error in
            "\(error)".contains("at least") && "\(error)".contains("every width 1")
        }
    }

    @Test("a scope the width baseline does not read, or a step of a frozen bank, makes no cell of its own, and a cell asked for one is refused")
    func settingsWithoutEffect() throws {
        let recipe = TrainingConfiguration(epochs: 1, batchSize: 8, learningRate: 0.1)
        let grid = SweepGrid(architectures: [.lenet5], generators: [try GeneratorSetting(RPGGenerator.descriptor), try GeneratorSetting(WidthScaling.descriptor)],
                             includesDense: false, budgets: [.percentage(10)], scope: .layer, bankTrainings: [true, false],
                             stepScalings: [.sqrt], seeds: [0], recipe: recipe)
        let cells = grid.cells(on: DataSubset(dataset: "digits", trainImages: 10, testImages: 10))
        #expect(cells.map { "\($0.generatorName) \($0.sharing!.scope.rawValue) \($0.sharing!.stepScaling.rawValue)" }
                == ["rpg layer sqrt", "rpg layer none", "width global none"])
        try grid.checkSettingsTakeEffect()
        var widthOnly = grid
        widthOnly.generators = [try GeneratorSetting(WidthScaling.descriptor)]
        #expect(throws: GridError.self) { try widthOnly.checkSettingsTakeEffect() }
        var frozenOnly = grid
        frozenOnly.bankTrainings = [false]
        #expect(throws: GridError.self) { try frozenOnly.checkSettingsTakeEffect() }
        var width = try #require(cells.last)
        width.sharing?.scope = .layer
        #expect(throws: GeneratorRegistryError.settingWithoutEffect("width", setting: "the scope 'layer'", because: "it does not read the scope")) {
            try CellModel(building: width, inputShape: [1, 8, 8], classes: 10)
        }
        var frozen = cells[1]
        frozen.sharing?.stepScaling = .sqrt
        #expect(throws: GeneratorRegistryError.settingWithoutEffect("rpg", setting: "the bank step 'sqrt'", because: "its bank is frozen and takes no steps")) {
            try CellModel(building: frozen, inputShape: [1, 8, 8], classes: 10)
        }
    }

    @Test("baselines run once per budget and seed, whatever --bank and --bank-step ask of generators")
    func baselinesInAGrid() throws {
        #expect(GeneratorRegistry.builtIn.names.contains("pruned"))
        #expect(GeneratorRegistry.builtIn.descriptor(named: "width")?.isBaseline == true)
        #expect(GeneratorRegistry.builtIn.descriptor(named: "rpg")?.isBaseline == false)
        let grid = SweepGrid(architectures: [.lenet5],
                             generators: [try GeneratorSetting(RPGGenerator.descriptor), try GeneratorSetting(MagnitudePruning.descriptor),
                                          try GeneratorSetting(WidthScaling.descriptor)],
                             includesDense: false, budgets: [.percentage(10)], bankTrainings: [true, false],
                             stepScalings: [.none, .sqrt], seeds: [0], recipe: TrainingConfiguration(epochs: 1, batchSize: 8, learningRate: 0.1))
        let cells = grid.cells(on: DataSubset(dataset: "digits", trainImages: 10, testImages: 10))
        // Trained at both steps, and frozen once: a frozen bank takes no steps to scale.
        #expect(cells.filter { $0.generatorName == "rpg" }.count == 3)
        #expect(cells.filter { $0.generatorName == "pruned" }.count == 1)
        #expect(cells.filter { $0.generatorName == "width" }.count == 1)
        let pruned = try #require(cells.first { $0.generatorName == "pruned" })
        #expect(pruned.sharing != nil && pruned.sharing?.bankTraining == nil)
        #expect(throws: GeneratorRegistryError.notABaseline("rpg")) { try GeneratorSetting(RPGGenerator.descriptor).makeBaseline() }
        #expect(throws: GeneratorRegistryError.notAGenerator("pruned")) { try GeneratorSetting(MagnitudePruning.descriptor).makeGenerator() }
        var frozen = pruned
        frozen.sharing?.trainsBank = false
        #expect(throws: GeneratorRegistryError.baselineWithoutBank("pruned", asked: "a frozen bank")) {
            try CellModel(building: frozen, inputShape: [1, 8, 8], classes: 10)
        }
        var scaled = pruned
        scaled.sharing?.stepScaling = .sqrt
        #expect(throws: GeneratorRegistryError.baselineWithoutBank("pruned", asked: "the bank step 'sqrt'")) {
            try CellModel(building: scaled, inputShape: [1, 8, 8], classes: 10)
        }
        var oneShot = pruned
        oneShot.sharing?.generator = try GeneratorSetting(MagnitudePruning.descriptor, options: ["schedule": "oneshot"])
        #expect(oneShot.identifier != pruned.identifier)
    }
}
