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
