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
}
