import Foundation
@testable import ParamShare
import Testing
import TestSupport

/// One error for every file ParamShare cannot read, write or use, in the library's terms.
@Suite("File errors")
struct FileErrorTests {
    @Test("a file error reads as the file, its line, what is wrong and the fix")
    func description() throws {
        #expect("\(FileError(path: "runs.csv", line: 3, problem: "the row has 2 fields but the header has 3", fix: "Repair it."))"
            == "runs.csv, line 3: the row has 2 fields but the header has 3. Repair it.")
        #expect("\(FileError(path: "model.safetensors", problem: "the file does not exist", fix: "Check the path."))"
            == "model.safetensors: the file does not exist. Check the path.")
    }

    @Test("tables, checkpoints and snapshots all fail with a file error")
    func everyReaderThrowsIt() throws {
        try ScratchDirectory.with("file-error") { folder in
            let text = folder + "/text.csv"
            try "a,b\n1\n".write(toFile: text, atomically: true, encoding: .utf8)
            let ragged = try #require(throws: FileError.self) { try CSVReader.read(contentsOfFile: text) }
            #expect(ragged.path == text && ragged.line == 2)
            #expect(throws: FileError.self) { try RunAnalysis(contentsOfFile: text) }
            #expect(throws: FileError.self) { try Checkpoint(contentsOf: text) }
            #expect(throws: FileError.self) { try TrainingSnapshot(contentsOf: text) }
            #expect(throws: FileError.self) { try CSVTable(path: text, columns: ["a", "c"]) }
            #expect(throws: FileError.self) { try OutputLocation.prepareFolder(of: text + "/runs.csv") }
        }
    }

    /// Every line of ParamShare's sources that is not a comment, with its file and number.
    private static func codeLines() throws -> [(file: String, number: Int, text: Substring)] {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ParamShare").path
        return try FileManager.default.subpathsOfDirectory(atPath: sources).sorted().filter { $0.hasSuffix(".swift") }.flatMap { file in
            try String(contentsOfFile: sources + "/" + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated().filter { !$0.element.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                .map { (file, $0.offset + 1, $0.element) }
        }
    }

    @Test("no message of ParamShare names a command-line flag or command: the command line adds the flag that supplied a path")
    func noFlags() throws {
        let flag = /--[a-z]/, command = /`sweep |sweep (run|tune|eval|merge|analyze|export|compress|bench)\b/
        let lines = try Self.codeLines()
        #expect(lines.count > 1000)
        for line in lines where line.text.contains(flag) || line.text.contains(command) {
            Issue.record("Sources/ParamShare/\(line.file):\(line.number): \(line.text.trimmingCharacters(in: .whitespaces))")
        }
    }
}
