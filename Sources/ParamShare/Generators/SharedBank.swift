import ParamShareEngine

/// One bank and the generator that maps it onto a group of layers.
///
/// Created by ``SharingPlan`` for each sharing group (the whole model, a stage, a block or a
/// layer). Its ``bank`` is an ordinary trainable parameter with role `.bank`, so the optimiser,
/// weight decay and checkpoints treat it like any other weight.
public final class SharedBank<Scalar: EngineScalar> {
    public let generator: any ParameterGenerator<Scalar>
    public let layers: [GeneratedLayer]
    /// The trainable bank; its count is the group's degrees of freedom.
    public let bank: Parameter<Scalar>

    /// Plans `generator` for `layers` at about `budget` entries and initialises the bank from `random`.
    public init(name: String, generator: any ParameterGenerator<Scalar>, layers: [GeneratedLayer], budget: Int,
                random: RandomSource) throws {
        self.generator = generator
        self.layers = layers
        let size = try generator.plan(layers: layers, budget: budget, random: random)
        bank = Parameter(name: name, role: .bank, shape: [size])
        generator.initializeBank(bank.value, random: random)
    }

    /// The weight source of layer `index` of this bank's group.
    public func weightSource(forLayer index: Int) -> GeneratedWeightSource<Scalar> {
        GeneratedWeightSource(bank: self, layer: index)
    }
}

/// A layer's weight generated from a shared bank: the weight source a generator plugs into.
public final class GeneratedWeightSource<Scalar: EngineScalar>: WeightSource {
    public let bank: SharedBank<Scalar>
    public let layer: Int
    private let buffer: Tensor<Scalar>

    init(bank: SharedBank<Scalar>, layer: Int) {
        self.bank = bank
        self.layer = layer
        buffer = Tensor(shape: bank.layers[layer].shape)
    }

    public var shape: [Int] { buffer.shape }

    /// The shared bank: models deduplicate it, so the optimiser steps it once.
    public var parameters: [Parameter<Scalar>] { [bank.bank] }

    public func weight() -> Tensor<Scalar> {
        bank.generator.generate(layer: layer, from: bank.bank.value, into: buffer)
        return buffer
    }

    public func accumulateGradient(_ weightGradient: Tensor<Scalar>) {
        bank.generator.accumulateBankGradient(layer: layer, weightGradient: weightGradient, at: bank.bank.value,
                                              into: bank.bank.gradient)
    }
}
