import Foundation

/// The real data sets beside the package, in `<root>/../shared/datasets`, which tests read where
/// they are present and skip, saying so, where they are not.
public enum SharedDatasets {
    /// The folder of the shared data sets.
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/datasets").standardized.path

    /// The path of `relative` (such as `cifar10-jpeg-sample`) in ``folder``.
    public static func path(_ relative: String) -> String {
        folder + "/" + relative
    }

    /// Whether every one of `paths` exists; where one does not, prints that `what` is skipped and why.
    public static func exist(_ paths: [String], skipping what: String) -> Bool {
        guard let missing = paths.first(where: { !FileManager.default.fileExists(atPath: $0) }) else { return true }
        print("skipping \(what): no \(missing)")
        return false
    }
}
