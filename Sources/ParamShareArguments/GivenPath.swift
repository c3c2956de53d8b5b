import ArgumentParser
import Foundation

/// A path a user gave, checked: every path flag and argument of `sweep` and of the notebooks
/// is of this type, so none reaches a command that reads or writes before it passed the check.
///
/// An empty path is no path: Foundation reads it as the current folder, so `--save-models ""`
/// wrote checkpoints there and `--dense ""` said "a file with the same name already exists".
/// Whether the path exists, is a folder or may be written is checked where it is used, by the
/// library, whose `FileError` the command line names the flag of (`SuppliedPaths`).
///
/// Declared as `@Option(transform: GivenPath.init(parsing:))`, so that a refusal says why
/// (``ArgumentValue``).
package struct GivenPath: ArgumentValue, Hashable {
    /// The path as typed.
    package let path: String

    /// `text`, if it can name a file or folder.
    ///
    /// - Throws: `ValidationError` for an empty or blank path.
    package init(parsing text: String) throws {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("the path is \(text.isEmpty ? "empty" : "blank"); name a file or folder (. is the current folder)")
        }
        path = text
    }

    /// The path as typed, so that messages and the help's defaults show it as given.
    package var description: String { path }
}
