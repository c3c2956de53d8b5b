import ParamShareEngine

/// A layer's weight generated from a shared bank: the weight source a generator plugs into.
package final class GeneratedWeightSource<Scalar: EngineScalar>: WeightSource {
    package let bank: SharedBank<Scalar>
    package let layer: Int
    /// The weight last generated, which the decay on generated weights reads in the backward pass.
    private let buffer: Tensor<Scalar>
    /// The weight gradient plus the decay's λ·w, times the layer's scale: only for
    /// ``BankStepScaling/layer`` or a decay on generated weights (`SharedBank/generatedWeightDecay`).
    private let adjustedGradient: Tensor<Scalar>?

    init(bank: SharedBank<Scalar>, layer: Int) {
        self.bank = bank
        self.layer = layer
        buffer = Tensor(shape: bank.layers[layer].shape)
        let adjusts = bank.layerGradientScales != nil || bank.generatedWeightDecay != nil
        adjustedGradient = adjusts ? Tensor(shape: bank.layers[layer].shape) : nil
    }

    package var shape: [Int] { buffer.shape }

    /// The shared bank: models deduplicate it, so the optimiser steps it once.
    package var parameters: [Parameter<Scalar>] { [bank.bank] }

    package func weight() -> Tensor<Scalar> {
        bank.plan.generate(layer: layer, from: bank.bank.value, into: buffer)
        return buffer
    }

    /// Adds the bank gradient of the loss, plus that of λ/2·‖w‖² when the decay acts on the
    /// generated weights: the vector–Jacobian product of dL/dW + λ·w, the weight's own decay
    /// gradient taken with it through the map (and through the layer's step scale, as the
    /// loss's is, so that a scaled step decays as far as the dense twin's).
    package func accumulateGradient(_ weightGradient: Tensor<Scalar>) {
        var gradient = weightGradient
        if let adjustedGradient {
            let scale = bank.layerGradientScales?[layer] ?? 1
            adjustedGradient.zero()
            addScaled(weightGradient.data, times: scale, into: adjustedGradient.data, count: adjustedGradient.count)
            if let decay = bank.generatedWeightDecay {
                addScaled(buffer.data, times: decay * scale, into: adjustedGradient.data, count: adjustedGradient.count)
            }
            gradient = adjustedGradient
        }
        bank.plan.accumulateBankGradient(layer: layer, weightGradient: gradient, at: bank.bank.value, into: bank.bank.gradient)
    }
}
