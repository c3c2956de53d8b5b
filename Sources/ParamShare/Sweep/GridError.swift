/// A sweep grid that cannot be built as written: a malformed list, an unknown model or data set.
package struct GridError: Error, CustomStringConvertible, Equatable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
