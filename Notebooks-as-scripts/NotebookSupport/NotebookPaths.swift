import Foundation

/// Where the notebooks read and write, found from this file's place in the package.
public enum NotebookPaths {
    /// The package root: two folders above this file.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The `results/` folder.
    public static let results = root + "/results"

    /// The official CIFAR-10 binary batches: the first argument that is not an option, or the
    /// workplace's shared copy.
    public static var cifar10: String {
        NotebookArguments.positional.first ?? root + "/../shared/datasets/cifar10/cifar-10-batches-bin"
    }
}
