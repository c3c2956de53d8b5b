/// A runs table that cannot be analysed: which file, where, what is wrong and how to fix it.
public struct AnalysisError: Error, CustomStringConvertible {
    public var source: String
    /// The 1-based line of the problem, when it has one.
    public var line: Int?
    public var detail: String
    public var fix: String

    public init(source: String, line: Int? = nil, detail: String, fix: String) {
        self.source = source
        self.line = line
        self.detail = detail
        self.fix = fix
    }

    public var description: String {
        "\(source)\(line.map { ", line \($0)" } ?? ""): \(detail). \(fix)"
    }
}
