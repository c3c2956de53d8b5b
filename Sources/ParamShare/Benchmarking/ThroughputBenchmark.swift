import Foundation
import ParamShareEngine

/// Training and inference throughput of one architecture on random CIFAR-shaped input.
///
/// A training step is exactly what the training loop does per batch: forward in training mode,
/// softmax cross-entropy, backward, an SGD step (Nesterov momentum, weight decay) and zeroing
/// the gradients. Inference is an inference-mode forward pass (batch norms folded into the
/// convolutions where the model runs channels-last). The same protocol runs in
/// `Benchmarks/pytorch_reference.py`, so the two can be compared as a ratio on one machine.
package struct ThroughputBenchmark: Sendable {
    package var architecture: Architecture
    /// The generator of the shared layers and its budget; `nil` for dense.
    package var sharing: SharingSetting?
    package var batchSize: Int
    /// The operands' precision (`ComputePrecision`).
    package var precision: ComputePrecision
    package var inputShape: [Int]
    package var classes: Int
    package var warmupSteps: Int
    package var measuredSteps: Int

    package init(architecture: Architecture, sharing: SharingSetting? = nil, batchSize: Int, precision: ComputePrecision = .float32,
                inputShape: [Int] = [3, 32, 32], classes: Int = 10, warmupSteps: Int = 3, measuredSteps: Int = 20) {
        self.architecture = architecture
        self.sharing = sharing
        self.batchSize = batchSize
        self.precision = precision
        self.inputShape = inputShape
        self.classes = classes
        self.warmupSteps = warmupSteps
        self.measuredSteps = measuredSteps
    }

    /// One measurement.
    package struct Result: Sendable, Codable, Equatable {
        package var model: String
        package var generator: String
        package var budget: String
        package var batchSize: Int
        /// `fp32` or `bf16` (`ComputePrecision`).
        package var precision: String
        package var threads: Int
        package var trainImagesPerSecond: Double
        package var inferenceImagesPerSecond: Double
        package var parameters: Int
        /// The process's peak resident memory so far (VmHWM), in MiB.
        package var peakResidentMebibytes: Double
        /// The forward multiply-adds of one image (of the architecture at full width).
        package var multiplyAddsPerImage: Int
        /// The arithmetic rate of training, counting 6 operations per forward multiply-add
        /// (forward, input gradient and weight gradient), in billions per second.
        package var trainGigaflopsPerSecond: Double
        /// The arithmetic rate of inference, 2 operations per multiply-add, in billions per second.
        package var inferenceGigaflopsPerSecond: Double
        /// The machine's GEMM ceiling, when measured.
        package var gemmCeiling: GEMMCeiling?
        /// The share of the ceiling that training's arithmetic rate reaches, when measured.
        package var trainCeilingFraction: Double?
        /// The share of the ceiling that inference's arithmetic rate reaches, when measured.
        package var inferenceCeilingFraction: Double?

        /// Sets the shares of `ceiling` that training and inference reach.
        package mutating func compare(with ceiling: GEMMCeiling) {
            gemmCeiling = ceiling
            trainCeilingFraction = trainGigaflopsPerSecond / ceiling.gigaflopsPerSecond
            inferenceCeilingFraction = inferenceGigaflopsPerSecond / ceiling.gigaflopsPerSecond
        }

        enum CodingKeys: String, CodingKey {
            case model, generator, budget, precision, threads, parameters
            case peakResidentMebibytes = "peak_resident_mebibytes"
            case multiplyAddsPerImage = "multiply_adds_per_image"
            case trainGigaflopsPerSecond = "train_gflops"
            case inferenceGigaflopsPerSecond = "inference_gflops"
            case gemmCeiling = "gemm_ceiling"
            case trainCeilingFraction = "train_ceiling_fraction"
            case inferenceCeilingFraction = "inference_ceiling_fraction"
            case batchSize = "batch_size"
            case trainImagesPerSecond = "train_images_per_second"
            case inferenceImagesPerSecond = "inference_images_per_second"
        }
    }

    /// Builds the model, runs the warm-up and measured steps, and reports images per second.
    ///
    /// - Throws: ``BudgetError`` when the budget is impossible for the model or generator.
    package func run() throws -> Result {
        let configuration = TrainingConfiguration(epochs: 1, batchSize: batchSize, learningRate: 0.1, precision: precision)
        let cell = SweepCell(architecture: architecture, sharing: sharing,
                             data: DataSubset(dataset: "random", trainImages: batchSize, testImages: batchSize),
                             configuration: configuration)
        let model = try CellModel(building: cell, inputShape: inputShape, classes: classes).network
        let random = RandomSource(seed: 1)
        let input = Tensor<Float>(shape: [batchSize] + inputShape)
        BankKernels.fillGaussian(input.data, count: input.count, standardDeviation: 1, random: random)
        let labels = (0..<batchSize).map { _ in Int32(random.integer(below: classes)) }
        let parameters = model.parameters
        let step = TrainingStep(model: model, loss: SoftmaxCrossEntropy<Float>(), optimizer: configuration.makeOptimizer(for: parameters))

        func trainStep() {
            step(images: input, labels: labels)
        }
        func inferenceStep() {
            _ = model.forward(input, mode: .inference)
        }
        let multiplyAdds = architecture.describe(inputShape: inputShape, classes: classes).multiplyAddsPerImage
        let train = imagesPerSecond(trainStep), inference = imagesPerSecond(inferenceStep)
        return Result(
            model: architecture.description, generator: cell.generatorName, budget: cell.budgetText,
            batchSize: batchSize, precision: precision.rawValue, threads: EngineThreads.count, trainImagesPerSecond: train, inferenceImagesPerSecond: inference,
            parameters: parameters.reduce(0) { $0 + $1.value.count }, peakResidentMebibytes: Self.peakResidentMebibytes(),
            multiplyAddsPerImage: multiplyAdds, trainGigaflopsPerSecond: train * 6 * Double(multiplyAdds) / 1e9,
            inferenceGigaflopsPerSecond: inference * 2 * Double(multiplyAdds) / 1e9)
    }

    /// VmHWM from /proc/self/status, or NaN where it cannot be read.
    private static func peakResidentMebibytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kibibytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kibibytes / 1024
    }

    private func imagesPerSecond(_ step: () -> Void) -> Double {
        for _ in 0..<warmupSteps { step() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<measuredSteps { step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(batchSize * measuredSteps) / seconds
    }
}
