import Foundation

/// Runs a notebook's `study`, ending the process with its error's message and a non-zero exit;
/// the runs already in the tables stay there for the next attempt.
package func runNotebook(_ study: () throws -> Void) {
    // Before any work: a bad command line ends the process with the usage.
    _ = NotebookArguments.current
    // The folder comes from the source path the binary was built from, so a binary built in
    // another checkout writes into that checkout: say where, before anything trains.
    say("Reading and writing tables under \(NotebookPaths.results)")
    do {
        try study()
    } catch {
        say("\nThe notebook stopped: \(error)")
        exit(1)
    }
}
