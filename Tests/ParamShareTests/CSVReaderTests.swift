import Foundation
import ParamShare
import Testing

@Suite("CSV reader")
struct CSVReaderTests {
    /// Fields that need every rule of RFC 4180: commas, quotes, line breaks (a CRLF among them,
    /// which Swift reads as one Character), empties.
    private static let awkward = [
        "plain", "with,comma", "with \"quotes\"", "line\nbreak", "", "lone\rreturn", " spaced ", "ünïcødé ✓",
        "\"", ",", "\"\"", "trailing\n", "a,\"b\"\nc", "crlf\r\ninside",
    ]

    @Test("awkward fields written by CSVTable.line read back unchanged")
    func roundTrip() throws {
        let header = (0..<Self.awkward.count).map { "column \($0)" }
        let rows = [Self.awkward, Self.awkward.reversed(), Array(repeating: "", count: Self.awkward.count)]
        let text = ([header] + rows).map(CSVTable.line).joined()
        let document = try CSVReader.parse(text, source: "awkward.csv")
        #expect(document.header == header)
        #expect(document.rows == rows)
    }

    @Test("CRLF records, a missing final newline, blank lines and a byte-order mark are all accepted")
    func lineEndings() throws {
        let text = "\u{FEFF}a,b\r\n1,\"x\r\ny\"\r\n\r\n2,z"
        let document = try CSVReader.parse(text, source: "crlf.csv")
        #expect(document.header == ["a", "b"])
        #expect(document.rows == [["1", "x\r\ny"], ["2", "z"]])
        // Header (line 1), the row holding a line break (2–3), a blank line (4), the last row (5).
        #expect(document.lineNumbers == [2, 5])
    }

    @Test("rows after a multi-line field report the line they start on")
    func lineNumbers() throws {
        let text = "a,b\n\"one\ntwo\nthree\",1\nx,2\n"
        let document = try CSVReader.parse(text, source: "lines.csv")
        #expect(document.lineNumbers == [2, 5])
    }

    @Test("malformed input fails naming the file and the line", arguments: [
        ("a,b\n1,2\n\"open,3\n4,5\n", "line 3", "never closed"),
        ("a,b\n1,2\n3\n", "line 3", "1 fields but the header has 2"),
        ("a,b\n1,2,3\n", "line 2", "3 fields but the header has 2"),
        ("a,b\n\"x\"y,2\n", "line 2", "text follows the closing quote"),
        ("a,b\nx\"y,2\n", "line 2", "double quote appears inside an unquoted field"),
        ("", "bad.csv:", "empty"),
    ])
    func rejects(text: String, location: String, message: String) {
        #expect {
            try CSVReader.parse(text, source: "bad.csv")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("bad.csv") && description.contains(location) && description.contains(message)
        }
    }

    @Test("a missing file is named in the error")
    func missingFile() {
        #expect {
            try CSVReader.read(contentsOfFile: "/nonexistent/runs.csv")
        } throws: { error in
            "\(error)".contains("/nonexistent/runs.csv") && "\(error)".contains("does not exist")
        }
    }

    @Test("a file on disk reads like its text")
    func readsFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-reader-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (CSVTable.line(["x", "y"]) + CSVTable.line(["1", "a,b"])).write(toFile: path, atomically: true, encoding: .utf8)
        let document = try CSVReader.read(contentsOfFile: path)
        #expect(document.source == path)
        #expect(document.rows == [["1", "a,b"]])
    }
}
