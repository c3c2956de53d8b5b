import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("ResNet-18 and ResNet-34")
struct ImageNetResNetTests {
    /// torchvision's `resnet18()` and `resnet34()` at 1,000 classes; at 10 classes the
    /// classifier loses 990 × 513 parameters, and the CIFAR stem has 64·3·3·3 = 1,728 weights
    /// where the ImageNet stem has 64·3·7·7 = 9,408 (the CIFAR ResNet-18 of
    /// kuangliu/pytorch-cifar has 11,173,962).
    @Test("trainable parameters equal torchvision's", arguments: [
        ("resnet18", 224, 1_000, 11_689_512), ("resnet34", 224, 1_000, 21_797_672),
        ("resnet18", 64, 10, 11_181_642), ("resnet34", 64, 10, 21_289_802),
        ("resnet18", 32, 10, 11_173_962), ("resnet34", 32, 10, 21_282_122),
    ])
    func parameterCounts(name: String, side: Int, classes: Int, expected: Int) throws {
        let description = try #require(Architecture(name: name)).describe(inputShape: [3, side, side], classes: classes)
        #expect(description.parameterCounts.total == expected)
    }

    @Test("a built ResNet-18 holds the parameters its description counts")
    func builtCount() throws {
        let model = try #require(Architecture(name: "resnet18")).build(inputShape: [3, 32, 32], classes: 10, random: RandomSource(seed: 0))
        #expect(model.parameters.reduce(0) { $0 + $1.value.count } == 11_173_962)
    }

    @Test("the stem follows the input size: CIFAR's up to 32, ImageNet's above", arguments: [
        (32, ImageNetResNetStem.cifar), (28, .cifar), (8, .cifar), (33, .imageNet), (64, .imageNet), (224, .imageNet),
    ])
    func stemChoice(side: Int, expected: ImageNetResNetStem) throws {
        #expect(ImageNetResNetStem(inputShape: [3, side, side]) == expected)
        let description = try #require(Architecture(name: "resnet18")).describe(inputShape: [3, side, side], classes: 10)
        let stem = try #require(description.weightedLayer(named: "stem.conv"))
        let pools = description.layers.filter { if case .maxPool = $0 { true } else { false } }
        switch expected {
        case .cifar:
            #expect(stem.kind == .convolution(kernelSize: 3, stride: 1, padding: 1))
            #expect(pools.isEmpty)
        case .imageNet:
            #expect(stem.kind == .convolution(kernelSize: 7, stride: 2, padding: 3))
            #expect(pools == [.maxPool(name: "stem.pool", kernelSize: 3, stride: 2, padding: 1)])
        }
    }

    /// Blocks per stage [2, 2, 2, 2] and [3, 4, 6, 3]; stages 2–4 open with a stride-2 block
    /// whose option-B shortcut is a generated 1×1 convolution.
    @Test("blocks, strides, widths and shortcuts are He et al.'s", arguments: [("resnet18", [2, 2, 2, 2]), ("resnet34", [3, 4, 6, 3])])
    func topology(name: String, blocks: [Int]) throws {
        let description = try #require(Architecture(name: name)).describe(inputShape: [3, 224, 224], classes: 1_000)
        let body = description.weightedLayers(withRoles: [.body])
        #expect(body.count == 2 * blocks.reduce(0, +))
        for stage in 1...4 {
            #expect(Set(body.filter { $0.stage == stage }.compactMap(\.block)).count == blocks[stage - 1])
        }
        let shortcuts = description.weightedLayers(withRoles: [.shortcut])
        #expect(shortcuts.map(\.name) == ["stage2.block0.shortcut.conv", "stage3.block0.shortcut.conv", "stage4.block0.shortcut.conv"])
        #expect(shortcuts.map(\.weightShape) == [[128, 64, 1, 1], [256, 128, 1, 1], [512, 256, 1, 1]])
        #expect(shortcuts.allSatisfy { $0.kind == .convolution(kernelSize: 1, stride: 2, padding: 0) })
        #expect(description.weightedLayer(named: "stage2.block0.conv1")?.kind == .convolution(kernelSize: 3, stride: 2, padding: 1))
        #expect(description.weightedLayer(named: "stage2.block1.conv1")?.kind == .convolution(kernelSize: 3, stride: 1, padding: 1))
        // The paper's one-layer budget: the largest convolution, 512·512·3·3.
        #expect(description.weightedLayers.map(\.weightCount).max() == 2_359_296)
        #expect(SharingPlan(generator: RPGGenerator()).generatedLayers(of: description).count == body.count + 3)
    }

    /// The paper's headline budget: ResNet-18's body and shortcuts from the DoF of one
    /// convolution, built as `sweep` builds a cell.
    @Test("RPG builds ResNet-18 at the DoF of its largest convolution, 2,359,296")
    func oneLayerBudget() throws {
        let sharing = SharingSetting(generator: try GeneratorSetting(RPGGenerator.descriptor),
                                     budget: try BudgetSpecification(parsing: "layer:stage4.block0.conv2"))
        let cell = SweepCell(architecture: .imageNetResNet(depth: 18, widthMultiplier: 1), sharing: sharing,
                             data: DataSubset(dataset: "toy", trainImages: 1, testImages: 1),
                             configuration: TrainingConfiguration(epochs: 1, batchSize: 2, learningRate: 0.1))
        let model = try CellModel(building: cell, inputShape: [3, 8, 8], classes: 10)
        #expect(model.degreesOfFreedom.bankSize == 2_359_296 && model.degreesOfFreedom.entriesRead == 2_359_296)
        // Everything but the stem's 1,728 weights, the classifier's 5,130 parameters and batch norm's 9,600.
        #expect(model.degreesOfFreedom.generatedWeights == 11_173_962 - 1_728 - 5_130 - 9_600)
        #expect(model.network.outputShape(ofRandomBatch: [2, 3, 8, 8]) == [2, 10])
    }

