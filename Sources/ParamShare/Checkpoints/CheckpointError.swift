/// Why a checkpoint cannot be written, read or used: the file, what is wrong, and what to do.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var detail: String
    public var fix: String

    public init(path: String, detail: String, fix: String) {
        self.path = path
        self.detail = detail
        self.fix = fix
    }

    public var description: String { "checkpoint \(path) \(detail); \(fix)" }
}
