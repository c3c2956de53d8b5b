import Foundation

/// A tidy CSV file that grows one complete row at a time.
///
/// The header is written when the file is created; appending to a file whose header differs
/// is refused rather than mixing two layouts in one table. Rows go out in single `write`s to a
/// file opened for appending, so an interrupted program leaves whole rows, and each write is
/// flushed to the disk with `fsync` before `append` returns: after a power loss, every row the
/// program had reported written is there, and a row cut off mid-write is repaired on the next
/// open (see ``readExisting(at:accepting:expected:explaining:)``).
package struct CSVTable: Sendable {
    package let path: String
    package let columns: [String]

    /// What opening the table repaired at its end, for the caller to report (see ``readExisting(at:accepting:expected:explaining:)``).
    package let repair: String?

    /// Opens `path` for appending rows with `columns`, creating it (and its folder) with a header if needed.
    ///
    /// - Throws: ``FileError`` naming the file (and the line) when it cannot be created,
    ///   read or appended to, or is not a table with exactly these columns; the file is then
    ///   left as it was.
    package init(path: String, columns: [String]) throws {
        self.path = path
        self.columns = columns
        try OutputLocation.prepareFolder(of: path)
        let expectedLine = Self.line(columns)
        if let existing = try Self.readExisting(at: path, accepting: { $0 == columns }, expected: "this table's") {
            repair = existing.repair
        } else {
            repair = nil
            do {
                try expectedLine.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw FileError(path: path, problem: "it cannot be created (\(Self.reason(of: error)))",
                                fix: "Choose a path in a folder you can write to.")
            }
        }
    }

    /// Appends one row; `values` must match the columns one for one.
    package func append(_ values: [String]) throws {
        try append(rows: [values])
    }

    /// Appends rows with a single `write` to a file opened with `O_APPEND`.
    ///
    /// One system call per batch means a program killed at any moment leaves either all of
    /// the batch or none of it, never half a line, and the kernel places each batch at the
    /// current end even if another process appends too.
    package func append(rows: [[String]]) throws {
        guard !rows.isEmpty else { return }
        precondition(rows.allSatisfy { $0.count == columns.count }, "a row does not have \(columns.count) values")
        let bytes = Array(rows.map(Self.line).joined().utf8)
        let descriptor = open(path, O_WRONLY | O_APPEND)
        guard descriptor >= 0 else {
            throw FileError(path: path, problem: "it cannot be opened for appending (\(String(cString: strerror(errno))))",
                            fix: "Check the folder exists and is writable.")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw FileError(path: path, problem: "only \(written) of \(bytes.count) bytes were written (\(String(cString: strerror(errno))))",
                            fix: "Check the disk has room; the next run repairs the table's cut-off last line.")
        }
        guard fsync(descriptor) == 0 else {
            throw FileError(path: path, problem: "the rows could not be flushed to the disk (\(String(cString: strerror(errno))))",
                            fix: "Check the disk; the next run repairs a cut-off last line.")
        }
    }

    /// The values of column `name` in every row, in file order.
    package func column(_ name: String) throws -> [String] {
        let document = try CSVReader.read(contentsOfFile: path)
        guard let index = document.header.firstIndex(of: name) else {
            throw FileError(path: path, problem: "it has no column '\(name)'", fix: "Use a table written by this version of ParamShare.")
        }
        return document.rows.map { $0[index] }
    }

    /// Rewrites the table without the rows for which `isRemoved` is true.
    package func removeRows(where isRemoved: ([String]) -> Bool) throws {
        let document = try CSVReader.read(contentsOfFile: path)
        let kept = document.rows.filter { !isRemoved($0) }
        guard kept.count < document.rows.count else { return }
        try Self.replace(path: path, columns: columns, rows: kept)
    }

    /// Rewrites the table at `path` with `columns`, which must include all of its own: each row
    /// keeps its values under their column names and gets `fill(column, value)` in each new
    /// column, `value` giving the row's value in a column it has.
    package static func widen(path: String, to columns: [String], fill: (_ column: String, _ value: (String) -> String?) -> String) throws {
        let document = try CSVReader.read(contentsOfFile: path)
        let position = Dictionary(document.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        if let lost = document.header.first(where: { !columns.contains($0) }) {
            throw FileError(path: path, problem: "widening it would drop its column '\(lost)'",
                            fix: "Write to a new file, or move the old one away.")
        }
        let rows = document.rows.map { row in
            columns.map { position[$0].map { row[$0] } ?? fill($0) { column in position[column].map { row[$0] } } }
        }
        try replace(path: path, columns: columns, rows: rows)
    }

    /// Writes `columns` and `rows` to a temporary file renamed over `path`, so that a crash
    /// leaves either the old or the new table.
    private static func replace(path: String, columns: [String], rows: [[String]]) throws {
        let temporary = path + ".rewrite"
        try ([line(columns)] + rows.map(line)).joined().write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else {
            throw FileError(path: path, problem: "it could not be replaced (\(String(cString: strerror(errno))))",
                            fix: "Check the folder is writable.")
        }
    }

    /// One CSV line (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled.
    package static func line(_ fields: [String]) -> String {
        fields.map { field in
            // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }
}
