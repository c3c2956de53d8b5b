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

    @Test("with one thread, the same seed gives bit-identical parameters after several steps")
    func sameSeedSameBits() {
        let (first, second, other) = ThreadCountOverride.run(threads: 1) {
            (trainedParameters(seed: 7), trainedParameters(seed: 7), trainedParameters(seed: 8))
        }
        let bits = { (values: [[Float]]) in values.map { $0.map(\.bitPattern) } }
        #expect(bits(first) == bits(second))
        #expect(bits(first) != bits(other))
    }
}
