/// Which generated layers draw from one bank.
public enum SharingScope: String, Sendable, CaseIterable {
    /// One bank for the whole model, as in the RPG paper's headline results.
    case global
    /// One bank per stage; layers outside stages (MLP, LeNet) share one more bank.
    case stage
    /// One bank per residual block; layers outside blocks each get their own.
    case block
    /// One bank per layer.
    case layer

    /// The group a layer belongs to under this scope.
    func groupKey(of layer: WeightedLayer) -> String {
        switch self {
        case .global: "global"
        case .stage: layer.stage.map { "stage\($0)" } ?? "unstaged"
        case .block: layer.stage.flatMap { stage in layer.block.map { "stage\(stage).block\($0)" } } ?? layer.name
        case .layer: layer.name
        }
    }

    /// `layers` split into this scope's groups, in order of first appearance, each with its share
    /// of `budget`: proportional to its weight count, rounded, at least 1.
    func groups(of layers: [WeightedLayer], budget: Int) -> [(key: String, layers: [WeightedLayer], budget: Int)] {
        var groups: [(key: String, layers: [WeightedLayer])] = []
        for layer in layers {
            let key = groupKey(of: layer)
            if let index = groups.firstIndex(where: { $0.key == key }) { groups[index].layers.append(layer) } else { groups.append((key, [layer])) }
        }
        let total = layers.reduce(0) { $0 + $1.weightCount }
        return groups.map { group in
            let count = group.layers.reduce(0) { $0 + $1.weightCount }
            return (group.key, group.layers, max(1, Int((Double(budget) * Double(count) / Double(total)).rounded())))
        }
    }
}
