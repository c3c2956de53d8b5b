import Foundation
@testable import ParamShare
import ParamShareEngine
import Testing
import TestSupport

@Suite("Tuning by successive halving")
struct TuningSearchTests {
    private let registry = GeneratorRegistry.builtIn

    /// Digits with 200 validation images beyond the first 400 training images, and no test images.
    private func data() throws -> DatasetSplit {
        let held = try DigitsLoader.load().holdingOut(.count(200), trainLimit: 400)
        return DatasetSplit(train: held.train, test: held.test.subset([]), validation: held.validation)
    }

    private func cells(on data: DatasetSplit, seeds: [UInt64] = [0]) throws -> [SweepCell] {
        SweepGrid(architectures: [.mlp(hiddenWidths: [16])], generators: [try GeneratorSetting(RPGGenerator.descriptor)],
                  budgets: [.percentage(10)], seeds: seeds,
                  recipe: TrainingConfiguration(epochs: 3, batchSize: 32, learningRate: 0.02, labelSmoothing: 0.1))
            .cells(on: DataSubset(data))
    }

    private func space(_ texts: String...) throws -> TuningSpace {
        try TuningSpace(texts.map { try TuningDimension(parsing: $0, registry: registry) })
    }

    @Test("spaces: log grids, canonical values, and what each dimension applies to")
    func spaces() throws {
        let lr = try TuningDimension(parsing: "lr=log:0.01:1:5", registry: registry)
        #expect(lr.values == ["0.01", "0.03162", "0.1", "0.3162", "1.0"])
        #expect(try TuningDimension(parsing: "weight_decay=0,5e-4", registry: registry).values == ["0.0", "0.0005"])
        // The ends of a range are its smallest and largest numbers, in whatever order they were given.
        let rates = try TuningDimension(parsing: "lr=0.1,0.025,0.4", registry: registry)
        #expect(rates.rangeEnd(of: "0.025") == .smallest && rates.rangeEnd(of: "0.4") == .largest && rates.rangeEnd(of: "0.1") == nil)
        #expect(lr.rangeEnd(of: "1.0") == .largest && lr.rangeEnd(of: "0.3162") == nil)
        // Two values are both ends, and words have no range.
        #expect(try TuningDimension(parsing: "lr=0.1,0.2", registry: registry).rangeEnd(of: "0.2") == nil)
        #expect(try TuningDimension(parsing: "bank_step=none,layer,sqrt", registry: registry).rangeEnd(of: "sqrt") == nil)
        let data = try data(), cells = try cells(on: data)
        let rpg = cells.first { $0.sharing != nil }!, dense = cells.first { $0.sharing == nil }!
        let full = try space("lr=0.01,0.1", "bank_step=none,sqrt", "rpg.scaling=rms,authors", "weight_decay=0,0.001")
        #expect(full.configurations(for: rpg).count == 16)
        #expect(full.configurations(for: dense).count == 4)
        let tuned = try full.applying(["lr": "0.1", "bank_step": "sqrt", "rpg.scaling": "authors", "weight_decay": "0.0"], to: rpg)
        #expect(tuned.configuration.learningRate == 0.1 && tuned.configuration.weightDecay == 0)
        #expect(tuned.sharing?.stepScaling == .sqrt && tuned.sharing?.generator.options["scaling"] == "authors")
        #expect(full.tuningKey(of: tuned) == full.tuningKey(of: rpg))
        #expect(!full.tuningKey(of: rpg).contains("lr=") && !full.tuningKey(of: rpg).contains("seed="))
    }

    @Test("bad spaces are refused before anything trains", arguments: [
        "lr", "lr=", "momentum=0.9", "lr=0,0.1", "lr=-1", "lr=0.1,0.1", "bank_step=half", "rpg.scaling=huge", "rpg.colour=red",
        "lr=log:1:0.1:3", "lr=log:0.1:1:1", "weight_decay=-0.1",
    ])
    func badDimensions(text: String) {
        #expect(throws: TuningError.self) { try TuningDimension(parsing: text, registry: registry) }
    }

    @Test("an empty space, a setting named twice, and a one-point space for a cell are refused")
    func badSpaces() throws {
        #expect(throws: TuningError.self) { try TuningSpace([]) }
        #expect(throws: TuningError.self) { try space("lr=0.1,0.2", "lr=0.3,0.4") }
        let data = try data()
        #expect(throws: TuningError.self) { try TuningSearch(cells: cells(on: data), space: space("lr=0.1")) }
        // bank_step does not apply to dense, which is then left with one configuration.
        #expect(throws: TuningError.self) { try TuningSearch(cells: cells(on: data), space: space("bank_step=none,sqrt")) }
        #expect(throws: TuningError.self) { try TuningSearch(cells: cells(on: data), space: space("lr=0.1,0.2"), minimumEpochs: 4) }
    }

