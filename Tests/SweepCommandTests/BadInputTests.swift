import Foundation
import ParamShare
import Testing
import TestSupport

/// Bad input of every kind, given to the real executable: each case must fail with a non-zero
/// status and a message that names the culprit, and must leave every file it found exactly as
/// it was (and write no new one).
@Suite("Bad input")
struct BadInputTests {
    /// A folder of fixtures every case runs in.
    private static func fixtures() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bad-\(UUID().uuidString)").path
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory + "/folder.csv", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/idx3x3", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/idx1x1", withIntermediateDirectories: true)
        let header = RunsTableLayout(optionColumns: GeneratorRegistry.builtIn.optionColumns).columns
        let row = header.map { column -> String in
            switch column {
            case "test_accuracy", "best_test_accuracy": "0.5"
            case "dof", "mean_training_dof": "100"
            case "total_trainable": "1000"
            case "status": "ok"
            // The sharing settings are typed where a table is read; a word they do not know is a case of its own.
            case "scope": "global"
            case "generate_stem", "generate_classifier": "false"
            case "bank": "trained"
            case "bank_step": "none"
            default: "x"
            }
        }
        func csv(_ rows: [[String]]) -> String { rows.map { $0.joined(separator: ",") + "\n" }.joined() }
        var files: [String: Data] = [
            "plain.txt": Data("not a folder\n".utf8),
            "foreign.csv": Data("a,b\n1,2\n".utf8),
            // Beside runs.csv, where a sweep appending to it keeps its per-epoch rows.
            "runs.epochs.csv": Data("a,b\n1,2\n".utf8),
            "binary.csv": Data((0..<600).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) } + [10]),
            "narrow.csv": Data(csv([header, row, Array(row.dropLast())]).utf8),
            "huge.csv": Data(csv([header, row.enumerated().map { header[$0.offset] == "test_accuracy" ? "1e308" : $0.element }]).utf8),
            "negative.csv": Data(csv([header, row.enumerated().map { header[$0.offset] == "dof" ? "-5" : $0.element }]).utf8),
            "word.csv": Data(csv([header, row.enumerated().map { header[$0.offset] == "test_accuracy" ? "high" : $0.element }]).utf8),
            "diverged.csv": Data(csv([header, row.enumerated().map { header[$0.offset] == "status" ? "diverged" : $0.element }]).utf8),
            "scope.csv": Data(csv([header, row.enumerated().map { header[$0.offset] == "scope" ? "x" : $0.element }]).utf8),
            "empty.csv": Data(),
            "twice.csv": Data(csv([header + ["rpg.signs"], row + ["on"]]).utf8),
            "runs.csv": Data(csv([header, row]).utf8),
            "other.csv": Data(csv([header, row.enumerated().map { header[$0.offset] == "test_accuracy" ? "0.7" : $0.element }]).utf8),
        ]
        // A cell_id holding a NUL byte (a resumed sweep trained its cell again and the analysis
        // counted both), and one run on two lines (counted as n = 2 with a zero-width interval).
        files["nul.csv"] = Data(csv([header, ["\u{0}x"] + row.dropFirst()]).utf8)
        files["twice-run.csv"] = Data(csv([header, row, row]).utf8)
        var latin = Data(csv([header, row]).utf8)
        latin.append(contentsOf: Array("x,caf".utf8) + [0xE9] + Array("\n".utf8))
        files["latin1.csv"] = latin
        // MNIST-family files of 3×3 images, too small for LeNet-5.
        func idx(_ shape: [Int], _ data: [UInt8]) -> Data {
            Data([0, 0, 8, UInt8(shape.count)] + shape.flatMap { size in (0..<4).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * $0)) } } + data)
        }
        files["idx3x3/train-images-idx3-ubyte"] = idx([4, 3, 3], (0..<36).map { UInt8($0) })
        files["idx3x3/train-labels-idx1-ubyte"] = idx([4], [0, 1, 2, 3])
        files["idx3x3/t10k-images-idx3-ubyte"] = idx([2, 3, 3], (0..<18).map { UInt8($0) })
        files["idx3x3/t10k-labels-idx1-ubyte"] = idx([2], [4, 5])
        // 1×1 images: one colour per image, too small for every model.
        files["idx1x1/train-images-idx3-ubyte"] = idx([4, 1, 1], [0, 80, 160, 240])
        files["idx1x1/train-labels-idx1-ubyte"] = idx([4], [0, 1, 0, 1])
        files["idx1x1/t10k-images-idx3-ubyte"] = idx([2, 1, 1], [0, 240])
        files["idx1x1/t10k-labels-idx1-ubyte"] = idx([2], [0, 1])
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: directory + "/" + name)) }
        return directory
    }

    /// Every file below `directory`, by path, with its bytes.
    private static func snapshot(_ directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isFolder)
            result[path] = isFolder.boolValue ? Data("folder".utf8) : try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
        }
        return result
    }

    private static let cores = ProcessInfo.processInfo.activeProcessorCount
    private static let quick = ["--models", "mlp-8", "--generators", "rpg", "--budgets", "100", "--epochs", "1", "--seeds", "0"]

    static let cases: [(arguments: [String], message: String)] = [
        // Integer and number flags.
        (["--epochs", "0"], "--epochs must be from 1 to 100000, got 0"),
        (["--epochs", "-1"], "--epochs must be from 1 to 100000, got -1"),
        (["--epochs", "9223372036854775807"], "--epochs must be from 1 to 100000"),
        (["--epochs", "abc"], "'abc' is invalid"),
        (["--batch-size", "0"], "--batch-size must be from 1"),
        (["--batch-size", "100000000"], "--batch-size must be from 1 to 1048576"),
        (["--batch-size", "9223372036854775806"], "--batch-size must be from 1 to 1048576"),
        (["--lr", "0"], "--lr must be a positive number"),
        (["--lr", "nan"], "--lr must be a positive number"),
        (["--lr", "-0.1"], "--lr must be a positive number, got -0.1"),
        (["--weight-decay", "-1"], "--weight-decay must be a number of at least 0"),
        (["--weight-decay", "inf"], "--weight-decay must be a number of at least 0"),
        (["--label-smoothing", "1"], "--label-smoothing must be in [0, 1)"),
        (["--threads", "0"], "--threads must be from 1"),
        (["--threads", "\(cores + 1)"], "--threads must be from 1 to the \(cores) cores"),
        (["--jobs", "0"], "--jobs must be from 1"),
        (["--jobs", "\(cores + 1)"], "--jobs must be from 1 to the \(cores) cores"),
        (["--train-limit", "0"], "--train-limit must be at least 1"),
        // Shards and seeds.
        (["--shard", "0//2"], "'0//2' is not a shard"),
        (["--shard", "2/2"], "0 ≤ K < N"),
        (["--shard", "a/b"], "'a/b' is not a shard"),
        // A negative shard is a shard out of range, not a missing value.
        (["--shard", "-1/2"], "shard -1/2: a shard is K/N with N ≥ 1 and 0 ≤ K < N"),
        (["--seeds", "-1"], "'-1' is not a non-negative integer"),
        (["--seeds", "0,,1"], "invalid for '--seeds <seeds>': '' is not a non-negative integer"),
        (["--budgets", "-5%"], "a percentage must be above 0"),
        // Models, generators and budgets.
        (["--models", ""], "no model named"),
        (["--models", "resnet9"], "unknown model 'resnet9'"),
        (["--models", "mlp-0"], "unknown model 'mlp-0'"),
        (["--models", "resnet8x1000000000"], "a width multiplier of 1000000000 is above the largest accepted, 64"),
        (["--models", "mlp-100000000000"], "a hidden width of 100000000000 is above the largest accepted"),
        (["--models", "mlp-500000-500000"], "GiB of memory, more than 80%"),
        (["--generators", ""], "no generator named"),
        (["--generators", "magic"], "unknown generator 'magic'"),
        (["--budgets", "0"], "at least one parameter"),
        (["--budgets", "1e19"], "a budget can be at most 1000000000000 parameters"),
        (["--budgets", ""], "name at least one budget"),
        (["--budgets", "101%"], "a percentage must be above 0 and at most 100"),
        (["--budgets", "lots"], "write a count (36864, 2k, 1.5m)"),
        (["--models", "mlp", "--generators", "rpg", "--budgets", "layer:nope"], "has no layer 'nope'"),
        (["--models", "mlp", "--generators", "lowrank", "--budgets", "10"], "a low-rank bank needs at least 1344 entries"),
        (["--generator-option", "rpg.sign=off"], "rpg has no option 'sign'; its options are variant, permutation, signs, scaling"),
        (["--bank", "thawed"], "'thawed' is not one of trained, frozen"),
        (["--generator-option", "rpg.signs=maybe"], "rpg.signs takes on|off, not 'maybe'"),
        (["--generator-option", "signs=off"], "is not GENERATOR.OPTION=VALUE"),
        // A flag given twice that takes one value kept the last silently.
        (["--generator-option", "rpg.scaling=rms", "--generator-option", "rpg.scaling=authors"],
         "rpg.scaling is given twice; give it once, with every value to sweep as rpg.scaling=V1,V2"),
        (quick + ["--epochs", "2"], "--epochs is given twice, and it takes one value"),
        (quick + ["--out=a.csv", "--out", "b.csv"], "--out is given twice"),
        // A setting with no effect made cells of its own with the results of the cells without it.
        (["--models", "mlp", "--generators", "projection", "--budgets", "1k", "--generator-option", "projection.nonzeros=4"],
         "projection.nonzeros=4 has no effect on projection (only a sparse projection has rows of nonzeros, and this one is fastfood)"),
        (["--models", "mlp", "--generators", "width", "--budgets", "1k", "--scope", "layer"],
         "the scope 'layer' has no effect on width, which neither shares banks by layers nor sets a threshold per bank"),
        (quick + ["--bank", "frozen", "--bank-step", "sqrt"], "the bank step 'sqrt' has no effect: a frozen bank takes no steps"),
        // Data.
        (["--dataset", "cifar10"], "needs --data-dir"),
        (["--dataset", "cifar10", "--data-dir", "nonexistent"], "--data-dir nonexistent: is not a folder"),
        (["--dataset", "mnist", "--data-dir", "plain.txt"], "--data-dir plain.txt is a file"),
        (["--data-dir", "idx3x3"], "--data-dir does not apply to the embedded digits set"),
        (["--dataset", "folder", "--data-dir", "idx3x3"], "needs --image-size S"),
        (["--image-size", "8"], "--image-size applies to --dataset folder only"),
        (["--dataset", "folder", "--data-dir", "idx3x3", "--image-size", "0"], "--image-size must be in 1...4096"),
        (["--dataset", "folder", "--data-dir", "idx3x3", "--image-size", "8"], "idx3x3/train: there is no training folder"),
        (["--dataset", "mnist", "--data-dir", "idx3x3", "--models", "lenet5", "--generators", "dense"], "needs images of at least 4×4"),
        // 1×1 images trained to chance, and the analysis blamed the learning rate.
        (["--dataset", "mnist", "--data-dir", "idx1x1", "--models", "mlp", "--generators", "dense"], "mlp needs images of at least 2×2"),
        (["--dataset", "mnist", "--data-dir", "idx1x1", "--models", "resnet8", "--generators", "dense"], "resnet8 needs images of at least 4×4"),
        // Results tables given as --out.
        // A file error names the flag that supplied the file, and the fix says nothing of flags.
        (quick + ["--out", "folder.csv"], "--out folder.csv: it is a folder, not a table file"),
        (quick + ["--out", "plain.txt/runs.csv"], "--out plain.txt/runs.csv: plain.txt is a file"),
        (quick + ["--out", "foreign.csv"], "--out foreign.csv: its header is not a runs table's"),
        (quick + ["--out", "runs.csv"], "--out runs.csv: runs.epochs.csv: its header is not a per-epoch table's"),
        (quick + ["--out", "binary.csv"], "is not UTF-8 text"),
        (quick + ["--out", "latin1.csv"], "line 3 is not UTF-8 text"),
        (quick + ["--out", "narrow.csv"], "the row has"),
        (quick + ["--out", "nul.csv"], "--out nul.csv, line 2: the line holds a NUL byte"),
        // An empty path wrote into the current folder or said a file of that name existed.
        (quick + ["--out", ""], "The value '' is invalid for '--out <out>': the path is empty"),
        (quick + ["--save-models", ""], "invalid for '--save-models <folder>': the path is empty"),
        (["export", "plain.txt", "--dense", ""], "invalid for '--dense <out.safetensors>': the path is empty"),
        (["eval", "plain.txt", "--dump-logits", " "], "invalid for '--dump-logits <logits.csv>': the path is blank"),
        (["merge", "", "--out", "merged.csv"], "the path is empty"),
        // Merge.
        (["merge", "missing.csv", "--out", "merged.csv"], "table missing.csv: the file does not exist"),
        (["merge", "runs.csv", "foreign.csv", "--out", "merged.csv"], "has other columns"),
        (["merge", "runs.csv", "other.csv", "--out", "merged.csv"], "disagree on run x"),
        (["merge", "runs.csv", "--out", "foreign.csv"], "already exists"),
        // Analysis.
        (["analyze", "missing.csv"], "runs table missing.csv: the file does not exist"),
        (["analyze", "empty.csv"], "it is empty"),
        (["analyze", "foreign.csv"], "lacks the required columns"),
        (["analyze", "huge.csv"], "an accuracy is a fraction from 0 to 1"),
        (["analyze", "negative.csv"], "degrees of freedom are a count of 0 or more"),
        (["analyze", "word.csv"], "which is not a number"),
        (["analyze", "diverged.csv"], "none of its 1 runs has status ok"),
        (["analyze", "scope.csv"], "column 'scope' holds 'x'"),
        (["analyze", "twice.csv"], "the header names column 'rpg.signs' twice"),
        (["analyze", "nul.csv"], "runs table nul.csv, line 2: the line holds a NUL byte"),
        // An output folder on a file's path was a raw NSCocoaErrorDomain error.
        (["analyze", "runs.csv", "--out-dir", "plain.txt/analysis"], "--out-dir plain.txt/analysis: plain.txt is a file, so no folder can be made inside it"),
        (["analyze", "twice-run.csv"], "twice-run.csv, line 3: the row repeats the run on line 2"),
        (["merge", "twice.csv", "--out", "merged.csv"], "names column 'rpg.signs' twice"),
        // Benchmarks.
        (["bench", "--batch-size", "0"], "--batch-size must be from 1"),
        (["bench", "--models", "lenet5x"], "unknown model 'lenet5x'"),
        (["bench", "--generator", "magic"], "unknown generator 'magic'"),
        // Options bench did not check were dropped, and a list measured its first generator only.
        (["bench", "--generator", "rpg,hashing"], "bench measures one generator, and 'rpg,hashing' names several"),
        (["bench", "--generator", "rpg", "--generator-option", "hashing.hashes=2"], "hashing.hashes sets an option of hashing, but only rpg is swept"),
        (["bench", "--generator", "rpg", "--generator-option", "magic.x=1"], "magic.x sets an option of magic, but only rpg is swept"),
        (["bench", "--generator", "dense", "--generator-option", "rpg.signs=off"], "but no generator is swept"),
        (["bench", "--generator", "rpg", "--generator-option", "rpg.scaling=often"], "rpg.scaling takes rms|authors, not 'often'"),
        // Checkpoints.
        // The folder as given, not a file in it that nobody named.
        (["--save-models", "plain.txt/models"], "--save-models plain.txt/models: plain.txt is a file, so no folder can be made inside it"),
        (["eval", "missing.safetensors"], "checkpoint missing.safetensors: the file does not exist"),
        (["eval", "plain.txt"], "not safetensors"),
        (["eval", "runs.csv", "--data-dir", "idx3x3"], "not safetensors"),
        (["export", "missing.safetensors", "--dense", "dense.safetensors"], "does not exist"),
        (["export", "plain.txt", "--dense", "runs.csv"], "--dense runs.csv exists"),
        (["compress", "missing.safetensors", "--out", "compressed.csv"], "does not exist"),
        (["compress", "empty.csv", "--out", "compressed.csv"], "checkpoint empty.csv: it is 0 bytes long, shorter than the 8-byte header length"),
    ]

    @Test("every bad input fails with a message naming it, and changes no file", arguments: cases)
    func rejects(arguments: [String], message: String) throws {
        let directory = try Self.fixtures()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = try Self.snapshot(directory)
        let isRun = !["merge", "analyze", "bench", "eval", "export", "compress"].contains(arguments.first ?? "")
        let result = try ExecutableProduct.run("sweep", isRun && !arguments.contains("--out") ? arguments + ["--out", "new/runs.csv"] : arguments,
                                               in: directory)
        #expect(result.status != 0, "\(arguments) succeeded:\n\(result.stdout)")
        #expect((result.stderr + result.stdout).contains(message), "\(arguments): \(result.stderr)")
        #expect(try Self.snapshot(directory) == before, "\(arguments) changed or wrote files")
    }

    @Test("a model the process's address-space limit (ulimit -v) cannot hold is refused before training, naming the limit")
    func addressSpaceLimit() throws {
        let directory = try Self.fixtures()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = try Self.snapshot(directory)
        // About 6 GiB to train: within this machine's memory, but not 3 GiB of address space.
        let sweep = try ExecutableProduct.path(named: "sweep")
        let result = try ExecutableProduct.run(executableAt: "/bin/sh", ["-c", "ulimit -v 3145728 && exec \"$0\" \"$@\"", sweep, "--models", "mlp-20000-20000",
                                                           "--generators", "dense", "--epochs", "1", "--seeds", "0", "--out", "new/runs.csv"],
                                               in: directory)
        #expect(result.status != 0, "the run started:\n\(result.stdout)")
        #expect(result.stderr.contains("the process's address-space limit leaves it (ulimit -v)"), "\(result.stderr)")
        #expect(try Self.snapshot(directory) == before, "the refusal changed or wrote files")
    }

    @Test("an --out folder that cannot be written is named, and nothing is written")
    func readOnlyFolder() throws {
        let directory = try Self.fixtures()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let folder = directory + "/locked"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Root ignores permission bits, so the folder is made immutable instead; where chattr is
        // missing or the file system has no such flag, the case cannot be set up here.
        func chattr(_ flag: String) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            process.arguments = [flag, folder]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard FileManager.default.fileExists(atPath: "/usr/bin/chattr"), try chattr("+i") == 0 else {
            print("skipped: cannot make \(folder) immutable with chattr here, so a folder root cannot write to cannot be made")
            return
        }
        defer { _ = try? chattr("-i") }
        let result = try ExecutableProduct.run("sweep", Self.quick + ["--out", "locked/runs.csv"], in: directory)
        #expect(result.status != 0)
        #expect(result.stderr.contains("its folder locked is not writable"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("a table or data folder the user may not read is named as unreadable, not as missing")
    func unreadableFolder() throws {
        // Root reads every folder, so the executable runs as nobody; where setpriv is missing, or
        // this process may not change its user, the case cannot be set up here.
        guard getuid() == 0, FileManager.default.fileExists(atPath: "/usr/bin/setpriv") else {
            print("skipped: an unreadable folder needs root and setpriv to run the executable as another user")
            return
        }
        let directory = try Self.fixtures()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manager = FileManager.default
        // The fixtures' folder and the executable must be reachable for nobody; only locked is not.
        for folder in [directory, directory + "/idx3x3"] { try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        try manager.createDirectory(atPath: directory + "/locked", withIntermediateDirectories: true)
        try manager.copyItem(atPath: directory + "/runs.csv", toPath: directory + "/locked/runs.csv")
        try manager.copyItem(atPath: directory + "/idx3x3", toPath: directory + "/locked/idx")
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory + "/locked")
        let sweep = try ExecutableProduct.path(named: "sweep")
        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", sweep]
        for (arguments, message) in [(["analyze", "locked/runs.csv"], "runs table locked/runs.csv: it cannot be reached (Permission denied)"),
                                     (["--dataset", "mnist", "--data-dir", "locked/idx", "--out", "new/runs.csv"],
                                      "--data-dir locked/idx: may not be read (permission denied)")] {
            let result = try ExecutableProduct.run(executableAt: "/usr/bin/setpriv", asNobody + arguments, in: directory)
            guard !result.stderr.contains("setpriv:") else {
                print("skipped: setpriv cannot run the executable as nobody here (\(result.stderr))")
                return
            }
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test("there are at least forty bad inputs")
    func coverage() {
        #expect(Self.cases.count >= 40)
    }
}
