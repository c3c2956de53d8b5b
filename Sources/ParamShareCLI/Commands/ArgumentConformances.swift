import ArgumentParser
import ParamShare

extension DatasetName: ExpressibleByArgument {}
extension SharingScope: ExpressibleByArgument {}
extension TrainingConfiguration.ScheduleChoice: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerChoice: ExpressibleByArgument {}
