import ParamShareEngine

/// A layer whose weight a generator produces, as the generator is told about it when planning.
public struct GeneratedLayer: Sendable, Hashable {
    /// The layer's name in the model, such as `stage2.block0.conv1`.
    public var name: String
    /// `[out, in, k, k]` for a convolution, `[out, in]` for a linear layer.
    public var shape: [Int]
    public var fans: Fans
    public var role: WeightedLayer.Role
    /// The standard deviation a dense weight of this layer is initialised with (Kaiming).
    /// Generators scale their output to it, so that a generated kernel starts with the
    /// variance its layer was designed for.
    public var initialStandardDeviation: Double

    public init(name: String, shape: [Int], fans: Fans, role: WeightedLayer.Role, initialStandardDeviation: Double) {
        self.name = name
        self.shape = shape
        self.fans = fans
        self.role = role
        self.initialStandardDeviation = initialStandardDeviation
    }

    /// The layer as described in a model.
    public init(_ layer: WeightedLayer) {
        self.init(name: layer.name, shape: layer.weightShape, fans: layer.fans, role: layer.role,
                  initialStandardDeviation: layer.initialization.standardDeviation(fans: layer.fans))
    }

    /// The number of weights generated for this layer.
    public var count: Int { shape.reduce(1, *) }
}

/// Produces the weights of several layers from one shared, trainable bank.
///
/// A generator is a fixed map from the bank to the weights: linear for RPG and hashing (the
/// RPG paper's `K_i = R_i · W`), affine for a random projection, bilinear for low rank. `plan`
/// is called once with every layer it serves, so that it can lay out its tables over all of
/// them; afterwards `generate` computes a layer's weight and `accumulateBankGradient` applies
/// the map's vector–Jacobian product, at the same bank, to that layer's weight gradient. The bank itself, its gradient and its optimiser
/// state live outside the generator, in a ``SharedBank``.
///
/// Conform a type of your own and pass it to a ``SharingPlan`` to train with it; nothing else
/// in ParamShare needs to change. Generators are generic over the scalar so that their
/// vector–Jacobian product can be checked against finite differences in Double.
public protocol ParameterGenerator<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar

    /// A short name for results tables, such as `rpg`.
    var name: String { get }

    /// Settings that change what the generator computes, for results tables: `["signs": "on"]`.
    var options: [String: String] { get }

    /// Lays out the bank for `layers` at the size closest to `budget` that this generator allows,
    /// and returns that size: the degrees of freedom it will train.
    ///
    /// - Throws: ``BudgetError`` when no size near `budget` works (below the generator's minimum).
    func plan(layers: [GeneratedLayer], budget: Int, random: RandomSource) throws -> Int

    /// Sets the bank's starting values.
    func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource)

    /// Writes the weight of layer `layer` (an index into the planned layers) computed from `bank`.
    func generate(layer: Int, from bank: Tensor<Scalar>, into weight: Tensor<Scalar>)

    /// Adds the vector–Jacobian product of layer `layer`'s map at `bank` with `weightGradient`
    /// (`Rᵀ · weightGradient` for a linear map) into `bankGradient`.
    func accumulateBankGradient(layer: Int, weightGradient: Tensor<Scalar>, at bank: Tensor<Scalar>,
                                into bankGradient: Tensor<Scalar>)
}
