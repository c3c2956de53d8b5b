import Foundation

/// The whole of a file a user named, read once for every reader (CSV tables, checkpoints), with
/// the reasons it cannot be told apart: nothing there, a folder, a folder on the way that may not
/// be searched, or a file that may not be read.
///
/// `FileManager.fileExists` answers false for a file inside a folder the process may not search,
/// so that an unreadable folder was reported as a missing file.
package enum FileContents {
    /// The bytes of the file at `path`, or `nil` when there is nothing at `path` (a component of
    /// it missing, or a file where a folder should be, which writing it would report).
    ///
    /// - Throws: ``FileError`` for a folder (`kind` names what was expected, `folderFix` what to
    ///   give instead), a folder on the way that may not be searched, or a file that cannot be
    ///   read (`readFix` says what to do).
    package static func read(_ path: String, kind: String, folderFix: String, readFix: String = "Check that you may read it.") throws -> Data? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw FileError(path: path, problem: "it cannot be reached (\(String(cString: strerror(code))))",
                            fix: "Check that you may read it and search the folders above it.")
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            throw FileError(path: path, problem: "it is a folder, not a \(kind)", fix: folderFix)
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileError(path: path, problem: "it cannot be read (\(CSVTable.reason(of: error)))", fix: readFix)
        }
    }

    /// The bytes of the file at `path`, which must exist; see ``read(_:kind:folderFix:readFix:)``.
    package static func readExisting(_ path: String, kind: String, folderFix: String) throws -> Data {
        guard let data = try read(path, kind: kind, folderFix: folderFix) else {
            throw FileError(path: path, problem: "the file does not exist", fix: "Check the path.")
        }
        return data
    }
}
