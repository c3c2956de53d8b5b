/// A notebook that cannot go on, with what is wrong and how to fix it.
package struct NotebookError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
