import Foundation
import ParamShare
import ParamShareEngine
import Testing
import TestSupport

/// `--precision bf16` runs: trained, recorded, told apart from fp32 runs, and read back from
/// tables and checkpoints written before the option existed.
@Suite("Precision in runs and tables")
struct PrecisionRecordingTests {
    private static func cell(_ architecture: Architecture, precision: ComputePrecision, data: DatasetSplit) throws -> SweepCell {
        SweepCell(architecture: architecture,
                  sharing: SharingSetting(generator: try GeneratorSetting(RPGGenerator.descriptor), budget: .percentage(30)),
                  data: DataSubset(data),
                  configuration: TrainingConfiguration(epochs: 2, batchSize: 32, learningRate: 0.05, seed: 3, precision: precision))
    }

    @Test("only bf16 is named in a cell's settings, so fp32 cells keep the ids they had before the option")
    func identity() throws {
        let data = try DigitsLoader.load()
        let fp32 = try Self.cell(.lenet5, precision: .float32, data: data), bf16 = try Self.cell(.lenet5, precision: .bfloat16, data: data)
        #expect(!fp32.settings.contains("precision"))
        #expect(bf16.settings == fp32.settings + ";precision=bf16")
        #expect(bf16.identifier != fp32.identifier)
        #expect(bf16.label.contains("bf16") && !fp32.label.contains("fp32"))
    }

    @Test("a bf16 run learns, records bf16, differs from fp32, and gives the same row on 1 and 2 threads",
          arguments: ["mlp-64-32", "resnet8"])
    func bf16Runs(model: String) throws {
        var data = try DigitsLoader.load()
        data.train = data.train.prefix(model == "resnet8" ? 256 : 1024)
        let architecture = try #require(try Architecture.list(parsing: model).first)
        let layout = RunsTableLayout(optionColumns: GeneratorRegistry.builtIn.optionColumns)
        func row(_ precision: ComputePrecision, threads: Int) throws -> [String: String] {
            let record = try ThreadCountOverride.run(threads: threads) {
                try SweepRunner.train(try Self.cell(architecture, precision: precision, data: data), on: data)
            }
            var row = Dictionary(uniqueKeysWithValues: zip(layout.columns, record.values(in: layout)))
            row["wall_seconds"] = nil
            return row
        }
        let bf16 = try row(.bfloat16, threads: 1)
        #expect(bf16 == (try row(.bfloat16, threads: 2)))
        #expect(bf16["precision"] == "bf16" && bf16["status"] == "ok")
        #expect(Double(bf16["test_accuracy"]!)! > 0.3, "ten classes: chance is 0.1")
        let fp32 = try row(.float32, threads: 1)
        #expect(fp32["precision"] == "fp32")
        #expect(fp32["final_train_loss"] != bf16["final_train_loss"], "bf16 changed nothing")
    }

    @Test("the analysis reads a table without the precision column as fp32, and keeps bf16 runs apart")
    func analysis() throws {
        try ScratchDirectory.with("precision-analysis") { folder in
            let columns = ["model", "dataset", "generator", "scope", "generate_stem", "generate_classifier", "budget", "dof", "seed",
                           "test_accuracy", "best_test_accuracy", "status"]
            let values = ["lenet5", "digits", "rpg", "global", "false", "false", "10%", "100", "0", "0.9", "0.9", "ok"]
            try (CSVTable.line(columns) + CSVTable.line(values)).write(toFile: folder + "/older.csv", atomically: true, encoding: .utf8)
            try (CSVTable.line(columns + ["precision"]) + CSVTable.line(values + ["fp32"]) + CSVTable.line(values + ["bf16"]))
                .write(toFile: folder + "/newer.csv", atomically: true, encoding: .utf8)
            let older = try RunTable(contentsOfFile: folder + "/older.csv"), newer = try RunTable(contentsOfFile: folder + "/newer.csv")
            #expect(older.runs[0].setting.recipe["precision"] == "fp32")
            #expect(older.runs[0].setting == newer.runs[0].setting)
            #expect(newer.runs[1].setting != newer.runs[0].setting)
        }
    }

    @Test("a bf16 checkpoint restores as bf16 and evaluates to the accuracy its run recorded; one without precision reads fp32")
    func checkpoints() throws {
        try ScratchDirectory.with("precision-checkpoint") { folder in
            var data = try DigitsLoader.load()
            data.train = data.train.prefix(512)
            let cell = try Self.cell(.lenet5, precision: .bfloat16, data: data)
            let record = try SweepRunner.train(cell, on: data, checkpointDirectory: folder)
            let path = "\(folder)/\(cell.identifier).safetensors"
            let checkpoint = try Checkpoint(contentsOf: path)
            #expect(checkpoint.cell == cell)
            let model = try checkpoint.restoredModel()
            #expect(try Trainer.accuracy(of: model.network, on: checkpoint.testBatches(of: data.test)) == record.result.testAccuracy)

            let fp32 = try Self.cell(.lenet5, precision: .float32, data: data)
            var file = try SafetensorsFile(contentsOf: path)
            file.metadata["precision"] = nil
            file.metadata["cell_id"] = fp32.identifier
            try file.write(to: folder + "/older.safetensors")
            #expect(try Checkpoint(contentsOf: folder + "/older.safetensors").cell == fp32)
        }
    }
}