    @Test("a search promotes exactly the top 1/η of each rung, spends exactly its schedule, never tests, and resumes after losing rows")
    func search() throws {
        try ScratchDirectory.with("tuning-search") { folder in
            let data = try data(), trials = folder + "/trials.csv"
            let search = try TuningSearch(cells: cells(on: data, seeds: [0, 1]), space: space("lr=log:0.003:0.3:6"), eta: 3)
            #expect(search.groups.map { $0.schedule.rungs.map(\.configurations) } == [[6, 2], [6, 2]])
            #expect(search.groups[0].schedule.rungs.map(\.epochs) == [1, 3])
            let layout = RunsTableLayout(optionColumns: registry.descriptors.flatMap(\.optionColumns))
            guard case let .finished(selections) = try ThreadCountOverride.run(threads: 1, {
                try search.run(on: data, trialsPath: trials, shard: try SweepShard(index: 0, count: 1), jobs: 1, layout: layout)
            }) else {
                Issue.record("an unsharded search must finish")
                return
            }
            let table = try CSVReader.read(contentsOfFile: trials)
            func column(_ name: String) -> [String] { let i = table.header.firstIndex(of: name)!; return table.rows.map { $0[i] } }
            // Every group: 6 configurations × 2 seeds × 1 epoch, then 2 × 2 × 3.
            #expect(table.rows.count == 2 * (12 + 4))
            let epochsTrained: Int = column("epochs").compactMap { Int($0) }.reduce(0, +)
            let epochsScheduled: Int = search.groups.map { $0.schedule.epochsSpent * 2 }.reduce(0, +)
            #expect(epochsTrained == epochsScheduled)
            #expect(Set(column("test_images")) == ["0"] && Set(column("test_accuracy")) == [""])
            #expect(Set(column("validation_images")) == ["200"])
            // The second rung holds exactly the two best learning rates of the first, by mean validation accuracy.
            for generator in ["rpg", "dense"] {
                let rows = table.rows.indices.filter { column("generator")[$0] == generator }
                func mean(_ lr: String, epochs: String) -> Double {
                    let values = rows.filter { column("lr")[$0] == lr && column("epochs")[$0] == epochs }.map { Double(column("validation_accuracy")[$0])! }
                    return values.reduce(0, +) / Double(values.count)
                }
                let first = Set(rows.filter { column("epochs")[$0] == "1" }.map { column("lr")[$0] })
                let second = Set(rows.filter { column("epochs")[$0] == "3" }.map { column("lr")[$0] })
                #expect(first.count == 6 && second.count == 2)
                let best = first.sorted { mean($0, epochs: "1") > mean($1, epochs: "1") }
                #expect(mean(best[1], epochs: "1") > mean(best[2], epochs: "1"), "a tie at the cut: choose other learning rates")
                #expect(second == Set(best.prefix(2)))
                let selected = selections.first { $0.cell.generatorName == generator }!
                #expect(selected.values["lr"] == second.max { mean($0, epochs: "3") < mean($1, epochs: "3") })
            }
            let written = try String(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: trials), encoding: .utf8)

            // As if killed during the second rung: its rows and the selection are gone. The rerun
            // trains exactly those trials again and selects the same.
            let kept = table.rows.filter { $0[table.header.firstIndex(of: "epochs")!] == "1" }
            try ([table.header] + kept).map(CSVTable.line).joined().write(toFile: trials, atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(atPath: TuningSearch.selectionPath(forTrialsAt: trials))
            _ = try ThreadCountOverride.run(threads: 1) {
                try search.run(on: data, trialsPath: trials, shard: try SweepShard(index: 0, count: 1), jobs: 1, layout: layout)
            }
            let resumed = try CSVReader.read(contentsOfFile: trials)
            #expect(resumed.rows.count == table.rows.count)
            #expect(Set(resumed.rows.map { $0[0] }) == Set(table.rows.map { $0[0] }))
            #expect(try String(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: trials), encoding: .utf8) == written)

            // Another space may not append to this table.
            let other = try TuningSearch(cells: cells(on: data, seeds: [0, 1]), space: space("lr=0.01,0.1"))
            #expect(throws: FileError.self) {
                try other.run(on: data, trialsPath: trials, shard: try SweepShard(index: 0, count: 1), jobs: 1, layout: layout)
            }

            // The selections apply to the same cells on the full recipe, and only to them.
            let settings = try TunedSettings(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: trials), registry: registry)
            let full = try DigitsLoader.load()
            let grid = try cells(on: full, seeds: [0, 1, 2])
            let tuned = try settings.applying(to: grid)
            #expect(tuned.allSatisfy { $0.tuning == search.identifier })
            #expect(tuned.map(\.configuration.learningRate) != grid.map(\.configuration.learningRate))
            #expect(Set(tuned.map(\.identifier)).isDisjoint(with: grid.map(\.identifier)))
            #expect(throws: FileError.self) { try settings.applying(to: grid.filter { $0.sharing != nil }) }
            var stranger = grid[0]
            stranger.configuration.batchSize = 64
            #expect(throws: FileError.self) { try settings.applying(to: grid + [stranger]) }
        }
    }

    @Test("a trials table grows by cells under one protocol; one cell under another recipe, or another protocol, is refused")
    func growth() throws {
        try ScratchDirectory.with("tuning-growth") { folder in
            let data = try data(), trials = folder + "/trials.csv"
            let layout = RunsTableLayout(optionColumns: registry.descriptors.flatMap(\.optionColumns))
            let all = try cells(on: data)
            func search(_ cells: [SweepCell], _ lr: String = "lr=0.01,0.1") throws -> TuningSearch { try TuningSearch(cells: cells, space: space(lr)) }
            func run(_ search: TuningSearch) throws {
                _ = try ThreadCountOverride.run(threads: 1) {
                    try search.run(on: data, trialsPath: trials, shard: try SweepShard(index: 0, count: 1), jobs: 1, layout: layout)
                }
            }
            try run(search(all.filter { $0.sharing != nil }))
            try run(search(all.filter { $0.sharing == nil }))
            let selections = try CSVReader.read(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: trials))
            #expect(selections.rows.count == 2)
            #expect(try search(all).identifier == search(all.filter { $0.sharing == nil }).identifier)
            var longer = all
            for index in longer.indices { longer[index].configuration.epochs = 4 }
            #expect(throws: FileError.self) { try run(search(longer)) }
            #expect(throws: FileError.self) { try run(search(all, "lr=0.01,0.2")) }
            #expect(try CSVReader.read(contentsOfFile: trials).rows.count == 4)
        }
    }

    @Test("shards each train their part of a rung, wait for the others, and agree once their tables are merged")
    func shards() throws {
        try ScratchDirectory.with("tuning-shards") { folder in
            let data = try data()
            let search = try TuningSearch(cells: cells(on: data), space: space("lr=0.005,0.02,0.05,0.2"), eta: 2)
            let layout = RunsTableLayout(optionColumns: registry.descriptors.flatMap(\.optionColumns))
            var merged = [String]()
            for round in 0..<4 {
                var finished = 0
                for index in 0..<2 {
                    let outcome = try ThreadCountOverride.run(threads: 1) {
                        try search.run(on: data, trialsPath: folder + "/shard\(index).csv", earlierTrials: merged,
                                       shard: try SweepShard(index: index, count: 2), jobs: 1, layout: layout)
                    }
                    if case .finished = outcome { finished += 1 }
                }
                if finished == 2 { break }
                #expect(round < 3, "two shards of a three-rung search need at most three rounds")
                // The merge of both shards' tables feeds the next round.
                let path = folder + "/merged\(round).csv"
                let documents = try (0..<2).map { try CSVReader.read(contentsOfFile: folder + "/shard\($0).csv") }
                var seen = Set<String>()
                let rows = documents.flatMap(\.rows).filter { seen.insert($0[0]).inserted }
                try ([documents[0].header] + rows).map(CSVTable.line).joined().write(toFile: path, atomically: true, encoding: .utf8)
                merged = [path]
            }
            let whole = folder + "/whole.csv"
            _ = try ThreadCountOverride.run(threads: 1) {
                try search.run(on: data, trialsPath: whole, shard: try SweepShard(index: 0, count: 1), jobs: 1, layout: layout)
            }
            let selection = { (path: String) in try String(contentsOfFile: TuningSearch.selectionPath(forTrialsAt: path), encoding: .utf8) }
            #expect(try selection(folder + "/shard0.csv") == selection(whole))
            #expect(try selection(folder + "/shard1.csv") == selection(whole))
        }
    }
}
