import Foundation
import ParamShare
import ParamShareEngine
import Testing
import TestSupport

/// The real `sweep` executable, end to end.
@Suite("sweep run")
struct RunCommandTests {
    @Test("a small grid on digits writes one row per run to the CSV it names")
    func writesRows() throws {
        try ScratchDirectory.with("sweep-run") { directory in
            let result = try ExecutableProduct.run("sweep", ["--models", "mlp", "--generators", "rpg,dense", "--budgets", "2k",
                                                             "--epochs", "1", "--seeds", "0,1", "--out", "out/runs.csv"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("out/runs.csv"))
            let lines = try String(contentsOfFile: directory + "/out/runs.csv", encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 1 + 4)  // header, then rpg and dense for two seeds
            #expect(lines[0].hasPrefix("cell_id,model,dataset,train_images,test_images,validation_images,generator,generator_version,"))
            // The MLP runs no convolution on oneDNN: its conv_kernels are none.
            #expect(lines.dropFirst().allSatisfy {
                $0.contains(",digits,") && $0.hasSuffix(",ok,,none,\(ParamShareVersion.current),\(InstructionSet.current),none,\(Processor.current)")
            })
        }
    }

    @Test("a run's row names the kernels oneDNN picked for its convolutions, each once and sorted; none for a model without one")
    func convolutionKernels() throws {
        try ScratchDirectory.with("sweep-conv-kernels") { directory in
            let result = try ExecutableProduct.run("sweep", ["--models", "lenet5,mlp", "--generators", "dense", "--epochs", "1",
                                                             "--seeds", "0", "--out", "runs.csv", "--no-analysis"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let table = try CSVReader.read(contentsOfFile: directory + "/runs.csv")
            #expect(table.header.suffix(3) == ["cpu_isa", "conv_kernels", "cpu_model"])
            // The processor of this machine, as every row trained on it.
            let processors = Set(table.rows.map { $0[table.header.firstIndex(of: "cpu_model")!] })
            #expect(processors.count == 1 && processors.first?.isEmpty == false, "\(processors)")
            let kernels = Dictionary(uniqueKeysWithValues: table.rows.map { row in
                (row[table.header.firstIndex(of: "model")!], row[table.header.firstIndex(of: "conv_kernels")!])
            })
            #expect(kernels["mlp"] == "none")
            let names = try #require(kernels["lenet5"]).split(separator: "|").map(String.init)
            #expect(!names.isEmpty && names == Array(Set(names)).sorted(), "\(names)")
            // oneDNN's names, as ONEDNN_VERBOSE prints them: `brgconv:avx512_core`, `jit:avx2`, …
            #expect(names.allSatisfy { $0.contains(":") && !$0.contains(",") && $0 != "none" }, "\(names)")
        }
    }

    @Test("--precision bf16 is recorded in its column, and eval restores it or, asked, evaluates at fp32")
    func bf16Runs() throws {
        try ScratchDirectory.with("sweep-bf16") { directory in
            let result = try ExecutableProduct.run("sweep", ["--models", "lenet5", "--generators", "rpg", "--budgets", "10%", "--epochs", "1",
                                                             "--seeds", "0", "--precision", "bf16", "--save-models", "models",
                                                             "--out", "runs.csv", "--no-analysis"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let table = try CSVReader.read(contentsOfFile: directory + "/runs.csv")
            let row = Dictionary(uniqueKeysWithValues: zip(table.header, try #require(table.rows.first)))
            #expect(row["precision"] == "bf16")
            let checkpoint = "models/\(try #require(row["cell_id"])).safetensors"
            let asTrained = try ExecutableProduct.run("sweep", ["eval", checkpoint], in: directory)
            #expect(asTrained.status == 0 && asTrained.stdout.contains("equal to the accuracy the run recorded"), "\(asTrained)")
            let recorded = try #require(row["test_accuracy"])
            let atFP32 = try ExecutableProduct.run("sweep", ["eval", checkpoint, "--precision", "fp32"], in: directory)
            #expect(atFP32.status == 0 && atFP32.stdout.contains("with fp32 operands")
                    && atFP32.stdout.contains("the run recorded \(recorded) with bf16 operands"), "\(atFP32)")
            let wrong = try ExecutableProduct.run("sweep", ["--precision", "fp16", "--epochs", "1"], in: directory)
            #expect(wrong.status != 0 && wrong.stderr.contains("fp16"), "\(wrong)")
        }
    }

    @Test("--generator-option sweeps an option: one row per value, each in its own column and with its own id")
    func sweepsOptions() throws {
        try ScratchDirectory.with("sweep-run") { directory in
            let result = try ExecutableProduct.run("sweep", ["--models", "mlp-32", "--generators", "rpg", "--budgets", "500", "--epochs", "1",
                                                             "--seeds", "0", "--generator-option", "rpg.signs=on,off", "--out", "runs.csv"],
                                                   in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let table = try CSVReader.read(contentsOfFile: directory + "/runs.csv")
            let signs = try #require(table.header.firstIndex(of: "rpg.signs"))
            let projection = try #require(table.header.firstIndex(of: "projection.projection"))
            #expect(table.rows.map { $0[signs] }.sorted() == ["off", "on"])  // two jobs finish in either order
            #expect(table.rows.allSatisfy { $0[projection] == "none" })
            #expect(Set(table.rows.map { $0[0] }).count == 2)
            // The run is analysed at once: summary, fits, paired tests and the figure.
            for file in RunAnalysis.fileNames { #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "\(file)") }
            #expect(result.stdout.contains("test accuracy %"))
        }
    }

    @Test("budgets keep their spelling beside their amount; the projection records w0 as fixed; scopes follow the papers")
    func budgetColumns() throws {
        try ScratchDirectory.with("sweep-run") { directory in
            let result = try ExecutableProduct.run("sweep", ["--models", "mlp-32", "--generators", "rpg,hashing,projection,dense",
                                                             "--budgets", "0.2k,10.0%", "--epochs", "1", "--seeds", "0", "--out", "runs.csv"],
                                                   in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let table = try CSVReader.read(contentsOfFile: directory + "/runs.csv")
            func column(_ name: String) throws -> Int { try #require(table.header.firstIndex(of: name), "\(name)") }
            let (generator, budget, count, fraction, fixed, scope, weights) = try (column("generator"), column("budget"), column("budget_count"),
                                                                                   column("budget_fraction"), column("fixed_weights"),
                                                                                   column("scope"), column("generated_weights"))
            #expect(table.rows.count == 7)
            for row in table.rows {
                // mlp-32 generates its 64 × 32 hidden weights: 2,048.
                #expect(row[weights] == "2048")
                switch row[budget] {
                case "0.2k": #expect(row[count] == "200" && row[fraction] == "\(200.0 / 2048)")
                case "10.0%": #expect(row[count] == "205" && row[fraction] == "\(205.0 / 2048)")
                case "full": #expect(row[generator] == "dense" && row[count] == "2048" && row[fraction] == "1.0")
                default: Issue.record("budget \(row[budget])")
                }
                #expect(row[fixed] == (row[generator] == "projection" ? "2048" : "0"))
                #expect(row[scope] == ["hashing": "layer", "dense": "none"][row[generator], default: "global"])
            }
        }
    }

    @Test("--bank trained,frozen adds the frozen control: its own rows, bank column and ids")
    func frozenControl() throws {
        try ScratchDirectory.with("sweep-run") { directory in
            let result = try ExecutableProduct.run("sweep", ["--models", "mlp-32", "--generators", "rpg,dense", "--budgets", "300", "--epochs", "2",
                                                             "--seeds", "0", "--bank", "trained,frozen", "--out", "runs.csv"], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let table = try CSVReader.read(contentsOfFile: directory + "/runs.csv")
            let bank = try #require(table.header.firstIndex(of: "bank"))
            #expect(table.rows.map { $0[bank] }.sorted() == ["frozen", "none", "trained"])
            #expect(Set(table.rows.map { $0[0] }).count == 3)
        }
    }
}
