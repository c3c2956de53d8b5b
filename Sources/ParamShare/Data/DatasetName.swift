import Foundation

/// The data sets ParamShare reads, by the name a user types.
public enum DatasetName: String, Sendable, CaseIterable {
    /// The embedded UCI optical digits (8×8), the default.
    case digits
    case cifar10, cifar100, mnist
    case fashionMNIST = "fashion-mnist"
    case kmnist
    /// Image files in class folders (``ImageFolderLoader``), at a size the user chooses.
    case folder

    /// Whether the set is CIFAR (32×32 colour), which trains with crop and flip.
    package var isCIFAR: Bool { self == .cifar10 || self == .cifar100 }

    /// Whether the set ships inside the package rather than in a folder of official files.
    package var isEmbedded: Bool { self == .digits }

    /// Whether the set's images come in many sizes and are brought to `--image-size`.
    package var needsImageSize: Bool { self == .folder }

    /// Loads the training and test splits: from the package for digits, from `directory` (the
    /// folder of the official files) otherwise; an image folder at `imageSize × imageSize`, in
    /// memory or streamed as `folderReading` says.
    public func load(directory: String?, imageSize: Int? = nil, folderReading: ImageFolderReading = ImageFolderReading()) throws -> DatasetSplit {
        if !isEmbedded { try Self.checkReadable(directory ?? ".") }
        switch self {
        case .folder:
            guard let imageSize else { preconditionFailure("an image folder is loaded at an image size") }
            return try ImageFolderLoader.load(directory: directory ?? ".", imageSize: imageSize, reading: folderReading)
        case .digits: return try DigitsLoader.load()
        case .cifar10: return try CIFARLoader.loadCIFAR10(directory: directory ?? ".")
        case .cifar100: return try CIFARLoader.loadCIFAR100(directory: directory ?? ".")
        case .mnist, .fashionMNIST, .kmnist: return try IDXLoader.loadMNISTFamily(directory: directory ?? ".", name: rawValue)
        }
    }

    /// Throws when `directory` exists but may not be searched or read, which the loaders, asking
    /// only whether their files exist, would report as missing files.
    private static func checkReadable(_ directory: String) throws {
        var status = stat()
        if stat(directory, &status) != 0 {
            guard errno == EACCES else { return }  // missing: each loader names what it looked for
        } else if status.st_mode & S_IFMT != S_IFDIR || access(directory, R_OK | X_OK) == 0 {
            return
        }
        throw DatasetError(.unreadable, path: directory, detail: "may not be read (permission denied), here or in a folder above it",
                           fix: "Check the folder's permissions, or copy the data set where you may read it.")
    }

    /// The data set and image size of a name as runs record it (``ImageDataset/name``): `cifar10`,
    /// or `folder-64` for an image folder read at 64×64; `nil` for a name this version does not know.
    package static func parsing(recorded name: String) -> (DatasetName, imageSize: Int?)? {
        if let dataset = DatasetName(rawValue: name), !dataset.needsImageSize { return (dataset, nil) }
        let prefix = "\(DatasetName.folder.rawValue)-"
        guard name.hasPrefix(prefix), let size = Int(name.dropFirst(prefix.count)), size > 0 else { return nil }
        return (.folder, size)
    }
}
