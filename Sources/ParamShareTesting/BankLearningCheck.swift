import ParamShare
import ParamShareEngine

/// A training smoke test for a generator: an MLP on the embedded digits, once with the bank
/// trained and once with it frozen at its initial values.
///
/// "It reaches 80 %" proves little on its own: batch norm and the dense classifier train in both
/// runs, and on digits a classifier over random features already does well. The frozen run is
/// the control. A generator whose bank learns ends with a clearly lower training loss and a
/// higher test accuracy than its frozen twin; one whose gradient never reaches the bank (or
/// reaches the wrong entries) does not.
///
/// ```swift
/// @Test func bankLearns() throws {
///     let result = try BankLearningCheck().run(KroneckerGenerator())
///     #expect(result.bankLearned, "\(result)")
/// }
/// ```
public struct BankLearningCheck: Sendable {
    /// The hidden widths of the MLP, whose hidden layers are generated.
    public var hiddenWidths: [Int]
    /// Bank entries for the generated layers.
    public var budget: Int
    public var epochs: Int
    public var seed: UInt64

    public init(hiddenWidths: [Int] = [64, 64], budget: Int = 512, epochs: Int = 8, seed: UInt64 = 1) {
        self.hiddenWidths = hiddenWidths
        self.budget = budget
        self.epochs = epochs
        self.seed = seed
    }

    /// The two runs' outcomes.
    public struct Result: Sendable, CustomStringConvertible {
        public var trained: TrainingResult
        public var frozen: TrainingResult

        /// Both finished, and training the bank cut the final training loss by at least a tenth
        /// and gained at least one point of test accuracy.
        public var bankLearned: Bool {
            trained.status == .ok && frozen.status == .ok && trained.finalTrainLoss < 0.9 * frozen.finalTrainLoss
                && trained.testAccuracy >= frozen.testAccuracy + 0.01
        }

        public var description: String {
            "bank trained: loss \(trained.finalTrainLoss), test accuracy \(trained.testAccuracy) (\(trained.status)); "
                + "bank frozen: loss \(frozen.finalTrainLoss), test accuracy \(frozen.testAccuracy) (\(frozen.status))"
        }
    }

    /// Trains the MLP with `generator` twice, from the same seed, with the bank trained and frozen.
    public func run(_ generator: any ParameterGenerator) throws -> Result {
        let data = try DigitsLoader.load()
        let description = Architecture.mlp(hiddenWidths: hiddenWidths).describe(inputShape: data.train.imageShape, classes: data.train.classes)
        func train(banks: Bool) throws -> TrainingResult {
            let model = try SharingPlan(generator: generator).build(description, budget: budget, seed: seed, random: RandomSource(seed: seed))
            var configuration = TrainingConfiguration.defaults(for: .digits, seed: seed)
            configuration.epochs = epochs
            return try Trainer(configuration: configuration, trainsBanks: banks).train(model.network, on: data)
        }
        return Result(trained: try train(banks: true), frozen: try train(banks: false))
    }
}
