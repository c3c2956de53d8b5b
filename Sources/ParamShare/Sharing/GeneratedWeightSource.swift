import ParamShareEngine

/// A layer's weight generated from a shared bank: the weight source a generator plugs into.
public final class GeneratedWeightSource<Scalar: EngineScalar>: WeightSource {
    public let bank: SharedBank<Scalar>
    public let layer: Int
    private let buffer: Tensor<Scalar>
    /// The weight gradient times the layer's scale, for ``BankStepScaling/layer`` only.
    private let scaledGradient: Tensor<Scalar>?

    init(bank: SharedBank<Scalar>, layer: Int) {
        self.bank = bank
        self.layer = layer
        buffer = Tensor(shape: bank.layers[layer].shape)
        scaledGradient = bank.layerGradientScales == nil ? nil : Tensor(shape: bank.layers[layer].shape)
    }

    public var shape: [Int] { buffer.shape }

    /// The shared bank: models deduplicate it, so the optimiser steps it once.
    public var parameters: [Parameter<Scalar>] { [bank.bank] }

    public func weight() -> Tensor<Scalar> {
        bank.plan.generate(layer: layer, from: bank.bank.value, into: buffer)
        return buffer
    }

    public func accumulateGradient(_ weightGradient: Tensor<Scalar>) {
        var gradient = weightGradient
        if let scaledGradient, let scale = bank.layerGradientScales?[layer] {
            scaledGradient.zero()
            addScaled(weightGradient.data, times: scale, into: scaledGradient.data, count: scaledGradient.count)
            gradient = scaledGradient
        }
        bank.plan.accumulateBankGradient(layer: layer, weightGradient: gradient, at: bank.bank.value, into: bank.bank.gradient)
    }
}
