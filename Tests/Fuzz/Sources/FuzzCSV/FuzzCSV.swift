import Foundation
import ParamShare

/// Bytes as a CSV file: parsed, then typed as a runs table and analysed, as `sweep analyze` does.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    guard let text = String(bytes: UnsafeBufferPointer(start: data, count: count), encoding: .utf8),
          let table = try? RunTable(csvText: text, source: "fuzz.csv") else { return 0 }
    if let analysis = try? RunAnalysis(table: table) {
        _ = analysis.tables
        _ = analysis.accuracyTable()
        _ = AccuracyPlot(summaries: analysis.summaries).svg()
    }
    return 0
}
