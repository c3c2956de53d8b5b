import ArgumentParser
import NotebookSupport
import Testing

/// A notebook's command line, parsed by argument-parser.
@Suite("Notebook arguments")
struct NotebookArgumentsTests {
    @Test("a part, the smoke test and the data folder parse; no part runs every part")
    func parses() throws {
        let arguments = try NotebookArguments.parse(["--part", "2", "--smoke", "data/cifar-10-batches-bin"])
        #expect(arguments.part == 2 && arguments.smoke && arguments.cifar10?.path == "data/cifar-10-batches-bin")
        #expect(try arguments.parts(of: 3) == [2])
        #expect(try NotebookArguments.parse([]).parts(of: 3) == [1, 2, 3])
        #expect(throws: NotebookError.self) { try arguments.parts(of: 1) }
    }

    @Test("a mistyped flag, a second folder or a part below 1 is refused, never taken for the data's path",
          arguments: [["--smok"], ["--part"], ["--part", "0"], ["--part", "two"], ["one", "two"], ["--parts", "2"]])
    func refuses(arguments: [String]) {
        #expect(throws: (any Error).self) { try NotebookArguments.parse(arguments) }
    }

    @Test("a flag given twice is refused as sweep refuses it, where argument-parser alone keeps the last",
          arguments: [["--part", "1", "--part", "2"], ["--part=1", "--smoke", "--part", "2"], ["--smoke", "--smoke"]])
    func refusesRepeatedFlags(arguments: [String]) throws {
        let flag = try #require(arguments.first).prefix { $0 != "=" }
        do {
            _ = try NotebookArguments.parse(checking: arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            let message = NotebookArguments.message(for: error)
            #expect(message.hasPrefix("\(flag) is given twice, and it takes one value"))
            #expect(!message.contains("a list"), "no notebook flag takes a list: \(message)")
        }
        if flag == "--part" { #expect(try NotebookArguments.parse(arguments).part == 2) }  // argument-parser alone: the later, silently
        #expect(try NotebookArguments.parse(checking: ["--part", "2", "--smoke", "data"]).part == 2)
    }

    @Test("an empty or blank data folder is refused with the reason, never read as the current folder",
          arguments: [("", "empty"), (" ", "blank")])
    func refusesEmptyFolder(text: String, word: String) {
        do {
            _ = try NotebookArguments.parse(checking: ["--smoke", text])
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(NotebookArguments.message(for: error).contains("the path is \(word); name a file or folder"))
        }
    }
}
