import Foundation
import ParamShare
import ParamShareArguments

/// What a grid on one data set is where a flag does not say: on the embedded digits the main
/// job, every built-in generator and dense over two models, four budgets and three seeds, two
/// runs at a time; on a downloaded data set one dense ResNet-20; and the data set's recipe.
///
/// The one place these defaults are kept: the grid reads them, and the help text quotes them.
struct GridDefaults {
    var models: CommaList<Architecture>
    var generators: GeneratorList
    var budgets: CommaList<BudgetSpecification>
    var seeds: CommaList<UInt64>
    /// Runs trained at once when neither `--jobs` nor `--threads` says.
    var jobs: Int
    var recipe: TrainingConfiguration

    /// The defaults on `dataset`.
    init(for dataset: DatasetName) {
        // Literals of the flags' own syntax, parsed as the flags are: they cannot fail.
        func parsed<Value: ArgumentValue>(_ text: String) -> Value {
            do { return try Value(parsing: text) } catch { preconditionFailure("default '\(text)': \(error)") }
        }
        if dataset.isEmbedded {
            models = parsed("lenet5,mlp-128-64")
            generators = parsed((GeneratorRegistry.builtIn.descriptors.map(\.name) + [GeneratorRegistry.denseName]).joined(separator: ","))
            budgets = parsed("3%,10%,30%,92%")
            seeds = parsed("0,1,2")
            jobs = min(2, ProcessInfo.processInfo.activeProcessorCount)
        } else {
            models = parsed("resnet20")
            generators = parsed(GeneratorRegistry.denseName)
            budgets = parsed("10%")
            seeds = parsed("0")
            jobs = 1
        }
        recipe = TrainingConfiguration.defaults(for: dataset)
    }

    /// The main job's: the embedded digits set.
    static let embedded = GridDefaults(for: .digits)
    /// A downloaded data set's (the recipe's augmentation aside, which follows the data set).
    static let downloaded = GridDefaults(for: .cifar10)

    /// `Default: A on digits, B otherwise.`, or `Default: A.` where the two agree, for a help
    /// text, from the defaults' `value`.
    static func help(_ value: (GridDefaults) -> String) -> String {
        let (digits, other) = (value(embedded), value(downloaded))
        return digits == other ? "Default: \(digits)." : "Default: \(digits) on digits, \(other) otherwise."
    }
}
