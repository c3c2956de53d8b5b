import Foundation

extension CSVTable {
    /// An existing table as read from disk, before anything is appended to it.
    package struct Existing: Sendable {
        /// The complete lines: the header and every whole row.
        package var document: CSVDocument
        /// What had to be repaired at the end of the file, in words for the user; `nil` when nothing did.
        package var repair: String?
    }

    /// Reads the table at `path`, or returns `nil` when there is no file or it is empty.
    ///
    /// Every row is written with its newline in one `write`, so a file whose last line lacks its
    /// newline was cut mid-write (a crash, a full disk, a power loss) or edited by hand. The rule:
    /// once everything before the last newline has read as a valid table whose header
    /// `isAcceptable`, the unterminated last line is moved, byte for byte, to `PATH.torn` and cut
    /// from the table, and `repair` says so. The run it belonged to never counted as finished,
    /// so a resumed sweep trains it again; nothing is lost, and the next row cannot be glued onto
    /// a fragment. Anything else wrong (bytes that are not UTF-8, a row of the wrong width, another
    /// header) throws an error naming the file and the line, and leaves the file untouched.
    /// `explaining` may add why a header that is not acceptable differs, such as the columns an
    /// older version did not write.
    package static func readExisting(at path: String, accepting isAcceptable: ([String]) -> Bool,
                                    expected: String, explaining explain: ([String]) -> String? = { _ in nil }) throws -> Existing? {
        guard let data = try FileContents.read(path, kind: "table file", folderFix: "Name a CSV file, such as \((path as NSString).appendingPathComponent("runs.csv")).",
                                               readFix: "Check that you may read it, or write to a new file.") else { return nil }
        guard !data.isEmpty else { return nil }
        let end = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? data.startIndex
        let body = data[data.startIndex..<end], tail = data[end...]
        guard !body.isEmpty else {
            throw FileError(path: path, problem: "its first line has no end, so it holds no complete header",
                            fix: "Move it away; a new table is then written in its place.")
        }
        guard let text = String(data: body, encoding: .utf8) else {
            throw FileError(path: path, problem: "line \(Self.firstLineThatIsNotUTF8(body)) is not UTF-8 text, so this is not a table ParamShare wrote",
                            fix: "Restore the file from a copy, or write to a new file; it was left unchanged.")
        }
        let document = try CSVReader.parse(text, source: path)
        guard isAcceptable(document.header) else {
            let reason = explain(document.header).map { ": \($0)" } ?? ""
            throw FileError(path: path, problem: "its header is not \(expected) (\(document.header.count) columns starting with \(document.header.first ?? ""))\(reason)",
                            fix: "Write to a new file, or move the old one away; it was left unchanged.")
        }
        guard !tail.isEmpty else { return Existing(document: document, repair: nil) }
        let line = text.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        try Self.moveTornTail(Data(tail), of: path, keeping: body.count)
        return Existing(document: document, repair: "\(path): line \(line) was cut off before its end (a crash, a full disk or an "
                            + "edit); its \(tail.count) bytes were moved to \(path).torn and removed from the table, and its run will train again")
    }

    /// Appends `tail` to `PATH.torn`, then truncates the table to its first `length` bytes.
    private static func moveTornTail(_ tail: Data, of path: String, keeping length: Int) throws {
        let tornPath = path + ".torn"
        let descriptor = open(tornPath, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw FileError(path: tornPath, problem: "the cut-off last line of \(path) cannot be saved here (\(String(cString: strerror(errno))))",
                            fix: "Check the folder is writable; the table was left unchanged.")
        }
        let saved = (tail + Data("\n".utf8)).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard saved == tail.count + 1, synced else {
            throw FileError(path: tornPath, problem: "the cut-off last line of \(path) could not be saved in full",
                            fix: "Check the disk has room; the table was left unchanged.")
        }
        guard truncate(path, off_t(length)) == 0 else {
            throw FileError(path: path, problem: "its cut-off last line could not be removed (\(String(cString: strerror(errno))))",
                            fix: "Remove the last line by hand (it is saved in \(tornPath)).")
        }
    }

    /// The 1-based line of the first byte sequence in `bytes` that is not valid UTF-8.
    private static func firstLineThatIsNotUTF8(_ bytes: Data) -> Int {
        var line = 1
        for piece in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(data: Data(piece), encoding: .utf8) == nil { return line }
            line += 1
        }
        return line
    }

    /// The system's words for a file error, without Foundation's domain and code.
    static func reason(of error: any Error) -> String {
        let nsError = error as NSError
        if let posix = (nsError.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return nsError.localizedDescription
    }
}
