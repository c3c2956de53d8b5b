import ParamShare
import ParamShareEngine
import Testing
import TestSupport

/// A generator from outside the library trains through the same plan and loop as the built-ins.
@Suite("Generator plug-ins")
struct GeneratorPluginTests {
    @Test("an outside generator's vector–Jacobian product is right")
    func vectorJacobian() throws {
        let error = try GeneratorCheck.vectorJacobianError(FibonacciHashGenerator<Double>(), layers: GeneratorCheck.sampleLayers, budget: 23)
        #expect(error < 1e-7)
    }

    @Test("an outside generator trains an MLP on digits through the common loop")
    func trainsOnDigits() throws {
        let data = try DigitsLoader.load()
        let description = Architecture.defaultMLP.describe(inputShape: data.train.imageShape, classes: data.train.classes)
        let plan = SharingPlan<Float> { FibonacciHashGenerator() }
        let model = try plan.build(description, budget: 4096, seed: 1, random: RandomSource(seed: 1))
        #expect(model.degreesOfFreedom.bankSize == 4096)
        #expect(model.degreesOfFreedom.totalTrainable < description.parameterCounts.total)
        let result = Trainer(configuration: TrainingConfiguration(epochs: 5, batchSize: 32, learningRate: 0.05, seed: 1))
            .train(model.network, on: data)
        #expect(result.status == .ok)
        // 4,096 shared values for the 163,840 hidden weights; chance is 10 %.
        #expect(result.testAccuracy > 0.8, "accuracy \(result.testAccuracy)")
    }
}
