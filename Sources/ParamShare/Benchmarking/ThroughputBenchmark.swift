import Foundation
import ParamShareEngine

/// Training and inference throughput of one architecture on random CIFAR-shaped input.
///
/// A training step is exactly what the training loop does per batch: forward in training mode,
/// softmax cross-entropy, backward, an SGD step (Nesterov momentum, weight decay) and zeroing
/// the gradients. Inference is an evaluation-mode forward pass. The same protocol runs in
/// `Benchmarks/pytorch_reference.py`, so the two can be compared as a ratio on one machine.
public struct ThroughputBenchmark: Sendable {
    public var architecture: Architecture
    public var batchSize: Int
    public var inputShape: [Int]
    public var classes: Int
    public var warmupSteps: Int
    public var measuredSteps: Int

    public init(architecture: Architecture, batchSize: Int, inputShape: [Int] = [3, 32, 32], classes: Int = 10,
                warmupSteps: Int = 3, measuredSteps: Int = 20) {
        self.architecture = architecture
        self.batchSize = batchSize
        self.inputShape = inputShape
        self.classes = classes
        self.warmupSteps = warmupSteps
        self.measuredSteps = measuredSteps
    }

    /// One measurement.
    public struct Result: Sendable, Codable, Equatable {
        public var model: String
        public var batchSize: Int
        public var threads: Int
        public var trainImagesPerSecond: Double
        public var inferenceImagesPerSecond: Double
        public var parameters: Int

        enum CodingKeys: String, CodingKey {
            case model, threads, parameters
            case batchSize = "batch_size"
            case trainImagesPerSecond = "train_images_per_second"
            case inferenceImagesPerSecond = "inference_images_per_second"
        }
    }

    /// Builds the model, runs the warm-up and measured steps, and reports images per second.
    public func run() -> Result {
        let random = RandomSource(seed: 0)
        let model: Sequential<Float> = architecture.build(inputShape: inputShape, classes: classes, random: random)
        let input = Tensor<Float>(shape: [batchSize] + inputShape)
        for i in 0..<input.count { input[i] = Float(random.gaussian()) }
        let labels = (0..<batchSize).map { _ in Int32(random.integer(below: classes)) }
        let parameters = model.parameters
        let optimizer = SGD(groups: ParameterGroup.standard(parameters, weightDecay: 5e-4), learningRate: 0.1,
                            momentum: 0.9, nesterov: true)
        let loss = SoftmaxCrossEntropy<Float>()

        func trainStep() {
            let logits = model.forward(input, mode: .training)
            _ = loss.forward(logits: logits, labels: labels)
            _ = model.backward(loss.logitsGradient!)
            optimizer.step()
            optimizer.zeroGradients()
        }
        func inferenceStep() {
            _ = model.forward(input, mode: .evaluation)
        }
        return Result(
            model: architecture.description, batchSize: batchSize, threads: EngineThreads.count,
            trainImagesPerSecond: imagesPerSecond(trainStep), inferenceImagesPerSecond: imagesPerSecond(inferenceStep),
            parameters: parameters.reduce(0) { $0 + $1.value.count })
    }

    private func imagesPerSecond(_ step: () -> Void) -> Double {
        for _ in 0..<warmupSteps { step() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<measuredSteps { step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(batchSize * measuredSteps) / seconds
    }
}
