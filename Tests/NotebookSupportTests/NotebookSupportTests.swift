import Foundation
import NotebookSupport
import ParamShare
import Testing
import TestSupport

@Suite("Notebook support")
struct NotebookSupportTests {
    /// A finished (or failed) run of `generator` with `accuracy` at `seed`.
    private static func run(_ generator: String, seed: Int, accuracy: Double?, status: String = "ok") -> RunTable.Run {
        RunTable.Run(setting: RunSetting(model: "resnet20", dataset: "cifar10", generator: generator), budget: "10%", degreesOfFreedom: 100,
                     seed: String(seed), testAccuracy: accuracy, bestTestAccuracy: accuracy, status: status, line: seed + 2)
    }

    @Test("seed pairs match seeds, leave out failed and unmatched runs, and give the paired t-test")
    func seedPairs() throws {
        let treatment = [Self.run("a", seed: 0, accuracy: 0.60), Self.run("a", seed: 1, accuracy: 0.64), Self.run("a", seed: 2, accuracy: 0.62),
                         Self.run("a", seed: 3, accuracy: 0.10, status: "diverged")]
        let control = [Self.run("b", seed: 1, accuracy: 0.60), Self.run("b", seed: 0, accuracy: 0.59), Self.run("b", seed: 3, accuracy: 0.5),
                       Self.run("b", seed: 5, accuracy: 0.9)]
        let pairs = try #require(SeedPairs(treatment, minus: control))
        // Seeds 0 and 1 pair; seed 2 has no control, seed 3's treatment diverged, seed 5 has no treatment.
        #expect(pairs.difference.count == 2)
        #expect(abs(pairs.difference.mean - 0.025) < 1e-12)
        #expect(abs(pairs.treatmentMean - 0.62) < 1e-12 && abs(pairs.controlMean - 0.595) < 1e-12)
        // Differences 0.01 and 0.04: t = 0.025 / (0.0212 / √2) = 1.667 on 1 degree of freedom, p = 0.344.
        #expect(abs(pairs.pValue - 0.344) < 1e-3)
        #expect(SeedPairs(Array(treatment.prefix(1)), minus: control) == nil)
        let level = try #require(SeedPairs(["0": 0.5, "1": 0.6], minus: ["0": 0.4, "1": 0.5]))
        #expect(level.pValue.isNaN)
    }

    @Test("a ranking ties an arm with the one above only when their paired interval holds zero")
    func rankingTies() {
        func arm(_ label: String, _ accuracies: [Double]) -> (label: String, runs: [RunTable.Run]) {
            (label, accuracies.enumerated().map { Self.run(label, seed: $0.offset, accuracy: $0.element) })
        }
        // b trails a by 0.10 ± 0.001 at every seed: clearly lower. c trails b by +0.01, −0.01, +0.005: a tie.
        let ranking = Ranking([arm("c", [0.49, 0.51, 0.495]), arm("a", [0.6, 0.61, 0.6]), arm("b", [0.5, 0.509, 0.5])])
        #expect(ranking.entries.map(\.label) == ["a", "b", "c"])
        #expect(ranking.entries.map(\.tiesAbove) == [false, false, true])
        let ranks = ranking.text.split(separator: "\n").map { $0.prefix(3).trimmingCharacters(in: .whitespaces) }
        #expect(ranks == ["1", "2", "2="])
    }

    @Test("a fixed-width column pads a shorter value and keeps a longer one whole, one space after it")
    func columnPadding() {
        #expect("3 seeds".padded(toWidth: 10) == "3 seeds   ")
        #expect("0.000656, 3 seeds".padded(toWidth: 10) == "0.000656, 3 seeds ")
        #expect("exactly".padded(toWidth: 7) == "exactly ")
    }

    @Test("epoch curves join each epoch row to its run's setting, and find the first epoch reaching a target")
    func epochCurves() throws {
        try ScratchDirectory.with("curves") { folder in
            let data = try DigitsLoader.load()
            let grid = SweepGrid(architectures: [.mlp(hiddenWidths: [16])], generators: [try GeneratorSetting(RPGGenerator.descriptor)],
                                 budgets: [.percentage(50)], seeds: [0, 1], recipe: TrainingConfiguration(epochs: 3, batchSize: 64, learningRate: 0.05))
            let runs = folder + "/runs.csv"
            _ = try SweepRunner(cells: grid.cells(on: DataSubset(data)), data: data, runsPath: runs,
                                epochsPath: SweepRunner.epochsPath(forRunsAt: runs)).run()
            let curves = try EpochCurves(runsAt: runs) { $0.setting.generator == "rpg" ? "ring" : nil }
            #expect(curves.curves.map(\.label) == ["ring"])
            let ring = try #require(curves.curve("ring"))
            #expect(ring.accuracy.keys.sorted() == ["0", "1"])
            #expect(ring.means.map(\.epoch) == [1, 2, 3] && ring.means.allSatisfy { $0.estimate.count == 2 })
            // The epochs table's own numbers, seed by seed.
            let epochs = try CSVReader.read(contentsOfFile: SweepRunner.epochsPath(forRunsAt: runs))
            func column(_ name: String) -> Int { epochs.header.firstIndex(of: name)! }
            let (generator, seed, epoch, accuracy) = (column("generator"), column("seed"), column("epoch"), column("test_accuracy"))
            for row in epochs.rows where row[generator] == "rpg" {
                #expect(ring.accuracy[row[seed]]?[Int(row[epoch])!] == Double(row[accuracy]))
            }
            let last = ring.accuracy["0"]![3]!
            #expect(ring.firstEpochs(reaching: 2)["0"]! == nil)
            #expect(ring.firstEpochs(reaching: 0)["0"]! == 1)
            #expect(ring.firstEpochs(reaching: last)["0"]! ?? 0 <= 3)
        }
    }
}
