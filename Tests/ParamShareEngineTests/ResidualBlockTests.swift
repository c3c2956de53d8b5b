import ParamShareEngine
import Testing
import TestSupport

@Suite("Residual blocks and shortcuts")
struct ResidualBlockTests {
    @Test("option-A shortcut backward matches central differences", arguments: [(2, 2), (2, 4), (2, 5)])
    func shortcutGradients(stride: Int, outChannels: Int) {
        let layer = SubsampleShortcut<Double>(name: "shortcut", inChannels: 2, outChannels: outChannels, stride: stride)
        let report = GradientCheck().run(layer, inputShape: [2, 2, 5, 4])
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("option-A shortcut subsamples and pads channels evenly on both sides")
    func shortcutValues() {
        let input = Tensor<Float>(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let output = SubsampleShortcut<Float>(name: "s", inChannels: 2, outChannels: 4, stride: 2).forward(input, mode: .training)
        #expect(output.shape == [1, 4, 1, 1])
        #expect(output.scalars == [0, 1, 5, 0])
        let odd = SubsampleShortcut<Float>(name: "s", inChannels: 2, outChannels: 5, stride: 2).forward(input, mode: .training)
        #expect(odd.scalars == [0, 1, 5, 0, 0])
    }

    @Test("a downsampling basic block's backward matches central differences")
    func blockGradients() {
        let random = RandomSource(seed: 11)
        let body = Sequential<Double>(name: "body", [
            Conv2D(name: "conv1", inChannels: 2, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, random: random),
            BatchNorm(name: "bn1", channels: 4), ReLU(name: "relu1"),
            Conv2D(name: "conv2", inChannels: 4, outChannels: 4, kernelSize: 3, padding: 1, random: random),
            BatchNorm(name: "bn2", channels: 4),
        ])
        let block = ResidualBlock(name: "block", body: body,
                                  shortcut: SubsampleShortcut(name: "shortcut", inChannels: 2, outChannels: 4, stride: 2))
        let network = Sequential<Double>(name: "net", [block, ReLU(name: "relu")])
        let report = GradientCheck().run(network, inputShape: [3, 2, 5, 5])
        #expect(report.errors.count == 7)  // input, two conv weights, two (γ, β) pairs
        #expect(report.worst < 1e-6, "\(report)")
    }

    /// ResNet-18's downsampling block: the shortcut a 1×1 convolution at the block's stride and
    /// a batch norm (He et al.'s option B), in both layouts (channels-last `Double` runs the
    /// reference loops the oneDNN path is tested against).
    @Test("an option-B shortcut and its block's backward match central differences", arguments: [ImageLayout.channelsFirst, .channelsLast])
    func projectionShortcutGradients(layout: ImageLayout) {
        let random = RandomSource(seed: 12)
        func shortcut() -> Sequential<Double> {
            Sequential(name: "shortcut", [
                Conv2D(name: "shortcut.conv", inChannels: 2, outChannels: 4, kernelSize: 1, stride: 2, padding: 0, layout: layout,
                       random: random),
                BatchNorm(name: "shortcut.bn", channels: 4, layout: layout),
            ])
        }
        let inputShape = layout == .channelsFirst ? [3, 2, 5, 5] : [3, 5, 5, 2]
        let alone = GradientCheck().run(shortcut(), inputShape: inputShape)
        #expect(alone.errors.count == 4)  // input, the 1×1 weight, γ, β
        #expect(alone.worst < 1e-6, "\(alone)")

        let body = Sequential<Double>(name: "body", [
            Conv2D(name: "conv1", inChannels: 2, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, layout: layout, random: random),
            BatchNorm(name: "bn1", channels: 4, layout: layout), ReLU(name: "relu1"),
            Conv2D(name: "conv2", inChannels: 4, outChannels: 4, kernelSize: 3, padding: 1, layout: layout, random: random),
            BatchNorm(name: "bn2", channels: 4, layout: layout),
        ])
        let network = Sequential<Double>(name: "net", [ResidualBlock(name: "block", body: body, shortcut: shortcut()), ReLU(name: "relu")])
        let report = GradientCheck().run(network, inputShape: inputShape)
        #expect(report.errors.count == 10)  // input, three conv weights, three (γ, β) pairs
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("an identity block adds its input")
    func identityBlock() {
        let block = ResidualBlock<Float>(name: "block", body: ReLU(name: "relu"))
        let output = block.forward(Tensor(shape: [1, 3], scalars: [-1, 2, 0.5]), mode: .training)
        #expect(output.scalars == [-1, 4, 1])
    }
}
