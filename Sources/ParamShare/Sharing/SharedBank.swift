import ParamShareEngine

/// One bank and the planned generator that maps it onto a group of layers.
///
/// Created by `SharingPlan` for each sharing group (the whole model, a stage, a block or a
/// layer). Its ``bank`` is an ordinary trainable parameter with role `.bank`, so the optimiser,
/// weight decay and checkpoints treat it like any other weight, unless its plan's decay acts on
/// the generated weights (``WeightDecayTarget/weights``): the bank's gradient then carries that
/// decay, and the optimiser leaves the bank undecayed.
package final class SharedBank<Scalar: EngineScalar> {
    /// The generator laid out over ``layers``.
    package let plan: any GeneratorPlan<Scalar>
    package let layers: [GeneratedLayer]
    /// The trainable bank.
    package let bank: Parameter<Scalar>
    /// The entries of the bank some generated weight reads: the group's degrees of freedom.
    package let entriesRead: Int
    /// What each layer's weight gradient is multiplied by on its way into the bank (``BankStepScaling/layer``), or `nil`.
    package let layerGradientScales: [Scalar]?
    /// λ of the decay on the generated weights, whose gradient λ·w each layer adds to its weight
    /// gradient before the vector–Jacobian product; `nil` when the optimiser decays the bank instead.
    package let generatedWeightDecay: Scalar?

    /// Plans `generator` for `layers` at about `budget` entries, initialises the bank from
    /// `random` and sets up its steps' `stepScaling`.
    ///
    /// `weightDecay` is the recipe's λ, needed here only when the plan decays the generated
    /// weights (``WeightDecayTarget/weights``); the optimiser decays every other bank.
    ///
    /// - Throws: ``BudgetError`` from planning, or ``BankStepScalingError`` when the scaling
    ///   needs use counts the plan does not report.
    package init(name: String, generator: any ParameterGenerator, layers: [GeneratedLayer], budget: Int,
                random: RandomSource, stepScaling: BankStepScaling = .none, weightDecay: Double = 0) throws {
        plan = try generator.plan(layers: layers, budget: budget, random: random, as: Scalar.self)
        self.layers = layers
        bank = Parameter(name: name, role: .bank, shape: [plan.bankSize])
        let decaysWeights = plan.decayTarget == .weights
        bank.decaysInOptimizer = !decaysWeights
        generatedWeightDecay = decaysWeights && weightDecay != 0 ? Scalar(weightDecay) : nil
        plan.initializeBank(bank.value, random: random)
        entriesRead = Self.countEntriesRead(plan: plan, layers: layers, at: bank.value)
        if let uses = try stepScaling.useCounts(of: plan, generator: generator) {
            bank.stepScale = Tensor(shape: [plan.bankSize], scalars: stepScaling.entryScales(uses: uses).map { Scalar($0) })
        }
        layerGradientScales = stepScaling == .layer
            ? BankStepScaling.layerGradientScales(plan: plan, layers: layers, at: bank.value).map { Scalar($0) } : nil
    }

    /// The entries whose gradient is not zero after a vector–Jacobian product of random weight
    /// gradients through every layer: exactly the entries some weight reads, whatever the map.
    ///
    /// Gaussian probes cannot cancel to zero where an entry is read (that has probability 0), and
    /// a generator needs no method of its own for this, so plug-ins are counted like built-ins.
    private static func countEntriesRead(plan: any GeneratorPlan<Scalar>, layers: [GeneratedLayer], at bank: Tensor<Scalar>) -> Int {
        let gradient = Tensor<Scalar>(shape: [plan.bankSize])
        let probes = RandomSource(seed: 0x5EED)
        for (index, layer) in layers.enumerated() {
            let probe = Tensor<Scalar>(shape: layer.shape)
            BankKernels.fillGaussian(probe.data, count: probe.count, standardDeviation: 1, random: probes)
            plan.accumulateBankGradient(layer: index, weightGradient: probe, at: bank, into: gradient)
        }
        return (0..<gradient.count).reduce(0) { $0 + (gradient[$1] != 0 ? 1 : 0) }
    }

    /// The weight source of layer `index` of this bank's group.
    package func weightSource(forLayer index: Int) -> GeneratedWeightSource<Scalar> {
        GeneratedWeightSource(bank: self, layer: index)
    }
}
