import ParamShareEngine

/// How a bank's optimiser steps are scaled for sharing, beyond the RPG paper.
///
/// With k weights reading one bank entry, the entry's gradient sums k signed terms, so under
/// plain SGD a generated weight's update carries its own gradient plus about √(k − 1) times as
/// much from the other uses. These settings rescale the step, without changing the map or the
/// starting point, so that their effect on that noise can be measured.
public enum BankStepScaling: String, Sendable, CaseIterable {
    /// Plain steps, as in the paper.
    case none
    /// Each entry's step times 1/√k, k the weights that read it: the other uses' noise no longer grows with k.
    case sqrt
    /// Each entry's step times 1/k: an entry moves by the mean of its uses' gradients, as a tied weight would.
    case inverse
    /// Each layer's gradient into the bank times 1/m_l, m_l the mean squared norm of a row of the
    /// layer's Jacobian (s_l² for RPG and hashing), so that a weight's own gradient moves it as
    /// far as it would move its dense twin.
    case layer

    /// The bank entries' use counts when this scaling needs them (``sqrt`` and ``inverse``), or
    /// `nil` when it does not.
    ///
    /// - Throws: ``BankStepScalingError`` when the scaling needs them and `plan`, laid out by
    ///   `generator`, does not report them.
    func useCounts<Scalar>(of plan: any GeneratorPlan<Scalar>, generator: any ParameterGenerator) throws -> [Int]? {
        guard self == .sqrt || self == .inverse else { return nil }
        guard let uses = plan.entryUseCounts() else { throw BankStepScalingError(scaling: self, generator: "\(type(of: generator))") }
        return uses
    }

    /// The step scale of each entry used `uses[j]` times, for ``sqrt`` and ``inverse``; entries
    /// no weight reads keep 1.
    func entryScales(uses: [Int]) -> [Double] {
        uses.map { k in
            guard k > 0 else { return 1 }
            return self == .sqrt ? 1 / Double(k).squareRoot() : 1 / Double(k)
        }
    }

    /// 1/m_l for each layer of `plan`: m_l estimated as E‖J_lᵀz‖²/T_l over `probes` Gaussian
    /// probes z (the Hutchinson estimator of ‖J_l‖²_F), which needs only the plan's
    /// vector–Jacobian product, so plug-ins get it too.
    static func layerGradientScales<Scalar>(plan: any GeneratorPlan<Scalar>, layers: [GeneratedLayer], at bank: Tensor<Scalar>,
                                            probes: Int = 16) -> [Double] {
        let random = RandomSource(seed: 0x57E9)
        return layers.indices.map { l in
            var sum = 0.0
            for _ in 0..<probes {
                let probe = Tensor<Scalar>(shape: layers[l].shape)
                BankKernels.fillGaussian(probe.data, count: probe.count, standardDeviation: 1, random: random)
                let gradient = Tensor<Scalar>(shape: [plan.bankSize])
                plan.accumulateBankGradient(layer: l, weightGradient: probe, at: bank, into: gradient)
                sum += (0..<gradient.count).reduce(0.0) { $0 + Double(gradient[$1]) * Double(gradient[$1]) }
            }
            let meanRowSquare = sum / Double(probes) / Double(layers[l].count)
            return meanRowSquare > 0 ? 1 / meanRowSquare : 1
        }
    }
}

/// A step scaling the generator cannot support: per-entry scales need the plan's use counts.
package struct BankStepScalingError: Error, CustomStringConvertible {
    package var scaling: BankStepScaling
    package var generator: String

    package var description: String {
        "the bank step \(scaling.rawValue) needs each bank entry's use count, which the \(generator) plan does not report "
            + "(it implements no entryUseCounts()); use the step none or layer with it"
    }
}
