/// Where a shared model's trainable parameters are, and how they compare with the dense model.
public struct DegreesOfFreedom: Sendable, Hashable {
    /// The bank entries the budget asked for, before each generator met it as closely as it can
    /// (low rank to a whole rank, say). For a dense model, ``generatedWeights``.
    public var requestedBudget: Int
    /// Entries of every bank. For a dense model, the weights of the layers a generator would
    /// replace, so dense sits where a 100 % budget would.
    public var bankSize: Int
    /// The bank entries some generated weight reads: the generated part's degrees of freedom.
    /// An entry no weight reads never trains, so a hashed bank whose T weights miss about
    /// e^(−T/N) of its N entries has fewer DoF than entries; for most generators the two are equal.
    public var entriesRead: Int
    /// The generated part's degrees of freedom averaged over the training steps, where they
    /// change as the model trains (a pruned model trains all its weights until it prunes, so
    /// "equal DoF" describes only its final model); `nil` where they stay ``entriesRead``.
    public var meanDuringTraining: Double?
    /// The dense weights the banks replace (T).
    public var generatedWeights: Int
    /// Values the generators read besides their banks that never train, such as the projection's
    /// starting weights w0: part of the model, not of its degrees of freedom.
    public var fixedWeights: Int
    /// Convolution and linear weights that stay ordinary parameters (by default the stem and the classifier).
    public var nonGeneratedWeights: Int
    /// Batch-norm scales and shifts.
    public var batchNorm: Int
    /// All biases.
    public var biases: Int
    /// Every trainable parameter of the dense model.
    public var denseParameters: Int

    /// Every parameter of the shared model that trains: the entries read, the ordinary weights,
    /// batch norm and biases.
    public var totalTrainable: Int { entriesRead + nonGeneratedWeights + batchNorm + biases }

    /// The accounting of `description` when the layers in `generated` draw from banks of `bankSize`
    /// entries in all, of which `entriesRead` (all, if not given) are read, for a budget of
    /// `requestedBudget` entries (`bankSize`, if not given) and with `fixedWeights` untrained values.
    public init(description: ModelDescription, generated: [WeightedLayer], bankSize: Int, entriesRead: Int? = nil,
                requestedBudget: Int? = nil, fixedWeights: Int = 0) {
        let generatedNames = Set(generated.map(\.name))
        let weighted = description.weightedLayers
        self.bankSize = bankSize
        self.entriesRead = entriesRead ?? bankSize
        self.requestedBudget = requestedBudget ?? bankSize
        self.fixedWeights = fixedWeights
        generatedWeights = generated.reduce(0) { $0 + $1.weightCount }
        nonGeneratedWeights = weighted.filter { !generatedNames.contains($0.name) }.reduce(0) { $0 + $1.weightCount }
        biases = weighted.reduce(0) { $0 + ($1.hasBias ? $1.outputs : 0) }
        batchNorm = description.parameterCounts.batchNorm
        denseParameters = description.parameterCounts.total
    }
}
