/// A notebook that cannot go on, with what is wrong and how to fix it.
public struct NotebookError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
