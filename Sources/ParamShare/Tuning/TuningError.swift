/// Why a tuning search or a selection cannot be used as given, with what to do instead.
package struct TuningError: Error, CustomStringConvertible, Equatable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
