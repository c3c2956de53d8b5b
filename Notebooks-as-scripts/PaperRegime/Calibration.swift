import Foundation
import NotebookSupport
import ParamShare

/// Part 1: the recipe's length, by ``EpochCalibration``'s rule on dense ResNet-20 and ResNet-56.
enum Calibration {
    static let epochs = NotebookArguments.isSmokeTest ? [1, 2] : [10, 15, 20, 30]
    /// The dense ResNet-20 accuracy of a trained network: He et al. report 91.25 %
    /// (``PublishedDenseAccuracy``); 89 % leaves room for this copy's JPEG-decoded pixels and a
    /// recipe far shorter than their 64,000 steps.
    static let trainedAccuracy = 0.89
    /// How far dense ResNet-56 must beat dense ResNet-20 for depth to count as helping.
    static let depthMargin = 0.01

    /// The architecture of the rule's `kind` of network.
    static func network(_ kind: EpochCalibration.Network) -> Architecture {
        kind == .shallow ? PaperRecipe.shallowNetwork : PaperRecipe.deepNetwork
    }

    /// The one dense cell of `architecture` trained for `epochs`, seed 0.
    static func denseCell(_ architecture: Architecture, epochs: Int, on data: DatasetSplit) -> SweepCell {
        SweepGrid(architectures: [architecture], generators: [], budgets: [], seeds: [0], recipe: PaperRecipe.recipe(epochs: epochs))
            .cells(on: DataSubset(data))[0]
    }

    /// The rule over the runs the pool holds.
    static func state(on data: DatasetSplit) throws -> EpochCalibration {
        let runs = try RecordedRun.all(inTableAt: PaperRecipe.pool(on: data).runsPath)
        var rule = EpochCalibration(epochs: epochs, accuracy: trainedAccuracy, margin: depthMargin)
        for length in epochs {
            rule.shallow[length] = runs[denseCell(network(.shallow), epochs: length, on: data).identifier].map(\.testAccuracy)
            rule.deep[length] = runs[denseCell(network(.deep), epochs: length, on: data).identifier].map(\.testAccuracy)
        }
        return rule
    }

    /// The chosen number of epochs, after training what the rule needs if `trains`; `nil` while
    /// the rule cannot tell yet. `findings` gets the runs and the choice.
    static func run(trains: Bool, on data: DatasetSplit, findings: inout Findings) throws -> Int? {
        findings.paragraph("""
            ## Part 1: calibration

            Dense ResNet-20 and ResNet-56, seed 0, on \(data.train.count) training images (\(data.validation?.count ?? 0)
            held out for validation), tested on \(data.test.count); one-cycle SGD to 0.1, batch 128,
            weight decay 5e-4, crop and flip, bf16 operands. Rule: the shortest E of
            \(epochs.map(String.init).joined(separator: ", ")) at which ResNet-20 reaches
            \(Int(trainedAccuracy * 100)) % and ResNet-56 beats it by \(Int(depthMargin * 100)) point or more;
            the last if none does.
            """)
        var rule = try state(on: data)
        while trains, rule.chosen == nil {
            try PaperRecipe.pool(on: data).train(rule.needed.prefix(2).map { denseCell(network($0.network), epochs: $0.epochs, on: data) })
            rule = try state(on: data)
        }
        let runs = try RecordedRun.all(inTableAt: PaperRecipe.pool(on: data).runsPath)
        var lines = ["model".padded(toWidth: 10) + "epochs".padded(toWidth: 8) + "test accuracy".padded(toWidth: 15)
                     + "status".padded(toWidth: 8) + "machine time  per epoch"]
        var calibrationRuns = [RecordedRun]()
        for length in epochs {
            for kind in [EpochCalibration.Network.shallow, .deep] {
                guard let run = runs[denseCell(network(kind), epochs: length, on: data).identifier] else { continue }
                calibrationRuns.append(run)
                let accuracy = run.testAccuracy.map { String(format: "%.2f %%", $0 * 100) } ?? "none"
                lines.append("\(network(kind))".padded(toWidth: 10) + String(length).padded(toWidth: 8) + accuracy.padded(toWidth: 15)
                             + run.status.padded(toWidth: 8) + String(format: "%6.2f h      %5.1f min", run.seconds / 3600,
                                                                          run.seconds / 60 / Double(length)))
            }
        }
        findings.block(lines.joined(separator: "\n"))
        if !calibrationRuns.isEmpty { findings.paragraph(RecordedRun.machines(of: calibrationRuns)) }
        guard let chosen = rule.chosen else {
            findings.paragraph("The calibration has not finished: run --part 1.")
            return nil
        }
        findings.paragraph(rule.isMet ? "E = \(chosen): the shortest at which both hold."
                                      : "No E up to \(chosen) meets both; the studies use \(chosen), as the rule says.")
        return chosen
    }

    /// Minutes of machine time per epoch of each architecture, from the calibration's runs at
    /// `epochs` (the table read once), for the studies' estimates; without a run of it,
    /// ResNet-20's times 2.3, the ratio of dense ResNet-56 to ResNet-20 in the claim notebooks'
    /// pool (fp32, 10,000 images).
    static func minutesPerEpoch(epochs: Int, on data: DatasetSplit) throws -> (Architecture) -> Double {
        let runs = try RecordedRun.all(inTableAt: PaperRecipe.pool(on: data).runsPath)
        func measured(_ network: Architecture) -> Double? {
            runs[denseCell(network, epochs: epochs, on: data).identifier].map { $0.seconds / 60 / Double(epochs) }
        }
        let shallow = measured(PaperRecipe.shallowNetwork) ?? 0, deep = measured(PaperRecipe.deepNetwork) ?? 2.3 * shallow
        return { $0 == PaperRecipe.deepNetwork ? deep : shallow }
    }
}
