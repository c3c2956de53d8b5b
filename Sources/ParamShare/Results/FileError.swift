/// A file that cannot be read, written or used as asked: which file, which line, what is
/// wrong, and the fix.
///
/// One type for every file ParamShare reads or writes (runs and per-epoch tables, checkpoints,
/// training snapshots, study plans, analysis outputs), so that a caller handles them alike.
/// The fix is said in the library's terms (a path, a table, a checkpoint), never in a command
/// line's: only the caller knows which flag or argument supplied ``path``, and a command line
/// adds it (ParamShareCLI does).
public struct FileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, or a name for text that has none.
    public var path: String
    /// The 1-based line of the problem, when it has one.
    public var line: Int?
    /// What is wrong, as a clause about the file: "its header is not a runs table's".
    public var problem: String
    /// What to do about it, as a sentence.
    public var fix: String

    package init(path: String, line: Int? = nil, problem: String, fix: String) {
        self.path = path
        self.line = line
        self.problem = problem
        self.fix = fix
    }

    /// `PATH, line N: PROBLEM. FIX`
    public var description: String {
        "\(path)\(line.map { ", line \($0)" } ?? ""): \(problem). \(fix)"
    }
}