    /// Narrowed to widths 8–64, so that the slower generators build in a debug test; the budget
    /// is one stage-4 convolution, 64·64·3·3.
    @Test("every built-in generator and baseline builds a narrowed ResNet-18 at one layer's DoF",
          arguments: GeneratorRegistry.builtIn.descriptors.map(\.name))
    func oneLayerBudgetEveryGenerator(generator: String) throws {
        let description = try #require(Architecture(name: "resnet18")).describe(inputShape: [3, 8, 8], classes: 10)
            .scalingWidths { $0 / 8 }
        let setting = try GeneratorSetting(try #require(GeneratorRegistry.builtIn.descriptor(named: generator)))
        let generated = SharingPlan(generator: RPGGenerator()).generatedLayers(of: description)
        let target = try BudgetSpecification(parsing: "layer:stage4.block0.conv2").resolve(in: description, generated: generated)
        #expect(target == 36_864)
        let network: Sequential<Float>, dof: DegreesOfFreedom
        if setting.descriptor.isBaseline {
            let baseline = try setting.makeBaseline().build(description, generatedLayers: generated, budget: target, scope: .global,
                                                            random: RandomSource(seed: 0))
            (network, dof) = (baseline.network, baseline.degreesOfFreedom)
        } else {
            let model = try SharingPlan(generator: try setting.makeGenerator()).build(description, budget: target, seed: 0,
                                                                                      random: RandomSource(seed: 0))
            (network, dof) = (model.network, model.degreesOfFreedom)
        }
        // Each meets the budget as closely as its structure allows (low rank in whole ranks, width in whole channels).
        #expect(abs(Double(dof.entriesRead) - Double(target)) / Double(target) < 0.05, "\(generator): \(dof.entriesRead) DoF")
        #expect(network.outputShape(ofRandomBatch: [2, 3, 8, 8]) == [2, 10])
    }

    @Test("a width multiplier scales every stage", arguments: [("resnet18x2", 2), ("resnet34", 1)])
    func widthMultiplier(name: String, multiplier: Int) throws {
        let description = try #require(Architecture(name: name)).describe(inputShape: [3, 32, 32], classes: 10)
        #expect(description.name == name)
        #expect(description.weightedLayer(named: "stem.conv")?.outputs == 64 * multiplier)
        #expect(description.weightedLayer(named: "classifier")?.inputs == 512 * multiplier)
    }

    @Test("ResNet-18's logits at 32×32 and 64×64 have the batch's shape", arguments: [32, 64])
    func logits(side: Int) throws {
        let model = try #require(Architecture(name: "resnet18")).build(inputShape: [3, side, side], classes: 10, random: RandomSource(seed: 3))
        let logits = model.forward(.random(shape: [2, 3, side, side], random: RandomSource(seed: 1)), mode: .training)
        #expect(logits.shape == [2, 10])
        let finite = logits.scalars.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    /// Narrowed to widths 4–32 so that `Double`'s reference loops finish; the ImageNet stem on
    /// 34×34 leaves 9×9 for the first stage and 2×2 for the last.
    @Test("a whole ResNet-18's backward matches central differences", arguments: [10, 34])
    func gradients(side: Int) throws {
        let description = try #require(Architecture(name: "resnet18")).describe(inputShape: [3, side, side], classes: 3)
            .scalingWidths { $0 / 16 }
        let model = description.build(random: RandomSource(seed: 2), as: Double.self)
        let report = GradientCheck(entriesPerTensor: 6, checksInput: false).run(model, inputShape: [2, 3, side, side])
        // stem conv and batch norm (3), 8 blocks × (2 convs + 2 × (γ, β)), 3 shortcuts × (conv + γ + β), classifier (2)
        #expect(report.errors.count == 3 + 8 * 6 + 3 * 3 + 2)
        #expect(report.worst < 1e-6, "\(report)")
    }

    /// Inference folds every batch norm into its convolution and a block's sum into its last
    /// one, over an option-B shortcut's output; evaluation runs layer by layer.
    @Test("folded inference agrees with evaluation", arguments: [32, 40])
    func foldedInference(side: Int) throws {
        let model = try #require(Architecture(name: "resnet18")).describe(inputShape: [3, side, side], classes: 10)
            .scalingWidths { $0 / 8 }.build(random: RandomSource(seed: 5), as: Float.self)
        let random = RandomSource(seed: 6)
        // A training pass moves the running statistics away from 0 and 1, so the fold is not trivial.
        _ = model.forward(.random(shape: [4, 3, side, side], random: random), mode: .training)
        let input = Tensor<Float>.random(shape: [3, 3, side, side], random: random)
        let evaluated = model.forward(input, mode: .evaluation).scalars
        let inferred = model.forward(input, mode: .inference).scalars
        let worst = zip(evaluated, inferred).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4, "largest difference \(worst)")
    }
}
