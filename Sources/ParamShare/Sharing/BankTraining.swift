/// Whether a cell's banks train, as the runs table's `bank` column spells it; a table's `none`
/// (dense and the baselines, which have no bank) reads as `nil`.
public enum BankTraining: String, Sendable, Hashable, CaseIterable {
    /// The banks train with the rest of the network.
    case trained
    /// The banks keep their initial values while batch norm, the stem and the classifier train:
    /// the control that shows what a bank learned.
    case frozen
}
