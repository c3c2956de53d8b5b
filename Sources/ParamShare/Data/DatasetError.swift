/// Why a data set could not be read. Every case names the file, what was wrong and what was expected.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, for tests and for callers that react to one kind.
    public enum Kind: Sendable, Equatable {
        case missingFile
        case unreadable
        case wrongMagic
        case truncated
        case wrongSize
        case badLabel
        case inconsistent
        case corruptCompression
        /// An image file whose decoder failed or had to fill in damaged data.
        case undecodable
        /// A folder that should hold images or class folders and holds none.
        case emptyFolder
    }

    public var kind: Kind
    /// The file at fault.
    public var path: String
    /// What was wrong and what was expected, in one sentence.
    public var detail: String
    /// What the user can do about it.
    public var fix: String

    package init(_ kind: Kind, path: String, detail: String, fix: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
        self.fix = fix
    }

    public var description: String { "\(path): \(detail). \(fix)" }
}
