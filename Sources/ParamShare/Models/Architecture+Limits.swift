import Foundation

extension Architecture {
    /// The widest MLP layer and the widest ResNet multiplier accepted: far beyond any model that
    /// trains on one machine, and far below where a weight count would overflow.
    static let largestWidth = 1 << 20, largestWidthMultiplier = 64, largestDepth = 2_000

    /// Why this architecture is too large to describe at all, or `nil`.
    var sizeProblem: String? {
        switch self {
        case let .mlp(hiddenWidths):
            if hiddenWidths.count > 64 { return "an MLP may have at most 64 hidden layers" }
            if let wide = hiddenWidths.first(where: { $0 > Self.largestWidth }) {
                return "a hidden width of \(wide) is above the largest accepted, \(Self.largestWidth)"
            }
        case .lenet5:
            break
        case let .imageNetResNet(_, widthMultiplier):
            if widthMultiplier > Self.largestWidthMultiplier {
                return "a width multiplier of \(widthMultiplier) is above the largest accepted, \(Self.largestWidthMultiplier)"
            }
        case let .resnet(depth, widthMultiplier):
            if depth > Self.largestDepth { return "a depth of \(depth) is above the largest accepted, \(Self.largestDepth)" }
            if widthMultiplier > Self.largestWidthMultiplier {
                return "a width multiplier of \(widthMultiplier) is above the largest accepted, \(Self.largestWidthMultiplier)"
            }
        }
        return nil
    }

    /// The smallest image side the architecture takes: one whose every halving leaves at least
    /// one pixel of the image, and never less than 2×2, for a 1×1 image is one colour per
    /// channel, from which a network learns nothing, and its runs would then collapse as if the
    /// rate were wrong. LeNet-5's two 5×5 convolutions and pools leave nothing of an image under
    /// 4×4, even with their padding; the CIFAR ResNets halve twice (4), ResNet-18 and -34 with
    /// the CIFAR stem three times (8; above 32 they take the ImageNet stem, which fits).
    package var smallestImageSide: Int {
        switch self {
        case .mlp: 2
        case .lenet5, .resnet: 4
        case .imageNetResNet: 8
        }
    }

    /// Checks that images of `inputShape` (`[channels, height, width]`) fit this architecture
    /// and that a training run at `batchSize`, with `jobs` runs at once, fits in the memory the
    /// process may use (``MemoryLimit``).
    ///
    /// - Throws: ``GridError`` naming the model, the figure and what would fit.
    package func checkFits(inputShape: [Int], classes: Int, batchSize: Int, jobs: Int) throws {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw GridError("\(self) needs images of [channels, height, width], got \(inputShape)")
        }
        let side = smallestImageSide
        guard inputShape[1] >= side, inputShape[2] >= side else {
            throw GridError("\(self) needs images of at least \(side)×\(side), but the data set's are \(inputShape[1])×\(inputShape[2]); "
                            + "smaller images leave its last layers nothing to see, so resize them")
        }
        let bytes = describe(inputShape: inputShape, classes: classes).trainingBytes(batchSize: batchSize) * Double(jobs)
        let limit = MemoryLimit.current()
        guard bytes <= 0.8 * limit.bytes else {
            throw GridError(String(format: "%@ at batch %d%@ needs about %.1f GiB of memory, more than 80%% of %@; "
                                   + "use a smaller model or batch, or fewer runs at once", "\(self)", batchSize,
                                   jobs > 1 ? " with \(jobs) runs at once" : "", bytes / Double(1 << 30), limit.source))
        }
    }
}
