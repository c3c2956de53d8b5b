import ArgumentParser
import Foundation
import ParamShare
import ParamShareEngine

/// `sweep bench`: training and inference throughput, to compare against PyTorch CPU.
struct Bench: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        abstract: "Measure training and inference throughput on random CIFAR-shaped input.",
        discussion: """
            Runs the same protocol as Benchmarks/pytorch_reference.py, which takes the same flags. \
            Compare the two as a ratio (ours / PyTorch) measured on the same machine, one at a time \
            (Benchmarks/side_by_side.py alternates them). First measures the machine's GEMM \
            ceiling, and reports each model's arithmetic rate as a share of it.

            Example:
              swift run -c release sweep bench \\
                  --models mlp,lenet5,resnet8,resnet20,resnet56 --batch-size 128 --json
              swift run -c release sweep bench --models resnet20 --generator rpg \\
                  --budget 10% --json
            """
    ) }

    @Option(help: "Comma-separated models: \(Architecture.namesAccepted).", transform: CommaList.init(parsing:))
    var models: CommaList<Architecture> = try! CommaList(parsing: "mlp,lenet5,resnet8,resnet20,resnet56")

    @Option(help: "Generator of the shared layers: \(CommandLineRegistry.current.names.joined(separator: ", ")).")
    var generator: String = GeneratorRegistry.denseName

    @Option(help: "Set a generator option, as GENERATOR.OPTION=VALUE (repeatable).", transform: GeneratorOptionSweep.init(parsing:))
    var generatorOption: [GeneratorOptionSweep] = []

    @Option(help: "Budget of the generator: a count (2k), a share (10%) or layer:NAME.", transform: BudgetSpecification.init(parsing:))
    var budget: BudgetSpecification = .percentage(10)

    @Option(parsing: .unconditional, help: "Images per step.")
    var batchSize: Int = 128

    @Option(parsing: .unconditional, help: ArgumentHelp("The side of the square random images: 32 as CIFAR's, or more (ResNet-18 and -34 take the ImageNet stem above 32, as on an image folder).", valueName: "S"))
    var imageSize: Int = 32

    @Option(help: "Precision of convolution and matrix-product operands: fp32, or bf16 (rounded to bfloat16, Float accumulation).")
    var precision: ComputePrecision = .float32

    @Option(parsing: .unconditional, help: "Engine threads (default: all cores).")
    var threads: Int?

    @Option(parsing: .unconditional, help: "Unmeasured steps before timing.")
    var warmupSteps: Int = 3

    @Option(parsing: .unconditional, help: "Measured steps.")
    var steps: Int = 20

    @Flag(help: "Print one JSON object per model and line instead of a table.")
    var json = false

    @Flag(help: "Also measure the input pipeline alone (CIFAR normalisation, crop and flip), in images per second.")
    var pipeline = false

    func validate() throws {
        guard (1...GridOptions.largestBatch).contains(batchSize) else {
            throw ValidationError("--batch-size must be from 1 to \(GridOptions.largestBatch), got \(batchSize)")
        }
        guard (1...4096).contains(imageSize) else { throw ValidationError("--image-size must be in 1...4096, got \(imageSize)") }
        guard (1...100_000).contains(steps), (0...100_000).contains(warmupSteps) else {
            throw ValidationError("--steps must be from 1 to 100000 and --warmup-steps from 0 to 100000")
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if let threads, !(1...cores).contains(threads) {
            throw ValidationError("--threads must be from 1 to the \(cores) cores, got \(threads)")
        }
        for architecture in models.elements {
            do {
                try architecture.checkFits(inputShape: [3, imageSize, imageSize], classes: 10, batchSize: batchSize, jobs: 1)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        _ = try sharing()
    }

    /// The sharing the flags ask for; `nil` for dense.
    private func sharing() throws -> SharingSetting? {
        do {
            let (descriptors, _) = try CommandLineRegistry.generators(named: generator)
            guard !generator.contains(",") else {
                throw GridError("bench measures one generator, and '\(generator)' names several; run it once for each")
            }
            // Options of other generators are refused here, not dropped unchecked.
            let settings = try GeneratorSetting.grid(descriptors, sweeping: generatorOption)
            guard let setting = settings.first else { return nil }
            guard settings.count == 1 else {
                throw GridError("bench measures one setting; give each --generator-option one value")
            }
            return SharingSetting(generator: setting, budget: budget)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        if let threads { EngineThreads.count = threads }
        if pipeline {
            let imagesPerSecond = PipelineBenchmark(batchSize: batchSize).run()
            print(json ? "{\"pipeline\":\"cifar-augmented\",\"batch_size\":\(batchSize),\"images_per_second\":\(imagesPerSecond)}"
                       : String(format: "input pipeline: %.0f images/s", imagesPerSecond))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let ceiling = GEMMCeiling.measure()
        if !json {
            print(String(format: "GEMM ceiling: %.1f GFLOP/s (%d threads, one %d×%d×%d sgemm each at once)",
                         ceiling.gigaflopsPerSecond, ceiling.threads, ceiling.size, ceiling.size, ceiling.size))
            print(FloatGEMMLibrary.summary)
            print("model       batch  threads  train img/s  inference img/s  parameters  train GFLOP/s  of ceiling  inference GFLOP/s  of ceiling")
        }
        for architecture in models.elements {
            var result = try ThroughputBenchmark.measure(architecture, sharing: sharing(), batchSize: batchSize, precision: precision,
                                                         inputShape: [3, imageSize, imageSize], warmupSteps: warmupSteps, measuredSteps: steps)
            result.compare(with: ceiling)
            if json {
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(result.model.padding(toLength: 10, withPad: " ", startingAt: 0),
                      String(format: "%6d  %7d  %11.1f  %15.1f  %10d  %13.1f  %9.0f%%  %17.1f  %9.0f%%", result.batchSize,
                             result.threads, result.trainImagesPerSecond, result.inferenceImagesPerSecond, result.parameters,
                             result.trainGigaflopsPerSecond, 100 * (result.trainCeilingFraction ?? 0),
                             result.inferenceGigaflopsPerSecond, 100 * (result.inferenceCeilingFraction ?? 0)))
            }
        }
    }
}
