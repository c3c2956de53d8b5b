import Foundation

/// Runs a notebook's `study`, ending the process with its error's message and a non-zero exit;
/// the runs already in the tables stay there for the next attempt.
package func runNotebook(_ study: () throws -> Void) {
    // Before any work: a bad command line ends the process with the usage.
    _ = NotebookArguments.current
    do {
        try study()
    } catch {
        say("\nThe notebook stopped: \(error)")
        exit(1)
    }
}
