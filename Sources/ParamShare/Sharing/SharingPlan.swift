import ParamShareEngine

/// Which layers of a model are generated, how they are grouped into banks, by which generator,
/// and at what budget.
package struct SharingPlan: Sendable {
    /// The generator every bank is planned with.
    package var generator: any ParameterGenerator
    package var scope: SharingScope
    /// The layer roles whose weights are generated. By default all but the stem and the
    /// classifier, as in the RPG authors' code.
    package var generatedRoles: Set<WeightedLayer.Role>
    /// How the banks' steps are scaled for sharing; plain steps (the paper's) by default.
    package var stepScaling: BankStepScaling
    /// The recipe's weight decay λ, which a generator that decays its generated weights
    /// (``WeightDecayTarget/weights``, the projection's default) applies itself, its bank being
    /// left undecayed by the optimiser; give the λ the model will train with. Other generators'
    /// banks are decayed by the optimiser and ignore it.
    package var weightDecay: Double

    package static var defaultRoles: Set<WeightedLayer.Role> { [.body, .shortcut, .hidden] }

    package init(generator: any ParameterGenerator, scope: SharingScope = .global,
                generatedRoles: Set<WeightedLayer.Role> = defaultRoles, stepScaling: BankStepScaling = .none,
                weightDecay: Double = 0) {
        self.generator = generator
        self.scope = scope
        self.generatedRoles = generatedRoles
        self.stepScaling = stepScaling
        self.weightDecay = weightDecay
    }

    /// The weighted layers of `description` this plan generates, in forward order.
    package func generatedLayers(of description: ModelDescription) -> [WeightedLayer] {
        description.weightedLayers(withRoles: generatedRoles)
    }

    /// Builds `description` with its generated layers drawing from banks of `budget` entries in all.
    ///
    /// Each group of the scope gets a share of the budget proportional to its weight count, and
    /// its generator is planned with its own random stream of `seed`, so tables do not depend
    /// on the order groups are built in. Layers outside the plan get dense weights from `random`.
    package func build<Scalar: EngineScalar>(_ description: ModelDescription, budget: Int, seed: UInt64, random: RandomSource,
                                            as scalar: Scalar.Type = Float.self) throws -> SharedModel<Scalar> {
        let generated = generatedLayers(of: description)
        var banks: [SharedBank<Scalar>] = []
        var sources: [String: GeneratedWeightSource<Scalar>] = [:]
        for (index, group) in try groups(of: description, budget: budget).enumerated() {
            let bank = try SharedBank<Scalar>(name: "bank.\(group.key)", generator: generator,
                                      layers: group.layers.map(GeneratedLayer.init), budget: group.budget,
                                      random: Self.bankRandom(seed: seed, group: index), stepScaling: stepScaling,
                                      weightDecay: weightDecay)
            banks.append(bank)
            for (position, layer) in group.layers.enumerated() { sources[layer.name] = bank.weightSource(forLayer: position) }
        }
        let network = description.build(random: random, as: Scalar.self) { sources[$0.name] }
        let bankSize = banks.reduce(0) { $0 + $1.bank.value.count }
        let entriesRead = banks.reduce(0) { $0 + $1.entriesRead }
        let fixedWeights = banks.reduce(0) { $0 + $1.plan.fixedWeightCount }
        return SharedModel(network: network, banks: banks,
                           degreesOfFreedom: DegreesOfFreedom(description: description, generated: generated, bankSize: bankSize,
                                                              entriesRead: entriesRead, requestedBudget: budget,
                                                              fixedWeights: fixedWeights))
    }

    /// Checks that ``build(_:budget:seed:random:as:)`` can lay out `description`'s banks at
    /// `budget`, without building them or the network: it plans the generator over each bank's
    /// layers (its tables only) and checks that the step scaling can scale the plan.
    ///
    /// - Throws: what `build` would: ``BudgetError`` or ``BankStepScalingError``.
    package func checkBanks(of description: ModelDescription, budget: Int, seed: UInt64) throws {
        for (index, group) in try groups(of: description, budget: budget).enumerated() {
            let plan = try generator.plan(layers: group.layers.map(GeneratedLayer.init), budget: group.budget,
                                          random: Self.bankRandom(seed: seed, group: index), as: Float.self)
            _ = try stepScaling.useCounts(of: plan, generator: generator)
        }
    }

    /// The groups of `description`'s generated layers that get a bank each, with their shares of `budget`.
    ///
    /// - Throws: ``BudgetError`` when the model has no layer of the plan's roles.
    private func groups(of description: ModelDescription, budget: Int) throws -> [(key: String, layers: [WeightedLayer], budget: Int)] {
        let generated = generatedLayers(of: description)
        guard !generated.isEmpty else {
            throw BudgetError(budget: "\(budget)", detail: "\(description.name) has no layer with the roles "
                              + generatedRoles.map(\.rawValue).sorted().joined(separator: ", ") + " to generate")
        }
        return scope.groups(of: generated, budget: budget)
    }

    /// The random stream of group `index`'s bank: its own, so that tables do not depend on the
    /// order groups are built in.
    private static func bankRandom(seed: UInt64, group index: Int) -> RandomSource {
        RandomSource(seed: seed, stream: UInt64(1000 + index))
    }
}
