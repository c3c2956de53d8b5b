import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments
import ParamShareEngine

/// `sweep run` (the default): train a grid of models, generators, budgets and seeds, append one
/// CSV row per run, then analyse the table.
struct Run: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            abstract: "Train every model × generator × budget × seed of a grid, write one CSV row per run and analyse the table (the default command).",
            discussion: """
                With no options it runs the main job: on the embedded digits set (8×8 images, a fixed \
                stratified 75/25 split), LeNet-5 and an MLP with hidden widths 128 and 64, each with \
                \(GridDefaults.embedded.generators.description.replacingOccurrences(of: ",", with: ", ")) at the budgets \
                \(GridDefaults.embedded.budgets.description.replacingOccurrences(of: ",", with: ", ")) over seeds 0, 1 and 2 \
                (about a minute on 2 cores), then prints an accuracy-by-DoF table and writes \
                sweep-results/runs.csv and its analysis (summary.csv, loglinear.csv, paired.csv, \
                accuracy_vs_dof.svg).

                Generators and their options: \(CommandLineRegistry.generatorHelp).

                Examples:
                  swift run -c release sweep
                  swift run -c release sweep --models mlp --generators rpg,dense \\
                      --budgets 1%,10% --generator-option rpg.signs=on,off
                  swift run -c release sweep --dataset cifar10 \\
                      --data-dir ~/data/cifar-10-batches-bin --models resnet20 \\
                      --epochs 10 --batch-size 128 --lr 0.1 --seeds 0,1
                """
        )
    }

    @OptionGroup var grid: GridOptions

    @Option(help: ArgumentHelp("Train each cell at the settings a search selected for it: the selection table `sweep tune` wrote (TRIALS.selection.csv). Every cell of the grid needs a selection and every selection a cell; the runs record the search in the tuning column.", valueName: "selection.csv"), transform: GivenPath.init(parsing:))
    var tuned: GivenPath?

    @Option(help: "The CSV file to append rows to.", transform: GivenPath.init(parsing:))
    var out: GivenPath = try! GivenPath(parsing: "sweep-results/runs.csv")

    @Option(help: ArgumentHelp("Save each trained model into this folder as CELL_ID.safetensors (bank, ordinary weights, batch norm and the settings that regenerate the rest; `sweep eval` reads it). Diverged runs save none.", valueName: "folder"), transform: GivenPath.init(parsing:))
    var saveModels: GivenPath?

    @Flag(help: "Do not analyse the table after the runs (a sharded run never does: analyse the merged table).")
    var noAnalysis = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try SuppliedPaths([("--out", out), ("--save-models", saveModels), ("--tuned", tuned), ("--data-dir", grid.dataDir)])
            .naming(trainGrid)
    }

    private func trainGrid() throws {
        let (sweepGrid, data) = try grid.prepare()
        let logger = logging.makeLogger(label: "sweep")
        var cells = sweepGrid.cells(on: DataSubset(data))
        if let tuned {
            do {
                let settings = try TunedSettings(contentsOfFile: tuned.path, registry: CommandLineRegistry.current)
                try grid.checkNoConflict(with: settings.space, flag: "--tuned")
                cells = try settings.applying(to: cells)
                logger.info("settings from search \(settings.search) (\(settings.space)) in \(tuned)")
            } catch let error as TuningError {
                throw ValidationError("--tuned \(tuned): \(error)")
            }
        }
        let shard = grid.shard
        let selected = shard.select(cells)
        let unique = SweepRunner.uniqueCells(selected)
        if unique.count < selected.count {
            logger.notice("left out \(selected.count - unique.count) run\(selected.count - unique.count == 1 ? "" : "s") that repeat an earlier one of the grid (the same settings, such as --seeds 0,0 or --budgets 2k,2000)")
        }
        try grid.preflight(unique, on: data)
        if let saveModels { try OutputLocation.prepare(folder: saveModels.path) }
        let runner = SweepRunner(cells: unique, data: data, runsPath: out.path, epochsPath: SweepRunner.epochsPath(forRunsAt: out.path),
                                 jobs: grid.jobCount, optionColumns: CommandLineRegistry.current.optionColumns,
                                 checkpointDirectory: saveModels?.path)
        logger.info("data: \(data.train.name), \(data.train.count) training, \(data.validation.map { "\($0.count) validation and " } ?? "")\(data.test.count) test images of \(data.train.imageShape)")
        logger.info("\(unique.count) runs\(shard.count > 1 ? " (shard \(shard) of a \(cells.count)-run grid)" : ""), \(grid.jobCount) at a time on \(EngineThreads.count) threads each")
        logger.info("writing rows to \(out) and per-epoch rows to \(runner.epochsPath)")
        let printer = ProgressPrinter(logger: logger, cells: unique.count)
        let records = try runner.run { printer.handle($0) }
        logger.info("done: \(records.count) runs appended to \(out)")
        guard !noAnalysis, shard.count == 1 else { return }
        let analysis = try RunAnalysis(contentsOfFile: out.path)
        let directory = out.path.parentFolder
        let paths = try analysis.write(to: directory.isEmpty ? "." : directory)
        print("\n" + analysis.accuracyTable())
        for path in paths { logger.info("wrote \(path)") }
    }
}
