import ArgumentParser
import ParamShare
import ParamShareArguments
import ParamShareEngine

extension DatasetName: ExpressibleByArgument {}
extension SharingScope: ExpressibleByArgument {}
extension TrainingConfiguration.ScheduleChoice: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerChoice: ExpressibleByArgument {}
extension ComputePrecision: ExpressibleByArgument {}
extension ImageFolderReading.Mode: ExpressibleByArgument {}
extension ValidationSize: ArgumentValue {}
extension SweepShard: ArgumentValue {}
extension BudgetSpecification: ArgumentValue {}

/// `--generator-option rpg.signs=on,off`.
extension GeneratorOptionSweep: ArgumentValue {
    public var description: String { "\(generator).\(option)=\(values.joined(separator: ","))" }
}

/// `--search lr=log:0.01:1:5`, its names those of this command line's registry.
extension TuningDimension: ArgumentValue {
    package init(parsing text: String) throws {
        try self.init(parsing: text, registry: CommandLineRegistry.current)
    }
}
