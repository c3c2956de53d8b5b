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
    /// The instruction-set level of the CPU it trained on and the oneDNN convolution kernels it
    /// used (`cpu_isa`, `conv_kernels`), empty in rows written before those columns: training is
    /// bit-reproducible only within one kind of CPU.
    var machine: String
    /// The processor it trained on (`cpu_model`), empty in rows written before that column.
    var processor: String

    /// The runs of the table at `path`, by cell identifier; none if it does not exist yet.
    static func all(inTableAt path: String) throws -> [String: RecordedRun] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let document = try CSVReader.read(contentsOfFile: path)
        let columns = ["cell_id", "test_accuracy", "status", "wall_seconds"].map { document.header.firstIndex(of: $0) }
        guard let id = columns[0], let accuracy = columns[1], let status = columns[2], let seconds = columns[3] else {
            throw NotebookError("\(path) lacks one of cell_id, test_accuracy, status and wall_seconds. Move it aside: this notebook rebuilds it.")
        }
        let machineColumns = ["cpu_isa", "conv_kernels"].compactMap { document.header.firstIndex(of: $0) }
        let processor = document.header.firstIndex(of: "cpu_model")
        var runs = [String: RecordedRun]()
        for row in document.rows {
            runs[row[id]] = RecordedRun(testAccuracy: row[status] == "ok" ? Double(row[accuracy]) : nil, status: row[status],
                                        seconds: Double(row[seconds]) ?? 0,
                                        machine: machineColumns.map { row[$0] }.filter { !$0.isEmpty }.joined(separator: ", "),
                                        processor: processor.map { row[$0] } ?? "")
        }
        return runs
    }

    /// A sentence naming the kinds of CPU and convolution kernels `runs` trained on, and whether
    /// there was more than one: one CPU can run two kinds of kernels (a build that chose oneDNN's
    /// bf16 kernels and one that chose the emulation), which sum in different orders.
    static func machines(of runs: [RecordedRun]) -> String {
        let kinds = Dictionary(grouping: runs) { run in
            [run.machine.isEmpty ? "not recorded" : run.machine, run.processor.isEmpty ? "processor not recorded" : run.processor]
                .joined(separator: ", ")
        }
        let list = kinds.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.count) runs)" }.joined(separator: "; ")
        let sentence = kinds.count == 1 ? "Every run trained on one kind of CPU and kernels: \(list)."
                                        : "The runs trained on \(kinds.count) kinds of CPU or kernels, so they are not all bit-reproducible on one: \(list)."
        guard runs.contains(where: \.processor.isEmpty) else { return sentence }
        return sentence + " Rows written before the `cpu_model` column do not name their processor, and the"
            + " instruction set and kernels alone do not tell two processors apart (an AMD EPYC and an Intel Xeon"
            + " with AVX512_BF16 both run `brgconv:avx512_core_bf16`)."
    }
}
