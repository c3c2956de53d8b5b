import Foundation

/// A notebook's generated findings: what it prints, also kept as `results/<claim>/findings.md`.
///
/// Every number in it comes from the runs tables; the human reading of it lives in
/// `results/README.md`, which quotes this file rather than retyping figures.
package struct Findings {
    private var blocks: [String] = []
    package let title: String

    package init(title: String) {
        self.title = title
    }

    /// Prose: printed as narration, kept as a paragraph.
    package mutating func paragraph(_ text: String) {
        narrate(text)
        blocks.append(text)
    }

    /// A preformatted block (tables of numbers): printed indented, kept verbatim.
    package mutating func block(_ text: String) {
        guard !text.isEmpty else { return }
        say("")
        sayIndented(text)
        blocks.append("```\n" + text + "\n```")
    }

    /// Writes the findings into `folder/findings.md`.
    package func write(into folder: String, command: String) throws {
        let text = (["# " + title, "Written by `\(command)`; do not edit: rerun it."] + blocks).joined(separator: "\n\n") + "\n"
        let path = folder + "/findings.md"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        say("    wrote \(path)")
    }
}
