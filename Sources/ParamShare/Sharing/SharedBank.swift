import ParamShareEngine

/// One bank and the planned generator that maps it onto a group of layers.
///
/// Created by ``SharingPlan`` for each sharing group (the whole model, a stage, a block or a
/// layer). Its ``bank`` is an ordinary trainable parameter with role `.bank`, so the optimiser,
/// weight decay and checkpoints treat it like any other weight.
public final class SharedBank<Scalar: EngineScalar> {
    /// The generator laid out over ``layers``.
    public let plan: any GeneratorPlan<Scalar>
    public let layers: [GeneratedLayer]
    /// The trainable bank; its count is the group's degrees of freedom.
    public let bank: Parameter<Scalar>

    /// Plans `generator` for `layers` at about `budget` entries and initialises the bank from `random`.
    public init(name: String, generator: any ParameterGenerator, layers: [GeneratedLayer], budget: Int,
                random: RandomSource) throws {
        plan = try generator.plan(layers: layers, budget: budget, random: random, as: Scalar.self)
        self.layers = layers
        bank = Parameter(name: name, role: .bank, shape: [plan.bankSize])
        plan.initializeBank(bank.value, random: random)
    }

    /// The weight source of layer `index` of this bank's group.
    public func weightSource(forLayer index: Int) -> GeneratedWeightSource<Scalar> {
        GeneratedWeightSource(bank: self, layer: index)
    }
}
