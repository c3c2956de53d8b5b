import Foundation

/// Prints a line at once, even into a log file, so that a study can be followed as it runs.
package func say(_ line: String) {
    print(line)
    fflush(nil)  // all streams: Swift 6 cannot name the C global `stdout`
}

/// Prints `text` with every line indented by `indent`.
package func sayIndented(_ text: String, by indent: String = "    ") {
    say(text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }.joined(separator: "\n"))
}

/// Prints a paragraph of a notebook's prose.
package func narrate(_ text: String) {
    say("")
    sayIndented(text, by: "  ")
}
