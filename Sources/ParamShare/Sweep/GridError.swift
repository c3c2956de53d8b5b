/// A sweep grid that cannot be built as written: a malformed list, an unknown model or data set.
public struct GridError: Error, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
