import ParamShareEngine

/// A dense network made narrower until its generated layers hold the budget's weights: the
/// width-scaled baseline the RPG paper compares with at equal degrees of freedom.
///
/// Every width w of the model (each layer's outputs but the classifier's) becomes
/// max(1, round(α·w)), one α for the whole network, so the stem follows the first stage and the
/// classifier reads whatever the last layer gives, as the model family's rules have them. α is
/// the one whose weight count in the generated layers is nearest the budget; counts move one
/// channel of one width at a time as α grows, so the match is within one channel. Everything
/// is dense and trains; the row's `bank_size` is the narrow network's generated-layer weights,
/// and `total_trainable` its every parameter.
public struct WidthScaling: BudgetedBaseline {
    public init() {}

    public func build(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope,
                      random: RandomSource) throws -> BaselineNetwork {
        let (narrow, count) = try Self.narrowed(description, generatedLayers: generatedLayers, budget: budget)
        let names = Set(generatedLayers.map(\.name))
        var degreesOfFreedom = DegreesOfFreedom(description: narrow, generated: narrow.weightedLayers.filter { names.contains($0.name) },
                                                bankSize: count, requestedBudget: budget)
        // Against the model the budget is a share of, not the narrow one.
        degreesOfFreedom.generatedWeights = generatedLayers.reduce(0) { $0 + $1.weightCount }
        degreesOfFreedom.denseParameters = description.parameterCounts.total
        return BaselineNetwork(network: narrow.build(random: random, as: Float.self), degreesOfFreedom: degreesOfFreedom)
    }

    /// Checks the budget by narrowing the description alone: the network is not built.
    public func checkBudget(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int, scope: SharingScope) throws {
        _ = try Self.narrowed(description, generatedLayers: generatedLayers, budget: budget)
    }

    /// `description` narrowed so that the layers named in `generatedLayers` hold nearest `budget`
    /// weights, and that number.
    ///
    /// The candidates are the α at which some width gains a channel, α = (k − ½)/w, so each
    /// candidate's widths are computed exactly, in integers.
    ///
    /// - Throws: ``BudgetError`` when `budget` is below the count at width 1 everywhere.
    package static func narrowed(_ description: ModelDescription, generatedLayers: [WeightedLayer], budget: Int) throws
        -> (description: ModelDescription, generatedWeights: Int) {
        let names = Set(generatedLayers.map(\.name))
        let widths = Set(description.weightedLayers.filter { $0.role != .classifier }.map(\.outputs)).sorted()
        func narrowed(numerator: Int, denominator: Int) -> (ModelDescription, Int) {
            // round(w · numerator / denominator), halves up, at least 1.
            let narrow = description.scalingWidths { max(1, (2 * $0 * numerator + denominator) / (2 * denominator)) }
            return (narrow, narrow.weightedLayers.filter { names.contains($0.name) }.reduce(0) { $0 + $1.weightCount })
        }
        let smallest = narrowed(numerator: 0, denominator: 1)
        guard budget >= smallest.1 else {
            throw BudgetError(budget: "\(budget)", detail: "a width-scaled \(description.name) has at least \(smallest.1) weights "
                              + "in its generated layers (every width 1); give a budget of at least that")
        }
        var best = (description, generatedLayers.reduce(0) { $0 + $1.weightCount })
        for width in widths {
            for channels in 1...width {
                let candidate = narrowed(numerator: 2 * channels - 1, denominator: 2 * width)
                if abs(candidate.1 - budget) < abs(best.1 - budget) { best = candidate }
            }
        }
        return best
    }

    /// `width` in sweeps. It has no options: the widths follow from the budget.
    public static let descriptor = GeneratorDescriptor(
        name: "width", summary: "a dense network whose widths are scaled so that its generated layers hold the budget",
        // One width factor for all the generated layers, whichever of them would share a bank.
        usesScope: false
    ) { _ in WidthScaling() }
}
