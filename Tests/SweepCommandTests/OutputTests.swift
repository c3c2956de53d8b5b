import Foundation
import Logging
@testable import ParamShare
@testable import ParamShareCLI
import Synchronization
import Testing
import TestSupport

/// What a user sees: a sweep's output piped into a log, the threads and jobs it picks, and the
/// help text.
@Suite("What a user sees")
struct OutputTests {
    private static let cores = ProcessInfo.processInfo.activeProcessorCount
    // Each run names its --out: a flag given twice is refused.
    private static let quick = ["--models", "mlp-8", "--generators", "rpg,dense", "--budgets", "100", "--epochs", "2", "--seeds", "0",
                                "--no-analysis"]

    @Test("piped, a sweep writes a line per finished run and none per epoch; --verbose adds one per epoch")
    func pipedLines() throws {
        try ScratchDirectory.with("sweep-output") { directory in
            let plain = try ExecutableProduct.run("sweep", Self.quick + ["--out", "runs.csv"], in: directory)
            #expect(plain.status == 0, "\(plain.stderr)")
            let lines = plain.stdout.split(separator: "\n")
            #expect(lines.filter { $0.hasPrefix("[1/2] ") || $0.hasPrefix("[2/2] ") }.count == 2, "\(plain.stdout)")
            #expect(!lines.contains { $0.contains("  epoch ") }, "\(plain.stdout)")
            #expect(!plain.stdout.contains("\u{1B}[2K"), "a redrawn line written into a pipe")
            let verbose = try ExecutableProduct.run("sweep", Self.quick + ["--out", "verbose.csv", "--verbose"], in: directory)
            #expect(verbose.status == 0, "\(verbose.stderr)")
            #expect(verbose.stdout.split(separator: "\n").filter { $0.contains("  epoch ") }.count == 2 * 2, "\(verbose.stdout)")
        }
    }

    @Test("piped, the progress line comes at most every 30 seconds, and --quiet leaves it out")
    func progressLineInterval() {
        for level in [Logger.Level.info, .warning] {
            let clock = Shared(0.0), lines = Shared([String]())
            var logger = Logger(label: "test") { _ in PlainLogHandler(output: { line in lines.value.withLock { $0.append(line) } }) }
            logger.logLevel = level
            let printer = ProgressPrinter(logger: logger, cells: 2, isTerminal: false, clock: { clock.value.withLock { $0 } })
            // A progress event every second for 100 seconds.
            for step in 1...100 {
                clock.value.withLock { $0 += 1 }
                printer.handle(.progress(label: "mlp-8 rpg", TrainingProgress(
                    epoch: 1, epochs: 2, step: step, totalSteps: 200, loss: 1, imagesPerSecond: 100, elapsedSeconds: Double(step))))
            }
            let progress = lines.value.withLock { $0 }.filter { $0.hasPrefix("[0/2 done") }
            #expect(progress.count == (level == .info ? 3 : 0), "\(progress)")
        }
    }

    @Test("--threads T alone trains cores/T runs at once, and jobs × threads never passes the cores")
    func threadsSetJobs() throws {
        try ScratchDirectory.with("sweep-threads") { directory in
            for threads in Set([1, Self.cores]).sorted() {
                let result = try ExecutableProduct.run("sweep", Self.quick + ["--out", "threads-\(threads).csv", "--threads", "\(threads)"],
                                                       in: directory)
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout.contains("\(Self.cores / threads) at a time on \(threads) threads each"), "\(result.stdout)")
            }
            if Self.cores > 1 {
                let refused = try ExecutableProduct.run("sweep", Self.quick + ["--threads", "\(Self.cores)", "--jobs", "2"], in: directory)
                #expect(refused.status != 0 && refused.stderr.contains("exceeds the \(Self.cores) cores"), "\(refused)")
            }
        }
    }

    @Test("every command's help is wrapped once, by argument-parser: prose unbroken at any width, examples whole at 80 columns",
          arguments: ["run", "tune", "bench", "merge", "analyze", "eval", "export", "compress"])
    func helpWrappedOnce(command: String) throws {
        try ScratchDirectory.with("sweep-help") { directory in
            func overview(columns: Int) throws -> [Substring] {
                let help = try ExecutableProduct.run("sweep", [command, "--help"], in: directory, environment: ["COLUMNS": "\(columns)"])
                #expect(help.status == 0, "\(help.stderr)")
                return help.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.hasPrefix("USAGE:") }.dropLast().map { $0 }
            }
            // Wide enough for any paragraph on one line: two prose lines in a row were broken by hand.
            let wide = try overview(columns: 10_000)
            for (line, next) in zip(wide, wide.dropFirst()) where !line.isEmpty && !line.hasPrefix(" ") {
                #expect(next.isEmpty || next.hasPrefix(" "), "\(command): '\(line)' is followed by '\(next)'")
            }
            // An example or code line wrapped by argument-parser would continue unindented.
            let narrow = try overview(columns: 80)
            for (line, next) in zip(narrow, narrow.dropFirst()) where line.hasPrefix(" ") {
                #expect(next.isEmpty || next.hasPrefix(" "), "\(command): '\(line)' is followed by '\(next)'")
            }
        }
    }
}

/// A value the test and the code under test share across threads.
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }
}
