/// The data sets ParamShare reads, by the name a user types.
public enum DatasetName: String, Sendable, CaseIterable {
    /// The embedded UCI optical digits (8×8), the default.
    case digits
    case cifar10, cifar100, mnist
    case fashionMNIST = "fashion-mnist"
    case kmnist

    /// Whether the set is CIFAR (32×32 colour), which trains with crop and flip.
    public var isCIFAR: Bool { self == .cifar10 || self == .cifar100 }

    /// Whether the set ships inside the package rather than in a folder of official files.
    public var isEmbedded: Bool { self == .digits }

    /// Loads the training and test splits: from the package for digits, from `directory` (the
    /// folder of the official files) otherwise.
    public func load(directory: String?) throws -> DatasetSplit {
        switch self {
        case .digits: try DigitsLoader.load()
        case .cifar10: try CIFARLoader.loadCIFAR10(directory: directory ?? ".")
        case .cifar100: try CIFARLoader.loadCIFAR100(directory: directory ?? ".")
        case .mnist, .fashionMNIST, .kmnist: try IDXLoader.loadMNISTFamily(directory: directory ?? ".", name: rawValue)
        }
    }
}
