import ParamShareEngine

/// A way of producing the weights of several layers from one shared, trainable bank: the recipe,
/// with its options set, before it has seen any layer.
///
/// A generator is a fixed map from the bank to the weights: linear for RPG and hashing (the
/// RPG paper's `K_i = R_i · W`), affine for a random projection, bilinear for low rank.
/// ``plan(layers:budget:random:as:)`` is called once per bank with every layer the bank serves,
/// so that it can lay out its tables over all of them, and returns that layout as an immutable
/// ``GeneratorPlan``; the plan then computes weights and their vector–Jacobian products. The
/// bank itself, its gradient and its optimiser state live outside both, in a `SharedBank`.
///
/// Conform a type of your own, describe it with a ``GeneratorDescriptor`` and it trains, sweeps,
/// records and analyses like a built-in one; nothing in ParamShare needs to change. The recipe
/// is free of the scalar type and the plan is generic over it, so one generator trains in
/// `Float` and has its vector–Jacobian product checked against finite differences in `Double`.
///
/// Plans are called through generics that the compiler cannot specialise across modules, so a
/// per-weight loop written inline in a plan runs through value witnesses: measured 50× slower
/// than RPG on an MLP. Do per-weight work with ``BankKernels`` (signed gather and scatter-add,
/// axpy, seeded fills) and `EngineScalar.gemm`, which are specialised for `Float` and `Double`.
public protocol ParameterGenerator: Sendable {
    /// Lays out a bank for `layers` at the size closest to `budget` that this generator allows,
    /// drawing any tables from `random`.
    ///
    /// The returned plan's ``GeneratorPlan/bankSize`` is the degrees of freedom the bank trains.
    ///
    /// - Throws: ``BudgetError`` when no size near `budget` works (below the generator's minimum).
    func plan<Scalar: EngineScalar>(layers: [GeneratedLayer], budget: Int, random: RandomSource,
                                    as scalar: Scalar.Type) throws -> any GeneratorPlan<Scalar>
}

/// A generator laid out over its layers: everything that maps a bank to weights (tables, scales,
/// shapes), fixed once planned.
///
/// A plan holds no bank: ``generate(layer:from:into:)`` and
/// ``accumulateBankGradient(layer:weightGradient:at:into:)`` are given the bank to read, so that
/// a bilinear map (low rank) can be differentiated at the bank it is evaluated at, and one plan
/// can be checked against finite differences by perturbing a bank it does not own.
public protocol GeneratorPlan<Scalar> {
    associatedtype Scalar: EngineScalar

    /// The number of bank entries: the degrees of freedom this plan trains.
    var bankSize: Int { get }

    /// The values the map reads besides the bank that never train, such as a random projection's
    /// starting weights w0; 0 (the default) for a map of the bank alone. Recorded as `fixed_weights`.
    var fixedWeightCount: Int { get }

    /// For each bank entry, how many generated weights depend on it (k), or `nil` (the default)
    /// when the generator does not say. ``BankStepScaling/sqrt`` and
    /// ``BankStepScaling/inverse`` scale each entry's step by it, and refuse a plan without it.
    func entryUseCounts() -> [Int]?

    /// What the recipe's weight decay acts on: ``WeightDecayTarget/bank`` (the default), or the
    /// generated weights, whose decay then reaches the bank through
    /// ``accumulateBankGradient(layer:weightGradient:at:into:)``.
    var decayTarget: WeightDecayTarget { get }

    /// Sets the bank's starting values.
    func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource)

    /// Writes the weight of layer `layer` (an index into the planned layers) computed from `bank`.
    func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>)

    /// Adds the vector–Jacobian product of layer `layer`'s map at `bank` with `weightGradient`
    /// (`Rᵀ · weightGradient` for a linear map) into `bankGradient`.
    func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                into bankGradient: Tensor<Scalar>)
}

extension GeneratorPlan {
    /// None: a map of the bank alone.
    public var fixedWeightCount: Int { 0 }

    /// Not reported.
    public func entryUseCounts() -> [Int]? { nil }

    /// The bank, decayed by the optimiser like any weight.
    public var decayTarget: WeightDecayTarget { .bank }
}
