import Foundation

/// Checks and creates the folder an output file goes into, with errors in the project's words.
package enum OutputLocation {
    /// Creates the folder of `path` if it is missing, and checks that it is a folder ParamShare may write in.
    ///
    /// - Throws: ``FileError`` when a component of the folder path is a file, the folder
    ///   cannot be created, or it is not writable.
    package static func prepareFolder(of path: String) throws {
        try prepare(folder: path.parentFolder, for: path)
    }

    /// Creates `folder` if it is missing, and checks that it is a folder ParamShare may write in;
    /// errors name `path`, the file to be written there, or the folder itself.
    ///
    /// - Throws: what ``prepareFolder(of:)`` throws.
    package static func prepare(folder: String, for path: String? = nil) throws {
        let path = path ?? folder
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !manager.fileExists(atPath: folder, isDirectory: &isFolder) {
            // Find the deepest existing component: it must be a folder for the rest to be made.
            var existing = folder
            while !existing.isEmpty, existing != "/", !manager.fileExists(atPath: existing, isDirectory: &isFolder) {
                existing = existing.parentFolder
            }
            if !existing.isEmpty, existing != "/", !isFolder.boolValue {
                throw FileError(path: path, problem: "\(existing) is a file, so no folder can be made inside it",
                                fix: "Choose a path whose folders are folders.")
            }
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw FileError(path: path, problem: "its folder \(folder) cannot be created (\(CSVTable.reason(of: error)))",
                                fix: "Choose a path in a folder you can write to.")
            }
        } else if !folder.isEmpty, !isFolder.boolValue {
            throw FileError(path: path, problem: "\(folder) is a file, not a folder", fix: "Choose a path whose folders are folders.")
        }
        let target = folder.isEmpty ? "." : folder
        guard access(target, W_OK) == 0 else {
            throw FileError(path: path, problem: "its folder \(target) is not writable", fix: "Choose a path in a folder you can write to.")
        }
    }
}
