import Foundation
import ParamShare
import Testing
import TestSupport

/// The real `sweep` executable on the shared sample of CIFAR-10 JPEG files in class folders.
@Suite("sweep on an image folder")
struct ImageFolderCommandTests {
    /// Two steps (16 images in batches of 8), then the 500 test images: ResNet-18 under the CIFAR
    /// stem (16×16), RPG at one stage-4 convolution's DoF, its checkpoint evaluated to its row's
    /// accuracy; ResNet-34 dense under the ImageNet stem at the smallest size that takes it (33×33).
    @Test("each new network trains two steps on the sample folder",
          .enabled(if: sampleFolderExists(), "no shared JPEG sample at \(sampleFolder)"),
          arguments: [("resnet18", 16, true), ("resnet34", 33, false)])
    func twoSteps(model: String, imageSize: Int, generated: Bool) throws {
        try ScratchDirectory.with("sweep-folder") { directory in
            let sharing = generated ? ["--generators", "rpg", "--budgets", "layer:stage4.block0.conv2", "--save-models", "models"] : []
            let result = try ExecutableProduct.run("sweep", [
                "--dataset", "folder", "--data-dir", sampleFolder, "--image-size", String(imageSize), "--models", model,
                "--train-limit", "16", "--batch-size", "8", "--epochs", "1", "--seeds", "0", "--out", "runs.csv", "--no-analysis",
            ] + sharing, in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let table = try CSVReader.read(contentsOfFile: directory + "/runs.csv")
            let row = Dictionary(uniqueKeysWithValues: zip(table.header, try #require(table.rows.first)))
            #expect(row["model"] == model && row["dataset"] == "folder-\(imageSize)")
            #expect(row["train_images"] == "16" && row["test_images"] == "500" && row["status"] == "ok")
            #expect(row["generator"] == (generated ? "rpg" : "dense"))
            guard generated else { return }
            #expect(row["dof"] == "2359296" && row["budget_count"] == "2359296")
            let evaluated = try ExecutableProduct.run("sweep", ["eval", "models/\(try #require(row["cell_id"])).safetensors",
                                                               "--data-dir", sampleFolder], in: directory)
            #expect(evaluated.status == 0 && evaluated.stdout.contains("equal to the accuracy the run recorded"), "\(evaluated)")
        }
    }

    /// An MLP on 64 of the sample's images: held in memory, and streamed by two decoding threads.
    @Test("a run streamed from the files writes the row of the run held in memory, its wall time aside",
          .enabled(if: sampleFolderExists(), "no shared JPEG sample at \(sampleFolder)"))
    func streamedRunMatches() throws {
        let directory = try ScratchDirectory.make("sweep-folder-stream")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rows: [[String: String]] = []
        for loading in ["memory", "stream"] {
            let result = try ExecutableProduct.run("sweep", [
                "--dataset", "folder", "--data-dir", sampleFolder, "--image-size", "16", "--models", "mlp-32", "--train-limit", "64",
                "--batch-size", "16", "--epochs", "2", "--seeds", "0", "--out", "\(loading).csv", "--no-analysis",
                "--image-loading", loading, "--decode-threads", "2",
            ], in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let table = try CSVReader.read(contentsOfFile: "\(directory)/\(loading).csv")
            var row = Dictionary(uniqueKeysWithValues: zip(table.header, try #require(table.rows.first)))
            row["wall_seconds"] = nil
            rows.append(row)
        }
        #expect(rows[0]["status"] == "ok" && rows[0]["final_train_loss"] != nil)
        #expect(rows[1] == rows[0])
    }
}

private let sampleFolder = SharedDatasets.path("cifar10-jpeg-sample")

private func sampleFolderExists() -> Bool {
    SharedDatasets.exist([sampleFolder + "/train"], skipping: "the image-folder runs")
}
