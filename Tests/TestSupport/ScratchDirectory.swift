import Foundation

/// A new, empty folder under the system's temporary folder, for one test's files.
public enum ScratchDirectory {
    /// Creates `TMP/PREFIX-UUID` and returns its path; the test removes it.
    public static func make(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs `body` in a new scratch folder (its path), and removes the folder afterwards.
    @discardableResult
    public static func with<Result>(_ prefix: String, _ body: (String) throws -> Result) throws -> Result {
        let path = try make(prefix)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }
}
