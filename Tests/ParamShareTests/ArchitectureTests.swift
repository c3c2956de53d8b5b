import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Architectures")
struct ArchitectureTests {
    /// Counts include batch-norm γ and β and every bias; option-A shortcuts have none.
    @Test("parameter counts match the PyTorch definitions", arguments: [
        ("mlp", 1_707_274), ("lenet5", 62_006), ("resnet8", 75_290), ("resnet20", 269_722), ("resnet56", 853_018),
    ])
    func parameterCounts(name: String, expected: Int) throws {
        let architecture = try #require(Architecture(name: name))
        let model = architecture.build(inputShape: [3, 32, 32], classes: 10, random: RandomSource(seed: 0))
        #expect(model.parameters.reduce(0) { $0 + $1.value.count } == expected)
    }

    @Test("the ResNets and LeNet-5 run channels-last, behind one reorder; the MLP channels-first",
          arguments: [("resnet8", ImageLayout.channelsLast), ("resnet20x2", .channelsLast), ("lenet5", .channelsLast),
                      ("mlp", .channelsFirst)])
    func imageLayouts(name: String, expected: ImageLayout) throws {
        let architecture = try #require(Architecture(name: name))
        let description = architecture.describe(inputShape: [3, 32, 32], classes: 10)
        #expect(description.imageLayout == expected)
        let model = description.build(random: RandomSource(seed: 0), as: Float.self)
        #expect((model.layers.first is ChannelsLastInput<Float>) == (expected == .channelsLast))
        // Nothing reads the input gradient of the reorder or of the first weighted layer.
        #expect((model.layers.first as? ChannelsLastInput<Float>)?.computesInputGradient != true)
        let firstWeighted = model.layers.first { $0 is Conv2D<Float> || $0 is Linear<Float> }
        #expect((firstWeighted as? Conv2D<Float>)?.computesInputGradient ?? (firstWeighted as? Linear<Float>)?.computesInputGradient == false)
        func allLayers(_ layer: any Layer<Float>) -> [any Layer<Float>] { [layer] + layer.sublayers.flatMap(allLayers) }
        let convolutions = allLayers(model).compactMap { $0 as? Conv2D<Float> }
        #expect(convolutions.allSatisfy { $0.layout == expected })
        #expect(allLayers(model).compactMap { $0 as? MaxPool2D<Float> }.allSatisfy { $0.layout == expected })
        #expect(allLayers(model).compactMap { $0 as? Flatten<Float> }.allSatisfy { $0.layout == expected })
        // The rectifiers between two layers work in place; none is first or last in its list.
        #expect(allLayers(model).contains { ($0 as? ReLU<Float>)?.inPlace == true })
        #expect(model.outputShape(ofRandomBatch: [3, 3, 32, 32]) == [3, 10])
    }

    /// ResNet-20: the stem 16·3·9·32², six 16-channel convolutions of 16·16·9·32², 2 × (one
    /// strided and five plain convolutions) of 2,359,296 each but the strided ones' half, and 64·10.
    @Test("multiply-adds per image, from the description", arguments: [("resnet20", 40_551_040), ("mlp", 1_706_496)])
    func multiplyAdds(name: String, expected: Int) throws {
        let description = try #require(Architecture(name: name)).describe(inputShape: [3, 32, 32], classes: 10)
        #expect(description.multiplyAddsPerImage == expected)
    }

    @Test("parameter counts split by role add up, from the description alone")
    func countsByRole() throws {
        let resnet = try #require(Architecture(name: "resnet20")).describe(inputShape: [3, 32, 32], classes: 10)
        let counts = resnet.parameterCounts
        #expect(counts.stem == 432)  // 16 × 3 × 3 × 3
        #expect(counts.classifier == 650)  // 64 × 10 + 10
        #expect(counts.batchNorm == 2 * (16 + 3 * 2 * (16 + 32 + 64)))
        #expect(counts.biases == 0 && counts.linearWeights == 0)
        #expect(counts.total == 269_722)
        #expect(resnet.weightedLayers.filter { $0.role == .body }.count == 18)
        #expect(resnet.weightedLayer(named: "stage2.block0.conv1")?.weightShape == [32, 16, 3, 3])
        let lenet = try #require(Architecture(name: "lenet5")).describe(inputShape: [1, 8, 8], classes: 10).parameterCounts
        #expect(lenet.stem == 6 * 25 + 6 && lenet.classifier == 84 * 10 + 10)
        #expect(lenet.total == lenet.convolutionWeights + lenet.linearWeights + lenet.biases + lenet.stem + lenet.classifier)
    }

    @Test("MLP widths come from the name")
    func mlpWidths() throws {
        let architecture = try #require(Architecture(name: "mlp-100-50-25"))
        #expect(architecture == .mlp(hiddenWidths: [100, 50, 25]))
        let description = architecture.describe(inputShape: [1, 8, 8], classes: 10)
        #expect(description.name == "mlp-100-50-25")
        #expect(description.weightedLayers.map(\.weightShape) == [[100, 64], [50, 100], [25, 50], [10, 25]])
        #expect(Architecture(name: "mlp-") == nil && Architecture(name: "mlp-0") == nil && Architecture(name: "mlp-a") == nil)
    }

    @Test("wider ResNets scale every stage", arguments: [("resnet20x2", 2), ("resnet32", 1)])
    func widthMultiplier(name: String, multiplier: Int) throws {
        let architecture = try #require(Architecture(name: name))
        let description = architecture.describe(inputShape: [3, 32, 32], classes: 10)
        #expect(description.weightedLayers.first?.outputs == 16 * multiplier)
        #expect(description.name == name)
    }

    @Test("names that are not 6n + 2 ResNets or known models are refused", arguments: ["resnet9", "resnet", "vgg16", "resnet2"])
    func unknownNames(name: String) {
        #expect(Architecture(name: name) == nil)
    }

    @Test("a whole ResNet's backward matches central differences")
    func resnetGradients() {
        let model = Architecture.resnet(depth: 8, widthMultiplier: 1)
            .build(inputShape: [3, 6, 6], classes: 3, random: RandomSource(seed: 2), as: Double.self)
        let report = GradientCheck(entriesPerTensor: 12, checksInput: false).run(model, inputShape: [3, 3, 6, 6])
        // stem conv + stem BN (2) + three blocks × (2 convs + 2 BNs × 2) + classifier weight and bias
        #expect(report.errors.count == 23)
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("LeNet-5 on 8×8 digits and the MLP pass a gradient check", arguments: ["lenet5", "mlp"])
    func smallModelGradients(name: String) throws {
        let model = try #require(Architecture(name: name))
            .build(inputShape: [1, 8, 8], classes: 10, random: RandomSource(seed: 4), as: Double.self)
        let report = GradientCheck(entriesPerTensor: 40, checksInput: false).run(model, inputShape: [2, 1, 8, 8])
        #expect(report.worst < 1e-6, "\(report)")
    }
}
