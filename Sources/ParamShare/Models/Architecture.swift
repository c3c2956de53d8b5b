import ParamShareEngine

/// A network family and its size, by the name a user types on the command line.
public enum Architecture: Sendable, Equatable, CustomStringConvertible {
    /// A multilayer perceptron with ReLU between its hidden layers of the given widths.
    case mlp(hiddenWidths: [Int])
    /// LeNet-5 with ReLU and max pooling, its first linear layer sized to the input.
    case lenet5
    /// He et al.'s CIFAR ResNet-(6n+2) with option-A shortcuts and stage widths 16k, 32k, 64k.
    case resnet(depth: Int, widthMultiplier: Int)

    /// The MLP of the throughput benchmarks: 3072-512-256-10 on CIFAR-shaped input.
    public static let defaultMLP = Architecture.mlp(hiddenWidths: [512, 256])

    /// Parses `mlp`, `lenet5`, or `resnetD` (D = 6n + 2, such as `resnet20`).
    public init?(name: String) {
        switch name {
        case "mlp": self = .defaultMLP
        case "lenet5": self = .lenet5
        case _ where name.hasPrefix("resnet"):
            guard let depth = Int(name.dropFirst("resnet".count)), depth >= 8, (depth - 2) % 6 == 0 else { return nil }
            self = .resnet(depth: depth, widthMultiplier: 1)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .mlp: "mlp"
        case .lenet5: "lenet5"
        case let .resnet(depth, widthMultiplier): widthMultiplier == 1 ? "resnet\(depth)" : "resnet\(depth)x\(widthMultiplier)"
        }
    }

    /// Builds the network for inputs `[channels, height, width]` and `classes` outputs, with
    /// weights drawn from `random`.
    public func build<Scalar: EngineScalar>(
        inputShape: [Int], classes: Int, random: RandomSource, as scalar: Scalar.Type = Float.self
    ) -> Sequential<Scalar> {
        precondition(inputShape.count == 3, "input shape must be [channels, height, width], got \(inputShape)")
        switch self {
        case let .mlp(hiddenWidths):
            return buildMLP(inputFeatures: inputShape.reduce(1, *), hiddenWidths: hiddenWidths, classes: classes, random: random)
        case .lenet5:
            return buildLeNet5(inputShape: inputShape, classes: classes, random: random)
        case let .resnet(depth, widthMultiplier):
            return buildCIFARResNet(inputChannels: inputShape[0], blocksPerStage: (depth - 2) / 6,
                                    widthMultiplier: widthMultiplier, classes: classes, random: random)
        }
    }
}
