import ParamShareEngine

/// A network family and its size, by the name a user types on the command line.
public enum Architecture: Sendable, Hashable, CustomStringConvertible {
    /// A multilayer perceptron with ReLU between its hidden layers of the given widths.
    case mlp(hiddenWidths: [Int])
    /// LeNet-5 with ReLU and max pooling, its first linear layer sized to the input.
    case lenet5
    /// He et al.'s CIFAR ResNet-(6n+2) with option-A shortcuts and stage widths 16k, 32k, 64k.
    case resnet(depth: Int, widthMultiplier: Int)
    /// He et al.'s ImageNet ResNet-18 or ResNet-34 as torchvision builds it: basic blocks,
    /// option-B shortcuts, stage widths 64k, 128k, 256k, 512k, and the stem of
    /// `ImageNetResNetStem` for the input size.
    case imageNetResNet(depth: Int, widthMultiplier: Int)

    /// The basic blocks per stage of each ImageNet ResNet depth (He et al., table 1).
    package static let imageNetResNetBlocks: [Int: [Int]] = [18: [2, 2, 2, 2], 34: [3, 4, 6, 3]]

    /// The MLP of the throughput benchmarks: 3072-512-256-10 on CIFAR-shaped input.
    package static let defaultMLP = Architecture.mlp(hiddenWidths: [512, 256])

    /// Parses `mlp` (hidden widths 512 and 256), `mlp-W1-W2-…` (those hidden widths), `lenet5`,
    /// `resnetD` (D = 6n + 2, such as `resnet20`; or D = 18, 34, the ImageNet ResNets) or
    /// `resnetDxK` (K times wider). No depth is both: 18 and 34 are not 6n + 2.
    public init?(name: String) {
        switch name {
        case "mlp": self = .defaultMLP
        case _ where name.hasPrefix("mlp-"):
            let widths = name.dropFirst("mlp-".count).split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
            self = .mlp(hiddenWidths: widths.compactMap { $0 })
        case "lenet5": self = .lenet5
        case _ where name.hasPrefix("resnet"):
            let parts = name.dropFirst("resnet".count).split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count <= 2, let depth = Int(parts[0]) else { return nil }
            let multiplier = parts.count == 2 ? Int(parts[1]) : 1
            guard let multiplier, multiplier >= 1 else { return nil }
            if Self.imageNetResNetBlocks[depth] != nil {
                self = .imageNetResNet(depth: depth, widthMultiplier: multiplier)
            } else {
                guard depth >= 8, (depth - 2) % 6 == 0 else { return nil }
                self = .resnet(depth: depth, widthMultiplier: multiplier)
            }
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case let .mlp(hiddenWidths): hiddenWidths == [512, 256] ? "mlp" : (["mlp"] + hiddenWidths.map(String.init)).joined(separator: "-")
        case .lenet5: "lenet5"
        case let .resnet(depth, widthMultiplier), let .imageNetResNet(depth, widthMultiplier):
            widthMultiplier == 1 ? "resnet\(depth)" : "resnet\(depth)x\(widthMultiplier)"
        }
    }

    /// The description of this architecture for inputs `[channels, height, width]` and `classes` outputs.
    public func describe(inputShape: [Int], classes: Int) -> ModelDescription {
        precondition(inputShape.count == 3, "input shape must be [channels, height, width], got \(inputShape)")
        switch self {
        case let .mlp(hiddenWidths):
            return describeMLP(inputShape: inputShape, hiddenWidths: hiddenWidths, classes: classes)
        case .lenet5:
            return describeLeNet5(inputShape: inputShape, classes: classes)
        case let .resnet(depth, widthMultiplier):
            return describeCIFARResNet(inputShape: inputShape, blocksPerStage: (depth - 2) / 6,
                                       widthMultiplier: widthMultiplier, classes: classes)
        case let .imageNetResNet(depth, widthMultiplier):
            return describeImageNetResNet(inputShape: inputShape, blocksPerStage: Self.imageNetResNetBlocks[depth]!,
                                          widthMultiplier: widthMultiplier, classes: classes)
        }
    }

    /// Builds the network with dense weights drawn from `random`.
    public func build<Scalar: EngineScalar>(
        inputShape: [Int], classes: Int, random: RandomSource, as scalar: Scalar.Type = Float.self
    ) -> Sequential<Scalar> {
        describe(inputShape: inputShape, classes: classes).build(random: random, as: scalar)
    }
}
