import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Determinism")
struct DeterminismTests {
    /// Builds ResNet-8 from `seed`, takes `steps` SGD steps on seeded random data, and returns every parameter.
    private func trainedParameters(seed: UInt64, steps: Int = 3) -> [[Float]] {
        let random = RandomSource(seed: seed)
        let model = Architecture.resnet(depth: 8, widthMultiplier: 1).build(inputShape: [3, 12, 12], classes: 10, random: random)
        let optimizer = SGD(groups: ParameterGroup.standard(model.parameters, weightDecay: 5e-4), learningRate: 0.05,
                            momentum: 0.9, nesterov: true)
        let step = TrainingStep(model: model, loss: SoftmaxCrossEntropy<Float>(labelSmoothing: 0.1), optimizer: optimizer)
        for _ in 0..<steps {
            let input = Tensor<Float>.random(shape: [6, 3, 12, 12], random: random)
            let labels = (0..<6).map { _ in Int32(random.integer(below: 10)) }
            let result = step(images: input, labels: labels)
            #expect(result.loss.isFinite)  // a non-finite loss would skip the update
        }
        return model.parameters.map(\.value.scalars)
    }

    @Test("the same seed gives bit-identical parameters after several steps, with any thread count", arguments: [1, 2, 3])
    func sameSeedSameBits(threads: Int) {
        let (reference, other) = ThreadCountOverride.run(threads: 1) { (trainedParameters(seed: 7), trainedParameters(seed: 8)) }
        let repeated = ThreadCountOverride.run(threads: threads) { trainedParameters(seed: 7) }
        let bits = { (values: [[Float]]) in values.map { $0.map(\.bitPattern) } }
        #expect(bits(repeated) == bits(reference))
        #expect(bits(reference) != bits(other))
    }

    @Test("one thread and two give identical rows, timings aside, for MLP, LeNet-5 and ResNet-8 under every generator",
          arguments: ["mlp-64-32", "lenet5", "resnet8"])
    func threadCountLeavesRowsUnchanged(model: String) throws {
        var data = try DigitsLoader.load()
        data.train = data.train.prefix(model == "resnet8" ? 192 : 512)
        var recipe = TrainingConfiguration.defaults(for: .digits, seed: 3)
        recipe.epochs = 2
        let grid = SweepGrid(architectures: try Architecture.list(parsing: model),
                             generators: try GeneratorRegistry.builtIn.descriptors.map { try GeneratorSetting($0) },
                             budgets: [.percentage(30)], seeds: [3], recipe: recipe)
        let layout = RunsTableLayout(optionColumns: GeneratorRegistry.builtIn.optionColumns)
        let timings = Set(["wall_seconds"])
        for cell in grid.cells(on: DataSubset(data)) {
            let rows = try [1, 2].map { threads in
                try ThreadCountOverride.run(threads: threads) { try SweepRunner.train(cell, on: data) }
            }
            func comparable(_ record: RunRecord) -> [String] {
                zip(layout.columns, record.values(in: layout)).filter { !timings.contains($0.0) }.map(\.1)
            }
            #expect(comparable(rows[0]) == comparable(rows[1]), "\(cell.label)")
            // The per-epoch rows too, without their seconds.
            #expect(rows[0].epochValues.map { $0.dropLast() } == rows[1].epochValues.map { $0.dropLast() }, "\(cell.label)")
        }
    }
}
