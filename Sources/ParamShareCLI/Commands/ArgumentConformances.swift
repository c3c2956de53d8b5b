import ArgumentParser
import ParamShare
import ParamShareEngine

extension DatasetName: ExpressibleByArgument {}
extension SharingScope: ExpressibleByArgument {}
extension TrainingConfiguration.ScheduleChoice: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerChoice: ExpressibleByArgument {}
extension ComputePrecision: ExpressibleByArgument {}
extension ImageFolderReading.Mode: ExpressibleByArgument {}
extension ValidationSize: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}
