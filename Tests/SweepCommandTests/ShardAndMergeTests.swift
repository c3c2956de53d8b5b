import Foundation
import ParamShare
import Testing
import TestSupport

@Suite("Shards and merging")
struct ShardAndMergeTests {
    @Test("shards of any grid cover every cell exactly once", arguments: [1, 2, 3, 7, 16, 40])
    func coverage(shards: Int) throws {
        // Property over grid sizes 0…60 and every shard count above: a partition in grid order.
        for size in 0...60 {
            let grid = Array(0..<size)
            var covered: [Int] = []
            for index in 0..<shards {
                let part = try SweepShard(index: index, count: shards).select(grid)
                #expect(part == part.sorted())
                #expect(abs(part.count - size / shards) <= 1)
                covered += part
            }
            #expect(covered.sorted() == grid)
        }
    }

    @Test("impossible shards are refused", arguments: ["3/3", "-1/4", "2", "a/b", "1/0", "0//2", "0/2/"])
    func badShards(text: String) {
        #expect(throws: GridError.self) { try SweepShard(parsing: text) }
    }

    @Test("two shards merge into the table a single run writes")
    func mergeShards() throws {
        try ScratchDirectory.with("sweep-merge") { directory in
            let grid = ["--models", "mlp", "--generators", "rpg,dense", "--budgets", "1k", "--epochs", "1", "--seeds", "0,1,2"]
            for shard in ["0/2", "1/2"] {
                let result = try ExecutableProduct.run("sweep", grid + ["--shard", shard, "--out", "shard\(shard.first!).csv"], in: directory)
                #expect(result.status == 0, "\(result.stderr)")
            }
            let merged = try ExecutableProduct.run("sweep", ["merge", "shard0.csv", "shard1.csv", "--out", "all.csv"], in: directory)
            #expect(merged.status == 0, "\(merged.stderr)")
            let single = try ExecutableProduct.run("sweep", grid + ["--out", "single.csv"], in: directory)
            #expect(single.status == 0)
            let all = try CSVReader.read(contentsOfFile: directory + "/all.csv").rows.map { $0[0] }
            let whole = try CSVReader.read(contentsOfFile: directory + "/single.csv").rows.map { $0[0] }
            #expect(all.count == 6 && Set(all) == Set(whole))
            let epochs = try ExecutableProduct.run("sweep", ["merge", "shard0.epochs.csv", "shard1.epochs.csv", "--out", "all.epochs.csv"],
                                                   in: directory)
            #expect(epochs.status == 0, "\(epochs.stderr)")
        }
    }

    @Test("merge gives a row's own generator option that its older table lacks the option's older-table value, so the analysis reads one setting")
    func mergeOlderTable() throws {
        try ScratchDirectory.with("sweep-merge-older") { directory in
            let grid = ["--models", "mlp-8", "--generators", "rpg", "--budgets", "100", "--epochs", "1", "--no-analysis"]
            for seed in ["0", "1"] {
                let result = try ExecutableProduct.run("sweep", grid + ["--seeds", seed, "--out", "seed\(seed).csv"], in: directory)
                #expect(result.status == 0, "\(result.stderr)")
            }
            // Seed 0's table as a version before rpg.scaling wrote it: without the column.
            let document = try CSVReader.read(contentsOfFile: directory + "/seed0.csv")
            let scaling = try #require(document.header.firstIndex(of: "rpg.scaling"))
            let older = ([document.header] + document.rows).map { fields in
                fields.enumerated().filter { $0.offset != scaling }.map(\.element).joined(separator: ",") + "\n"
            }.joined()
            try older.write(toFile: directory + "/older.csv", atomically: true, encoding: .utf8)
            let merged = try ExecutableProduct.run("sweep", ["merge", "older.csv", "seed1.csv", "--out", "all.csv"], in: directory)
            #expect(merged.status == 0, "\(merged.stderr)")
            let table = try CSVReader.read(contentsOfFile: directory + "/all.csv")
            let column = try #require(table.header.firstIndex(of: "rpg.scaling"))
            #expect(table.rows.map { $0[column] } == ["rms", "rms"])
            let analysis = try RunAnalysis(contentsOfFile: directory + "/all.csv")
            #expect(analysis.summaries.count == 1 && analysis.summaries.first?.testAccuracy.count == 2)
        }
    }

    @Test("merge refuses tables of different kinds and conflicting runs")
    func mergeRefuses() throws {
        try ScratchDirectory.with("sweep-refuse") { directory in
            try "cell_id,x\na,1\n".write(toFile: directory + "/one.csv", atomically: true, encoding: .utf8)
            try "cell_id,y\na,1\n".write(toFile: directory + "/other.csv", atomically: true, encoding: .utf8)
            try "cell_id,x\na,2\n".write(toFile: directory + "/conflict.csv", atomically: true, encoding: .utf8)
            try "cell_id,x\na,1\nb,3\n".write(toFile: directory + "/overlap.csv", atomically: true, encoding: .utf8)
            let columns = try ExecutableProduct.run("sweep", ["merge", "one.csv", "other.csv", "--out", "m1.csv"], in: directory)
            #expect(columns.status != 0 && columns.stderr.contains("other columns"))
            let conflict = try ExecutableProduct.run("sweep", ["merge", "one.csv", "conflict.csv", "--out", "m2.csv"], in: directory)
            #expect(conflict.status != 0 && conflict.stderr.contains("disagree"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/m1.csv"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/m2.csv"))
            // Identical rows in overlapping inputs are kept once.
            let overlap = try ExecutableProduct.run("sweep", ["merge", "one.csv", "overlap.csv", "--out", "m3.csv"], in: directory)
            #expect(overlap.status == 0)
            #expect(try CSVReader.read(contentsOfFile: directory + "/m3.csv").rows.count == 2)
        }
    }
}
