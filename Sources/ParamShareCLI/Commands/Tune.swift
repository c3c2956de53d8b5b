import ArgumentParser
import Foundation
import ParamShare
import ParamShareArguments
import ParamShareEngine

/// `sweep tune`: choose each cell's settings on validation accuracy by successive halving.
struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Choose each cell's settings (learning rate, weight decay, bank step, generator options) on validation accuracy, by successive halving.",
        discussion: """
            The grid flags are sweep run's. For each cell of the grid (its seeds tuned together), \
            every configuration of the --search space trains for a few epochs; the best 1/η go on \
            to η times the epochs, until the last rung trains at the grid's full --epochs. Each \
            rung trains from scratch, with the schedule a run of its length gets. Trials are \
            scored on the --validation images (mean over seeds; ties go to the lower validation \
            loss) and never evaluate the test set.

            Every trial is a row of the trials table (--out, a runs table: crash-safe and \
            resumable like sweep run's; rerun the same command after a kill). TRIALS.search.txt \
            records the search's protocol (space, η, minimum epochs) and each cell's recipe; a \
            table may grow by cells under one protocol, but a table of another protocol, or a \
            cell searched under another recipe, is refused. The selections go to \
            TRIALS.selection.csv, with the space, the rungs and the epochs spent; train the \
            study's seeds at them with sweep run --tuned TRIALS.selection.csv.

            A search on a cheaper proxy (fewer --epochs or a --train-limit) selects for the same \
            cells of sweep run --tuned, which may run the full recipe: the selection table records \
            the proxy's images and epochs.

            Sharded: each task runs its part of the current rungs (--shard K/N) into its own \
            --out and stops; merge the tasks' tables with sweep merge and pass the merged table as \
            --earlier-trials to every task for the next rung.

            Example:
              sweep tune --models lenet5 --generators rpg,dense --budgets 1%,10% \\
                  --validation 20% --search lr=log:0.005:0.2:9 --out tune/trials.csv
              sweep run --models lenet5 --generators rpg,dense --budgets 1%,10% \\
                  --seeds 0,1,2 --tuned tune/trials.selection.csv --out tuned/runs.csv
            """
    )

    @OptionGroup var grid: GridOptions

    @Option(name: .customLong("search"), help: ArgumentHelp(
        "A setting to vary and its values (repeatable): lr, weight_decay, bank_step or a generator option, as NAME=V1,V2,… or, for numbers, NAME=log:LOW:HIGH:COUNT (lr=log:0.01:1:5).",
        valueName: "NAME=VALUES"), transform: TuningDimension.init(parsing:))
    var searches: [TuningDimension] = []

    @Option(parsing: .unconditional, help: "η: each rung promotes the best 1/η of its configurations to η times the epochs.")
    var eta: Int = 3

    @Option(parsing: .unconditional, help: "The fewest epochs a trial of the first rung trains.")
    var minEpochs: Int = 1

    @Option(help: "The trials table to append to (a runs table).", transform: GivenPath.init(parsing:))
    var out: GivenPath = try! GivenPath(parsing: "sweep-results/tune.csv")

    @Option(help: ArgumentHelp("A merged trials table of a sharded search's earlier rungs (repeatable).", valueName: "table"), transform: GivenPath.init(parsing:))
    var earlierTrials: [GivenPath] = []

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard grid.validation != nil else {
            throw ValidationError("sweep tune chooses on validation images, never on the test set: pass --validation N or P% (such as --validation 5000)")
        }
        guard !searches.isEmpty else { throw ValidationError("name what to vary with --search, such as --search lr=log:0.01:1:5") }
        guard eta >= 2 else { throw ValidationError("--eta must be at least 2, got \(eta)") }
        guard minEpochs >= 1 else { throw ValidationError("--min-epochs must be at least 1, got \(minEpochs)") }
        let space = try makeSpace()
        try grid.checkNoConflict(with: space, flag: "--search")
    }

    private func makeSpace() throws -> TuningSpace {
        do {
            return try TuningSpace(searches)
        } catch {
            throw ValidationError("--search: \(error)")
        }
    }

    func run() throws {
        try SuppliedPaths([("--out", out), ("--data-dir", grid.dataDir)] + earlierTrials.map { ("--earlier-trials", $0) })
            .naming(search)
    }

    private func search() throws {
        let (sweepGrid, loaded) = try grid.prepare()
        let logger = logging.makeLogger(label: "sweep")
        // Trials are scored on validation images and must not see the test set: they get none.
        let data = DatasetSplit(train: loaded.train, test: loaded.test.subset([]), validation: loaded.validation)
        let cells = SweepRunner.uniqueCells(sweepGrid.cells(on: DataSubset(data)))
        try grid.preflight(cells, on: data)
        let search: TuningSearch
        do {
            search = try TuningSearch(cells: cells, space: try makeSpace(), eta: eta, minimumEpochs: minEpochs)
        } catch let error as TuningError {
            throw ValidationError("\(error)")
        }
        let shard = grid.shard
        logger.info("data: \(data.train.name), \(data.train.count) training and \(loaded.validation!.count) validation images; the test set is not used")
        logger.info("search \(search.identifier): \(search.space); η = \(eta)")
        let fullRuns = search.groups.reduce(0.0) { $0 + $1.schedule.multipleOfFullRun * Double($1.cells.count) }
        for group in search.groups {
            let rungs = group.schedule.rungs.map { "\($0.configurations) × \($0.epochs)" }.joined(separator: ", ")
            let multiple = String(format: "%.2f", group.schedule.multipleOfFullRun)
            logger.info("  \(group.cells[0].label): \(group.configurations.count) configurations, rungs (configurations × epochs) \(rungs), \(multiple) full runs per seed")
        }
        logger.info("in all: \(search.groups.count) cells to tune, \(String(format: "%.1f", fullRuns)) full runs' worth of epochs over every seed")
        let printer = ProgressPrinter(logger: logger, cells: 0)
        let outcome = try search.run(on: data, trialsPath: out.path, earlierTrials: earlierTrials.map(\.path), shard: shard, jobs: grid.jobCount,
                                     layout: RunsTableLayout(optionColumns: CommandLineRegistry.current.optionColumns),
                                     announce: { printer.expect($0); logger.info("\($1)") }, events: { printer.handle($0) })
        switch outcome {
        case let .finished(selections):
            print("")
            for selection in selections { print(selection.summaryLine) }
            if selections.contains(where: { !$0.valuesAtRangeEnds.isEmpty }) {
                logger.notice("some selections are the smallest or largest value tried: their best may lie beyond the range searched; widen it there to tell")
            }
            logger.info("wrote \(TuningSearch.selectionPath(forTrialsAt: out.path))")
        case let .waitingForShards(remaining):
            logger.notice("shard \(shard) has trained its part of the current rungs; \(remaining) trials of other shards remain. Merge the shards' tables (sweep merge) and run every shard again with --earlier-trials MERGED.csv")
        }
    }
}
