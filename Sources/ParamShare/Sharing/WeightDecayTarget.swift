/// What a bank's weight decay pulls toward zero: the bank's own entries, or the weights
/// generated from them.
///
/// For RPG and hashing the two are alike (a weight is a scaled bank entry), but not for an
/// affine map: decaying the bank θ of a projection w = w0 + P·θ pulls each weight toward its
/// random start w0, where Li et al.'s layers regularise the weight itself, pulling it toward 0.
public enum WeightDecayTarget: String, Sendable, CaseIterable {
    /// The generated weights: the L2 term λ/2·‖w‖² over every layer the bank serves, whose
    /// gradient, λ·Jᵀw (λ·Pᵀw for a projection), is added to the bank's gradient in the backward
    /// pass, and the optimiser leaves the bank itself undecayed. It is an L2 term under every
    /// optimiser, AdamW included, as in Li et al.'s Keras regularisers.
    case weights
    /// The bank, by the optimiser, like any weight: λ·θ under SGD, decoupled under AdamW.
    case bank
}
