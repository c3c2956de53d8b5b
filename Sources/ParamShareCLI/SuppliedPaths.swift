import Foundation
import ParamShare
import ParamShareArguments

/// The paths a command was given, each with the flag or argument that gave it, so that an error
/// about one of those files, or about a file the command derives from one, names the flag.
///
/// ParamShare's errors name the file and say the fix in the library's terms ("write to a new
/// file"); only the command line knows that `--out`, `--save-models` or a notebook's argument
/// supplied the path.
struct SuppliedPaths {
    private let entries: [(label: String, path: String)]

    /// `entries` pairs a label (`--out`, `checkpoint`) with the path it gave; `nil` paths were not given.
    init(_ entries: [(label: String, path: GivenPath?)]) {
        self.entries = entries.compactMap { entry in entry.path.map { (entry.label, $0.path) } }
    }

    /// Runs `body`, rethrowing a ``FileError`` or ``DatasetError`` with the flag or argument that
    /// supplied its file.
    func naming<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as FileError {
            throw supplier(of: error.path).map { SuppliedFileError(label: $0.label, given: $0.path, error: error, path: error.path) } ?? error
        } catch let error as DatasetError {
            throw supplier(of: error.path).map { SuppliedFileError(label: $0.label, given: $0.path, error: error, path: error.path) } ?? error
        }
    }

    /// The entry that gave `path`: the path itself; else the folder it lies in or the file whose
    /// companion it is (`runs.csv` gives `runs.epochs.csv`, `runs.snapshots/…`, `runs.csv.torn`),
    /// the longest where several match; else the file whose folder it is (where the analysis of
    /// `runs.csv` goes).
    private func supplier(of path: String) -> (label: String, path: String)? {
        func folder(of file: String) -> String {
            let folder = (file as NSString).deletingLastPathComponent
            return folder.isEmpty ? "." : folder
        }
        if let exact = entries.first(where: { $0.path == path }) { return exact }
        let enclosing = entries.filter { entry in
            let stem = entry.path.hasSuffix(".csv") ? String(entry.path.dropLast(4)) : entry.path
            return path.hasPrefix(entry.path + "/") || path.hasPrefix(stem + ".")
        }
        return enclosing.max { $0.path.count < $1.path.count } ?? entries.first { folder(of: $0.path) == path }
    }
}

/// A file error with the flag or argument that supplied the file: `--out runs.csv: …`, or
/// `--out runs.csv: runs.epochs.csv, line 3: …` for a file derived from it.
struct SuppliedFileError: Error, CustomStringConvertible {
    var label: String
    var given: String
    var error: any Error
    /// The file the error is about.
    var path: String

    var description: String {
        path == given ? "\(label) \(error)" : "\(label) \(given): \(error)"
    }
}
