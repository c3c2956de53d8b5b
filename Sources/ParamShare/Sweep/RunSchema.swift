import Foundation
import ParamShareEngine

/// Every column of a run, in one table: the runs table's header and rows, the cell identity
/// (``SweepCell/settings``), a ``Checkpoint``'s metadata and its reader, and the analysis's
/// recipe (`RunSetting.recipeColumns`) are all derived from it.
///
/// Adding a column is one entry here. A new setting that should leave older cells' identifiers
/// as they were gives its identity key an `omittedAt` of the value older cells had, and an
/// `RunColumn/Addition` with that value, so that older tables stay runs tables.
///
/// The table's order is the list's: the leading columns, one column per generator option
/// (``RunsTableLayout/optionColumns``), the trailing columns. The identity follows the same
/// order, with the generator's own options after `generator_version`, except where an
/// identity key says it `precedes` another: identifiers from before the schema put `budget`
/// before `scope`, and they must not change.
package enum RunSchema {
    /// The run's identity: a hash of every setting that can change its result.
    package static let cellIdentifier = RunColumn("cell_id", .text, .cell { $0.identifier })

    /// The generator's name, or `dense`; a reader resolves it, with its version and options, in a registry.
    package static let generator = RunColumn("generator", .text, .cell { $0.generatorName }, identity: .init("generator"))

    /// The generator's semantics version, bumped when its maths changes.
    package static let generatorVersion = RunColumn(
        "generator_version", .integer,
        .sharing({ String($0.generator.descriptor.semanticsVersion) }, dense: String(GeneratorRegistry.denseSemanticsVersion)),
        identity: .init("generator_version"))

    /// The columns before the option block.
    package static let leadingColumns: [RunColumn] = [
        cellIdentifier,
        RunColumn("model", .text, .cell { "\($0.architecture)" }, identity: .init("model"),
                  read: reading(Architecture.init(name:), into: \.architecture)),
        RunColumn("dataset", .text, .cell { $0.data.dataset }, identity: .init("dataset"),
                  read: reading({ $0 }, into: \.data.dataset)),
        RunColumn("train_images", .integer, .cell { String($0.data.trainImages) }, identity: .init("train_images"),
                  isRecipe: true, read: reading(Int.init, into: \.data.trainImages)),
        RunColumn("test_images", .integer, .cell { String($0.data.testImages) }, identity: .init("test_images"),
                  isRecipe: true, read: reading(Int.init, into: \.data.testImages)),
        // Tables from before validation splits held none out, and tuned nothing.
        RunColumn("validation_images", .integer, .cell { String($0.data.validationImages) },
                  identity: .init("validation_images", omittedAt: "0"), added: .init(commit: "1a122d1", olderRows: "0"),
                  read: reading(Int.init, into: \.data.validationImages)),
        generator,
        generatorVersion,
    ]

    /// The columns after the option block.
    package static let trailingColumns: [RunColumn] = [
        RunColumn("scope", .text, .sharing({ $0.scope.rawValue }, dense: notApplicable), identity: .init("scope"),
                  read: sharingReading(SharingScope.init(rawValue:), into: \.scope)),
        RunColumn("generate_stem", .flag, .sharing({ String($0.generatesStem) }, dense: "false"), identity: .init("stem"),
                  read: sharingReading(Bool.init, into: \.generatesStem)),
        RunColumn("generate_classifier", .flag, .sharing({ String($0.generatesClassifier) }, dense: "false"),
                  identity: .init("classifier"), read: sharingReading(Bool.init, into: \.generatesClassifier)),
        RunColumn("bank", .text, .sharing({ $0.bankTraining.tableText }, dense: notApplicable), identity: .init("bank"),
                  read: sharingReading({ $0 == notApplicable ? true : BankTraining(rawValue: $0).map { $0 == .trained } }, into: \.trainsBank)),
        RunColumn("bank_step", .text, .sharing({ $0.stepScaling.rawValue }, dense: notApplicable),
                  identity: .init("bank_step", omittedAt: BankStepScaling.none.rawValue),
                  read: sharingReading(BankStepScaling.init(rawValue:), into: \.stepScaling)),
        RunColumn("budget", .text, .sharing({ $0.budget.text }, dense: "full"),
                  identity: .init("budget", precedes: "scope", value: { "\($0.budget)" }),
                  read: sharingReading({ try? BudgetSpecification(parsing: $0) }, into: \.budget)),
        RunColumn("budget_count", .integer, .run { String($0.degreesOfFreedom.requestedBudget) }),
        RunColumn("budget_fraction", .number, .run {
            RunRecord.format(Double($0.degreesOfFreedom.requestedBudget) / Double(max($0.degreesOfFreedom.generatedWeights, 1)))
        }),
        RunColumn("dof", .integer, .run { String($0.degreesOfFreedom.entriesRead) }),
        // Empty, unknown, in rows written before it: those of `pruned` trained with more than their
        // `dof`, the others with exactly it.
        RunColumn("mean_training_dof", .number, .run {
            $0.degreesOfFreedom.meanDuringTraining.map(RunRecord.format) ?? String($0.degreesOfFreedom.entriesRead)
        }, added: .init(commit: "559dda7", olderRows: "")),
        RunColumn("bank_size", .integer, .run { String($0.degreesOfFreedom.bankSize) }),
        RunColumn("fixed_weights", .integer, .run { String($0.degreesOfFreedom.fixedWeights) }),
        RunColumn("generated_weights", .integer, .run { String($0.degreesOfFreedom.generatedWeights) }),
        RunColumn("non_generated_weights", .integer, .run { String($0.degreesOfFreedom.nonGeneratedWeights) }),
        RunColumn("bn_parameters", .integer, .run { String($0.degreesOfFreedom.batchNorm) }),
        RunColumn("biases", .integer, .run { String($0.degreesOfFreedom.biases) }),
        RunColumn("total_trainable", .integer, .run { String($0.degreesOfFreedom.totalTrainable) }),
        RunColumn("dense_parameters", .integer, .run { String($0.degreesOfFreedom.denseParameters) }),
        RunColumn("seed", .integer, .cell { String($0.configuration.seed) }, identity: .init("seed"),
                  read: reading(UInt64.init, into: \.configuration.seed)),
        RunColumn("epochs", .integer, .cell { String($0.configuration.epochs) }, identity: .init("epochs"),
                  isRecipe: true, read: reading(Int.init, into: \.configuration.epochs)),
        RunColumn("batch_size", .integer, .cell { String($0.configuration.batchSize) }, identity: .init("batch"),
                  isRecipe: true, read: reading(Int.init, into: \.configuration.batchSize)),
        RunColumn("optimizer", .text, .cell { $0.configuration.optimizer.rawValue }, identity: .init("optimizer"),
                  isRecipe: true, read: reading(TrainingConfiguration.OptimizerChoice.init(rawValue:), into: \.configuration.optimizer)),
        RunColumn("lr", .number, .cell { "\($0.configuration.learningRate)" }, identity: .init("lr"),
                  isRecipe: true, read: reading(Double.init, into: \.configuration.learningRate)),
        RunColumn("schedule", .text, .cell { $0.configuration.schedule.rawValue }, identity: .init("schedule"),
                  isRecipe: true, read: reading(TrainingConfiguration.ScheduleChoice.init(rawValue:), into: \.configuration.schedule)),
        RunColumn("weight_decay", .number, .cell { "\($0.configuration.weightDecay)" }, identity: .init("weight_decay"),
                  isRecipe: true, read: reading(Double.init, into: \.configuration.weightDecay)),
        RunColumn("label_smoothing", .number, .cell { "\($0.configuration.labelSmoothing)" }, identity: .init("label_smoothing"),
                  isRecipe: true, read: reading(Double.init, into: \.configuration.labelSmoothing)),
        // The data set decides the augmentation, so the table does not repeat it.
        RunColumn("crop_padding", .integer, .cell { String($0.configuration.augmentation.cropPadding) }, identity: .init("crop"),
                  isTabulated: false, read: reading(Int.init, into: \.configuration.augmentation.cropPadding)),
        RunColumn("horizontal_flip", .flag, .cell { String($0.configuration.augmentation.horizontalFlip) }, identity: .init("flip"),
                  isTabulated: false, read: reading(Bool.init, into: \.configuration.augmentation.horizontalFlip)),
        // Image folders' random resized crops; named only where taken, so that other cells keep their ids.
        RunColumn("random_resized_crop", .flag, .cell { String($0.configuration.augmentation.randomResizedCrop) },
                  identity: .init("resized_crop", omittedAt: "false"), added: .init(commit: "fd4c0cc", olderRows: "false"),
                  isTabulated: false, read: reading(Bool.init, into: \.configuration.augmentation.randomResizedCrop)),
        // Tables from before bf16 existed trained in fp32.
        RunColumn("precision", .text, .cell { $0.configuration.precision.rawValue },
                  identity: .init("precision", omittedAt: ComputePrecision.float32.rawValue),
                  added: .init(commit: "5836685", olderRows: ComputePrecision.float32.rawValue), isRecipe: true,
                  read: reading(ComputePrecision.init(rawValue:), into: \.configuration.precision)),
        // Two runs with the same settings train alike however the settings were found, but a row
        // should say truthfully whether a search chose them.
        RunColumn("tuning", .text, .cell { $0.tuning ?? notApplicable }, identity: .init("tuned", omittedAt: notApplicable),
                  added: .init(commit: "1a122d1", olderRows: notApplicable),
                  read: reading({ text -> String?? in .some(text == notApplicable ? nil : text) }, into: \.tuning)),
        RunColumn("final_train_loss", .number, .run { RunRecord.format($0.result.finalTrainLoss) }),
        RunColumn("test_accuracy", .number, .run { RunRecord.format($0.result.testAccuracy) }),
        RunColumn("best_test_accuracy", .number, .run { RunRecord.format($0.result.bestTestAccuracy) }),
        RunColumn("validation_accuracy", .number, .run { RunRecord.format($0.result.validationAccuracy) },
                  added: .init(commit: "1a122d1", olderRows: "")),
        RunColumn("best_validation_accuracy", .number, .run { RunRecord.format($0.result.bestValidationAccuracy) },
                  added: .init(commit: "1a122d1", olderRows: "")),
        RunColumn("validation_loss", .number, .run { RunRecord.format($0.result.validationLoss) },
                  added: .init(commit: "1a122d1", olderRows: "")),
        RunColumn("wall_seconds", .number, .run { String(format: "%.2f", $0.result.wallSeconds) }),
        RunColumn("status", .text, .run { $0.result.status.rawValue }),
        RunColumn("status_epoch", .integer, .run { $0.result.statusEpoch.map { String($0) } ?? "" }),
        RunColumn("failure_reason", .text, .run { $0.result.failureReason ?? notApplicable }),
        RunColumn("version", .text, .run { _ in ParamShareVersion.current }),
        // Bits reproduce within one instruction set only; tables from before the column say nothing of it.
        RunColumn("cpu_isa", .text, .run { _ in InstructionSet.current }, added: .init(commit: "after f368b95", olderRows: "")),
        // Which of them oneDNN picked for the model's convolutions, `|`-separated; `none` for a model without one on oneDNN.
        RunColumn("conv_kernels", .text, .run { $0.convolutionKernels.isEmpty ? notApplicable : $0.convolutionKernels.joined(separator: "|") },
                  added: .init(commit: "after f3a3b61", olderRows: "")),
        // Two CPUs of one instruction set run the same kernels with blocking fitted to their caches.
        RunColumn("cpu_model", .text, .run { _ in Processor.current }, added: .init(commit: "after ee29c91", olderRows: "")),
    ]

    /// The value written where a setting does not apply to a row.
    package static let notApplicable = "none"

    /// Every column, leading then trailing (the option block, which depends on the registered
    /// generators, is not among them).
    package static let columns = leadingColumns + trailingColumns

    /// A checkpoint reader's setter of the cell's value at `path`, parsed by `parse`.
    private static func reading<Value>(_ parse: @escaping @Sendable (String) -> Value?,
                                       into path: WritableKeyPath<SweepCell, Value> & Sendable) -> RunColumn.Reader {
        { cell, text in
            guard let value = parse(text) else { return false }
            cell[keyPath: path] = value
            return true
        }
    }

    /// A checkpoint reader's setter of the cell's sharing setting at `path`, parsed by `parse`.
    private static func sharingReading<Value>(_ parse: @escaping @Sendable (String) -> Value?,
                                              into path: WritableKeyPath<SharingSetting, Value> & Sendable) -> RunColumn.Reader {
        { cell, text in
            guard let value = parse(text), cell.sharing != nil else { return false }
            cell.sharing![keyPath: path] = value
            return true
        }
    }
}
