import ArgumentParser

/// The check every path a user gives passes before a command reads or writes anything: as the
/// transform of each path flag and argument (`@Option(transform: GivenPath.checked)`).
///
/// An empty path is no path: Foundation reads it as the current folder, so `--save-models ""`
/// wrote checkpoints there and `--dense ""` said "a file with the same name already exists".
/// Whether the path exists, is a folder or may be written is checked where it is used, by the
/// library, whose ``FileError`` the command line names the flag of (``SuppliedPaths``).
enum GivenPath {
    /// `text`, if it can name a file or folder.
    ///
    /// - Throws: `ValidationError` for an empty or blank path.
    static func checked(_ text: String) throws -> String {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("the path is \(text.isEmpty ? "empty" : "blank"); name a file or folder (. is the current folder)")
        }
        return text
    }
}
