/// Why a tuning search or a selection cannot be used as given, with what to do instead.
public struct TuningError: Error, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
