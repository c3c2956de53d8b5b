import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments

/// `sweep analyze`: summaries, the log-linear law, paired comparisons and a plot from a runs CSV.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a runs CSV: means with 95% CIs, log-linear fits, paired tests, a plot.",
        discussion: """
            Reads the runs table written by `sweep run` and writes into --out-dir:

            summary.csv: per setting and budget, n, n_diverged, n_collapsed, mean DoF, and the mean, \
            sd and 95% t interval of test accuracy.

            loglinear.csv: per setting, the least-squares fit of test accuracy against ln(DoF), \
            with standard errors and R², with DoF as bank entries and as all trainable parameters.

            paired.csv: per setting and budget, the difference from the reference generator over \
            runs with equal seeds, its 95% interval, paired t and two-sided p-value.

            accuracy_vs_dof.svg: test accuracy (%) against DoF on a log axis, one panel per model \
            and data set.

            Written beside a table not named runs.csv, the outputs' names start with the table's \
            (lowrank-runs.csv gets lowrank-runs.summary.csv, lowrank-runs.paired.csv, …), so tables \
            that share a folder keep their analyses apart.

            Only runs with status ok enter the statistics; failed runs (diverged or collapsed) are \
            counted and listed with their epoch and reason. Fits and comparisons that cannot be \
            made (too few runs, budgets or seeds) are listed on standard output.

            Example:
              swift run -c release sweep --models mlp --generators rpg,hashing,dense \\
                  --budgets 1%,3%,10% --seeds 0,1,2 --out sweep-results/runs.csv
              swift run -c release sweep analyze sweep-results/runs.csv \\
                  --out-dir sweep-results/analysis
            """
    )

    @Argument(help: ArgumentHelp("The runs CSV written by `sweep run`.", valueName: "results.csv"), transform: GivenPath.init(parsing:))
    var results: GivenPath

    @Option(help: "Folder for the outputs (default: the folder of <results.csv>).", transform: GivenPath.init(parsing:))
    var outDir: GivenPath?

    @Option(help: "Generator the others are compared with, seed by seed (default: the first generator in the table other than dense).")
    var reference: String?

    func validate() throws {
        if reference?.isEmpty == true { throw ValidationError("--reference needs a generator name, such as rpg") }
    }

    func run() throws {
        try SuppliedPaths([("runs table", results), ("--out-dir", outDir)]).naming(analyze)
    }

    private func analyze() throws {
        let analysis = try RunAnalysis(contentsOfFile: results.path, reference: reference)
        let directory = outDir?.path ?? results.path.parentFolder
        let paths = try analysis.write(to: directory.isEmpty ? "." : directory)
        print("\(analysis.table.runs.count) runs: \(analysis.summaries.count) settings × budgets, \(analysis.fits.count) log-linear fits, "
              + "\(analysis.comparisons.count) paired comparisons with \(analysis.reference)")
        print(analysis.accuracyTable())
        for skipped in analysis.skipped { print("skipped \(skipped)") }
        for path in paths { print("wrote \(path)") }
    }
}
