import ParamShare
import ParamShareEngine
import Testing

@Suite("Training loop")
struct TrainerTests {
    @Test("a short run on digits lowers the loss and passes an accuracy floor")
    func digitsEndToEnd() throws {
        let data = try DigitsLoader.load()
        let description = Architecture.defaultMLP.describe(inputShape: data.train.imageShape, classes: 10)
        let configuration = TrainingConfiguration(epochs: 4, batchSize: 32, learningRate: 0.05, seed: 1)
        let result = try Trainer(configuration: configuration).train(description.build(random: RandomSource(seed: 1), as: Float.self), on: data)
        #expect(result.status == .ok)
        #expect(result.epochs.count == 4)
        #expect(result.epochs.last!.trainLoss < result.epochs.first!.trainLoss)
        // Chance is 10 %; four epochs of an MLP reach well above 90 % on this split.
        #expect(result.testAccuracy > 0.9)
    }

    @Test("a diverging run is recorded as diverged and keeps its finished epochs")
    func divergence() throws {
        let data = try DigitsLoader.load()
        let description = Architecture.defaultMLP.describe(inputShape: data.train.imageShape, classes: 10)
        let configuration = TrainingConfiguration(epochs: 3, batchSize: 32, learningRate: 1e6, schedule: .constant, seed: 1)
        let result = try Trainer(configuration: configuration).train(description.build(random: RandomSource(seed: 1), as: Float.self), on: data)
        #expect(result.status == .diverged)
        #expect(result.epochs.count < 3)
    }
}
