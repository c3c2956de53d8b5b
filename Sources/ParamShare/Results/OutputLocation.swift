import Foundation

/// Checks and creates the folder an output file goes into, with errors in the project's words.
public enum OutputLocation {
    /// Creates the folder of `path` if it is missing, and checks that it is a folder ParamShare may write in.
    ///
    /// - Throws: ``CSVTableError`` when a component of the folder path is a file, the folder
    ///   cannot be created, or it is not writable.
    public static func prepareFolder(of path: String) throws {
        let folder = path.parentFolder
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !manager.fileExists(atPath: folder, isDirectory: &isFolder) {
            // Find the deepest existing component: it must be a folder for the rest to be made.
            var existing = folder
            while !existing.isEmpty, existing != "/", !manager.fileExists(atPath: existing, isDirectory: &isFolder) {
                existing = existing.parentFolder
            }
            if !existing.isEmpty, existing != "/", !isFolder.boolValue {
                throw CSVTableError(path: path, detail: "\(existing) is a file, so no folder can be made inside it",
                                    fix: "Pass an --out whose folders are folders.")
            }
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw CSVTableError(path: path, detail: "its folder \(folder) cannot be created (\(CSVTable.reason(of: error)))",
                                    fix: "Pass an --out in a folder you can write to.")
            }
        } else if !folder.isEmpty, !isFolder.boolValue {
            throw CSVTableError(path: path, detail: "\(folder) is a file, not a folder", fix: "Pass an --out whose folders are folders.")
        }
        let target = folder.isEmpty ? "." : folder
        guard access(target, W_OK) == 0 else {
            throw CSVTableError(path: path, detail: "its folder \(target) is not writable", fix: "Pass an --out in a folder you can write to.")
        }
    }
}
