import Foundation

/// Everything `sweep analyze` computes from a runs table: per-budget summaries, the log-linear
/// law of each setting, paired comparisons with a reference generator, and the accuracy plot.
///
/// The outputs are tidy tables (one observation per row, one variable per column, empty fields
/// for missing numbers) so that pandas' `read_csv`, R's `read.csv` and gnuplot read them without
/// reshaping, and so that the plot is only one view of numbers anyone can re-plot.
public struct RunAnalysis: Sendable {
    /// The file names `write(to:)` gives a runs table named `runs.csv`, in order.
    package static let fileNames = ["summary.csv", "loglinear.csv", "paired.csv", "accuracy_vs_dof.svg"]

    /// The file names `write(to:)` gives the analysis of the table at `source` written into
    /// `directory`, in order: those of `fileNames`, except beside a table not named `runs.csv`,
    /// where they start with its name's stem and a dot (`lowrank-runs.csv` gets
    /// `lowrank-runs.summary.csv`, …, as its per-epoch table is `lowrank-runs.epochs.csv`). So two
    /// tables in one folder keep their analyses apart, and no analysis lands on the table it reads;
    /// an analysis given a folder of its own keeps the plain names.
    package static func fileNames(forTableAt source: String, writtenInto directory: String) -> [String] {
        let stem = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        let tableFolder = (source as NSString).deletingLastPathComponent
        let besideTable = URL(fileURLWithPath: tableFolder.isEmpty ? "." : tableFolder).standardizedFileURL.path
            == URL(fileURLWithPath: directory).standardizedFileURL.path
        return stem == "runs" || !besideTable ? fileNames : fileNames.map { stem + "." + $0 }
    }

    /// The table analysed.
    public var table: RunTable
    /// The generator the others are compared with.
    public var reference: String
    public var summaries: [GroupSummary]
    public var fits: [LogLinearFit]
    public var comparisons: [PairedComparison]
    /// The fits and comparisons that could not be made, with the reason for each.
    public var skipped: [SkippedAnalysis]

    /// Analyses `table`, comparing every generator setting with those of `reference`; by default
    /// the first generator in the table other than dense (the main job's and the notebooks' RPG).
    ///
    /// Throws when the table has no runs, or no run with status `ok`: there would be nothing to
    /// summarise, and empty outputs would look like a successful analysis.
    public init(table: RunTable, reference: String? = nil) throws {
        guard !table.runs.isEmpty else {
            throw FileError(path: table.source, problem: "it has a header but no runs",
                            fix: "Analyse the runs table once a sweep has finished at least one run in it.")
        }
        guard table.runs.contains(where: \.isOK) else {
            throw FileError(path: table.source, problem: "none of its \(table.runs.count) runs has status ok, so there is nothing to analyse",
                            fix: "Check why the runs failed (a lower learning rate usually helps) and run the sweep again.")
        }
        self.table = table
        let reference = reference ?? table.runs.first { $0.setting.generator != GeneratorRegistry.denseName }?.setting.generator
            ?? GeneratorRegistry.denseName
        self.reference = reference
        summaries = GroupSummary.summarize(table.runs)
        let law = LogLinearFit.fitAll(table.runs)
        fits = law.fits
        let paired = PairedComparison.compareAll(table.runs, reference: reference)
        comparisons = paired.comparisons
        skipped = law.skipped + paired.skipped
    }

    /// Reads the runs CSV at `path` and analyses it.
    public init(contentsOfFile path: String, reference: String? = nil) throws {
        try self.init(table: RunTable(contentsOfFile: path), reference: reference)
    }

    /// The three tables as CSV text with their file names in a folder of their own.
    public var tables: [(fileName: String, text: String)] {
        let options = table.optionColumns
        let texts = [Self.csv(GroupSummary.columns(optionColumns: options), summaries.map { $0.values(optionColumns: options) }),
                     Self.csv(LogLinearFit.columns(optionColumns: options), fits.map { $0.values(optionColumns: options) }),
                     Self.csv(PairedComparison.columns(optionColumns: options), comparisons.map { $0.values(optionColumns: options) })]
        return zip(Self.fileNames, texts).map { ($0, $1) }
    }

    /// Writes the three tables and the plot into `directory`, creating it if needed, replacing
    /// this table's earlier outputs; returns the paths written, named as
    /// `fileNames(forTableAt:writtenInto:)` says.
    ///
    /// Outputs are replaced rather than appended to, unlike the runs table: they are derived, and
    /// re-running the analysis on a grown runs table must not mix old rows with new.
    public func write(to directory: String) throws -> [String] {
        let texts = tables.map(\.text) + [AccuracyPlot(summaries: summaries).svg()]
        let outputs = zip(Self.fileNames(forTableAt: table.source, writtenInto: directory), texts).map { name, text in
            (path: (directory as NSString).appendingPathComponent(name), text: text)
        }
        // The folder is checked as every output's is: a file on its path is named as such.
        try OutputLocation.prepare(folder: directory)
        do {
            for output in outputs { try output.text.write(toFile: output.path, atomically: true, encoding: .utf8) }
        } catch {
            throw FileError(path: directory, problem: "the outputs cannot be written (\(CSVTable.reason(of: error)))",
                            fix: "Write the analysis into a folder you can write to.")
        }
        return outputs.map(\.path)
    }

    /// A CSV file: the header line, then one line per row, quoted as RFC 4180 asks.
    private static func csv(_ columns: [String], _ rows: [[String]]) -> String {
        ([columns] + rows).map(CSVTable.line).joined()
    }
}
