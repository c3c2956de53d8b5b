import Foundation
import NotebookSupport
import ParamShare

/// What a finished run recorded, as far as this notebook's rules and estimates need it.
struct RecordedRun {
    /// Its test accuracy, `nil` for a run that diverged or collapsed, whatever its last epoch scored.
    var testAccuracy: Double?
    var status: String
    /// Its machine time.
    var seconds: Double

    /// The runs of the table at `path`, by cell identifier; none if it does not exist yet.
    static func all(inTableAt path: String) throws -> [String: RecordedRun] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let document = try CSVReader.read(contentsOfFile: path)
        let columns = ["cell_id", "test_accuracy", "status", "wall_seconds"].map { document.header.firstIndex(of: $0) }
        guard let id = columns[0], let accuracy = columns[1], let status = columns[2], let seconds = columns[3] else {
            throw NotebookError("\(path) lacks one of cell_id, test_accuracy, status and wall_seconds. Move it aside: this notebook rebuilds it.")
        }
        var runs = [String: RecordedRun]()
        for row in document.rows {
            runs[row[id]] = RecordedRun(testAccuracy: row[status] == "ok" ? Double(row[accuracy]) : nil, status: row[status],
                                        seconds: Double(row[seconds]) ?? 0)
        }
        return runs
    }
}
