import ParamShareEngine

/// A plan whose weights read bank entries scaled per layer (``BankScaling``), so that its bank
/// is drawn once, at the deviation the scaling chose: RPG's and the hashing generator's.
package protocol ScaledBankPlan: GeneratorPlan {
    /// The bank's deviation and each layer's scale.
    var scaling: BankScaling { get }
}

extension ScaledBankPlan {
    /// Fills `bank` with N(0, σ²), σ the scaling's bank deviation.
    package func initializeBank(_ bank: Tensor<Scalar>, random: RandomSource) {
        BankKernels.fillGaussian(bank.data, count: bank.count, standardDeviation: scaling.bankStandardDeviation, random: random)
    }
}
