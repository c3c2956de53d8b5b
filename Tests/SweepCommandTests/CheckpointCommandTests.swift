import Foundation
import ParamShare
import Testing
import TestSupport

/// `sweep eval`, `export` and `compress` on a checkpoint a tiny run saves, given as users give them.
@Suite("Checkpoint commands")
struct CheckpointCommandTests {
    /// A folder holding `models/CELL.safetensors`, saved by a one-epoch run, and the checkpoint's path in it.
    private static func savedCheckpoint() throws -> (directory: String, checkpoint: String) {
        let directory = try ScratchDirectory.make("sweep-checkpoint")
        let run = try ExecutableProduct.run("sweep", ["--models", "mlp-8", "--generators", "rpg", "--budgets", "100", "--epochs", "1",
                                                      "--seeds", "0", "--no-analysis", "--save-models", "models", "--out", "runs.csv"],
                                            in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory + "/models").first { $0.hasSuffix(".safetensors") })
        return (directory, "models/" + name)
    }

    @Test("compress given one checkpoint under three names (twice, through a link, by its absolute path) writes its rows once")
    func compressOnce() throws {
        let (directory, checkpoint) = try Self.savedCheckpoint()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.safetensors", withDestinationPath: checkpoint)
        let result = try ExecutableProduct.run("sweep", ["compress", checkpoint, checkpoint, "link.safetensors", directory + "/" + checkpoint,
                                                         "--out", "compress.csv"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("skipped link.safetensors: it holds cell"), "\(result.stdout)")
        let table = try CSVReader.read(contentsOfFile: directory + "/compress.csv")
        let method = try #require(table.header.firstIndex(of: "method"))
        let rows = table.rows, methods = rows.map { $0[method] }
        #expect(rows.count == 5 && Set(methods).count == 5, "\(methods)")
    }

    @Test("evaluating a dense export says what the file is and what to do, and changes nothing")
    func evalDenseExport() throws {
        let (directory, checkpoint) = try Self.savedCheckpoint()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let export = try ExecutableProduct.run("sweep", ["export", checkpoint, "--dense", "dense.safetensors"], in: directory)
        #expect(export.status == 0, "\(export.stderr)")
        for command in ["eval", "compress"] {
            let result = try ExecutableProduct.run("sweep", [command, "dense.safetensors"], in: directory)
            #expect(result.status != 0)
            #expect(result.stderr.contains("checkpoint dense.safetensors: it is a dense export of a checkpoint")
                    && result.stderr.contains("Evaluate or compress the checkpoint it was exported from"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/sweep-results"))
    }
}
