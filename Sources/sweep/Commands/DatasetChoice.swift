import ArgumentParser
import ParamShare

/// The data sets `sweep` can train on.
enum DatasetChoice: String, ExpressibleByArgument, CaseIterable {
    case digits, cifar10, cifar100, mnist
    case fashionMNIST = "fashion-mnist"
    case kmnist

    var isCIFAR: Bool { self == .cifar10 || self == .cifar100 }

    /// Loads the training and test splits, from the package for digits and from `directory` otherwise.
    func load(directory: String?) throws -> DatasetSplit {
        switch self {
        case .digits: try DigitsLoader.load()
        case .cifar10: try CIFARLoader.loadCIFAR10(directory: directory ?? ".")
        case .cifar100: try CIFARLoader.loadCIFAR100(directory: directory ?? ".")
        case .mnist, .fashionMNIST, .kmnist: try IDXLoader.loadMNISTFamily(directory: directory ?? ".", name: rawValue)
        }
    }
}

extension TrainingConfiguration.ScheduleChoice: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerChoice: ExpressibleByArgument {}
extension GeneratorSetting.Kind: ExpressibleByArgument {}
