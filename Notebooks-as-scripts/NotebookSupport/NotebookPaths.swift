import Foundation

/// Where the notebooks read and write, found from this file's place in the package.
package enum NotebookPaths {
    /// The package root: two folders above this file.
    package static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The `results/` folder, or a scratch folder for a smoke test (``NotebookArguments/isSmokeTest``).
    package static let results = NotebookArguments.isSmokeTest
        ? FileManager.default.temporaryDirectory.appendingPathComponent("paramshare-notebook-smoke").path
        : root + "/results"

    /// The official CIFAR-10 binary batches: the notebook's argument, or the workplace's shared copy.
    package static var cifar10: String {
        NotebookArguments.current.cifar10?.path ?? root + "/../shared/datasets/cifar10/cifar-10-batches-bin"
    }
}
