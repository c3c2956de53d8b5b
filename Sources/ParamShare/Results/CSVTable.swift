import Foundation

/// A tidy CSV file that grows one complete row at a time.
///
/// The header is written when the file is created; appending to a file whose header differs
/// is refused rather than mixing two layouts in one table. Each row goes out in a single
/// `write` to a file opened for appending, so an interrupted program leaves whole rows.
public struct CSVTable {
    public let path: String
    public let columns: [String]

    /// Opens `path` for appending rows with `columns`, creating it (and its folder) with a header if needed.
    public init(path: String, columns: [String]) throws {
        self.path = path
        self.columns = columns
        let manager = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        if manager.fileExists(atPath: path), let existing = try? String(contentsOfFile: path, encoding: .utf8), !existing.isEmpty {
            let header = existing.prefix { $0 != "\n" && $0 != "\r\n" }
            guard header == Self.line(columns).dropLast() else {
                throw CSVTableError(path: path, detail: "its header is not this table's (\(columns.count) columns starting with \(columns.first ?? ""))",
                                    fix: "Write to a new file with --out, or move the old one away.")
            }
        } else {
            try Self.line(columns).write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// Appends one row; `values` must match the columns one for one.
    public func append(_ values: [String]) throws {
        precondition(values.count == columns.count, "\(values.count) values for \(columns.count) columns")
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CSVTableError(path: path, detail: "it cannot be opened for writing", fix: "Check the folder exists and is writable.")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(Self.line(values).utf8))
    }

    /// One CSV line (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled.
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }
}

/// A results file that cannot be written as asked.
public struct CSVTableError: Error, CustomStringConvertible {
    public var path: String
    public var detail: String
    public var fix: String
    public var description: String { "\(path): \(detail). \(fix)" }
}
