import Foundation

/// The header and rows of a CSV file, as read by `CSVReader`.
package struct CSVDocument: Sendable, Equatable {
    /// The first column name the header repeats, if any: a row's value under it would be ambiguous.
    package var repeatedColumn: String? {
        var seen = Set<String>()
        return header.first { !seen.insert($0).inserted }
    }

    /// Where the text came from (a path, or a name for text that has none), for error messages.
    package var source: String
    /// The fields of the first record.
    package var header: [String]
    /// Every later record, each with as many fields as `header`.
    package var rows: [[String]]
    /// The line of the file on which each row starts (1 is the header), so that a complaint
    /// about a value can name the line an editor shows; a quoted field may span several lines.
    package var lineNumbers: [Int]

    package init(source: String, header: [String], rows: [[String]], lineNumbers: [Int]) {
        self.source = source
        self.header = header
        self.rows = rows
        self.lineNumbers = lineNumbers
    }
}

/// Reads RFC 4180 CSV: the format `CSVTable` writes, and that spreadsheets, pandas and R export.
///
/// Fields holding a comma, a quote or a line break are quoted and their quotes doubled; records
/// end with LF, CRLF or CR, and a quoted field may hold any of them. Blank lines are skipped, as
/// pandas does, so a trailing newline or two is harmless. Every record must have the header's
/// number of fields: a ragged row usually means a truncated write or a hand edit, and guessing
/// which field went missing would silently shift the columns after it.
package enum CSVReader {
    /// Reads the CSV file at `path`.
    package static func read(contentsOfFile path: String) throws -> CSVDocument {
        let data = try FileContents.readExisting(path, kind: "CSV file", folderFix: "Name the CSV file inside it.")
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileError(path: path, problem: "it is not UTF-8 text", fix: "Save it as UTF-8 CSV.")
        }
        return try parse(text, source: path)
    }

    /// Parses CSV `text`; `source` names it in errors.
    package static func parse(_ text: String, source: String) throws -> CSVDocument {
        var records = try records(in: text, source: source)
        guard !records.isEmpty else {
            throw FileError(path: source, problem: "it is empty, with not even a header line",
                            fix: "Point at a CSV file whose first line names its columns.")
        }
        let header = records.removeFirst().fields
        for record in records where record.fields.count != header.count {
            throw FileError(path: source, line: record.line,
                            problem: "the row has \(record.fields.count) fields but the header has \(header.count)",
                            fix: "Repair or delete that row; a field with a comma, quote or line break must be in double quotes.")
        }
        return CSVDocument(source: source, header: header, rows: records.map(\.fields), lineNumbers: records.map(\.line))
    }

    /// The records of `text` with the line each starts on, blank lines left out.
    private static func records(in text: String, source: String) throws -> [(fields: [String], line: Int)] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        // Bytes, not Characters: Swift treats CRLF as one Character, and every delimiter is ASCII,
        // which never occurs inside a multi-byte UTF-8 sequence.
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // Excel's byte-order mark
        // No table holds a NUL: a field with one (a damaged or crafted row) would name a cell no
        // sweep wrote, so that its run would train again and count twice.
        if let nul = bytes.firstIndex(of: 0) {
            throw FileError(path: source, line: 1 + bytes[..<nul].reduce(0) { $0 + ($1 == lf ? 1 : 0) },
                            problem: "the line holds a NUL byte, which no field of a table holds",
                            fix: "Repair or delete that row; the file was left unchanged.")
        }

        var records = [(fields: [String], line: Int)]()
        var fields = [String](), field = [UInt8]()
        var line = 1, recordLine = 1
        var recordHasContent = false  // false on a blank line, which is skipped rather than read as one empty field
        var index = 0

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            if recordHasContent {
                endField()
                records.append((fields, recordLine))
            }
            fields.removeAll()
            field.removeAll(keepingCapacity: true)
            recordHasContent = false
        }
        /// Skips the line break at `index` (CRLF, LF or CR).
        func skipLineBreak() {
            if bytes[index] == cr, index + 1 < bytes.count, bytes[index + 1] == lf { index += 1 }
            index += 1
            line += 1
        }

        while index < bytes.count {
            let byte = bytes[index]
            if !recordHasContent { recordLine = line }
            if byte == quote && field.isEmpty {  // a quote opening a field; a closing one is always followed by a delimiter
                recordHasContent = true
                let openingLine = line
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw FileError(path: source, line: openingLine, problem: "a quoted field opened here is never closed",
                                        fix: "Add the closing double quote; a quote inside a field is written as two.")
                    }
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < bytes.count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    if inner == lf || (inner == cr && !(index + 1 < bytes.count && bytes[index + 1] == lf)) { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard index == bytes.count || bytes[index] == comma || bytes[index] == cr || bytes[index] == lf else {
                    throw FileError(path: source, line: line, problem: "text follows the closing quote of a quoted field",
                                    fix: "Put the whole field in quotes and double the quotes inside it.")
                }
            } else if byte == quote {
                throw FileError(path: source, line: line, problem: "a double quote appears inside an unquoted field",
                                fix: "Put that field in double quotes and double the quote inside it.")
            } else if byte == comma {
                recordHasContent = true
                endField()
                index += 1
            } else if byte == cr || byte == lf {
                endRecord()
                skipLineBreak()
            } else {
                recordHasContent = true
                field.append(byte)
                index += 1
            }
        }
        endRecord()
        return records
    }
}
