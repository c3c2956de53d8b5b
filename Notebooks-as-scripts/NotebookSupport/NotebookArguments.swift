import ArgumentParser
import Foundation
import ParamShareArguments

/// A notebook's command line: `[--part K] [--smoke] [path/to/cifar-10-batches-bin]`.
///
/// A study longer than about two hours comes in parts that each finish on their own; `--part`
/// runs one of them (and then analyses whatever the tables hold), no `--part` runs them all.
/// `--smoke` runs the whole notebook in a minute or two on a tiny recipe, into a scratch
/// folder instead of `results/`, to check it end to end before spending hours on it.
///
/// Parsed by argument-parser, so that a mistyped flag (`--smok`) or a second folder is refused
/// with the usage rather than taken for the data's path; a flag given twice is refused as `sweep`
/// refuses it (`RepeatedFlag`), and the folder is a checked `GivenPath`.
package struct NotebookArguments: ParsableArguments, Sendable {
    @Option(help: "Run only part K of a study that comes in parts (1-based); without it, every part in order.")
    package var part: Int?

    @Flag(help: "Run the whole notebook in a minute or two on a tiny recipe, into a scratch folder instead of results/.")
    package var smoke = false

    @Argument(help: ArgumentHelp("The official CIFAR-10 binary batches (data_batch_1.bin … test_batch.bin); by default the workplace's shared copy.",
                                 valueName: "cifar-10-batches-bin"),
              transform: GivenPath.init(parsing:))
    package var cifar10: GivenPath?

    package init() {}

    package func validate() throws {
        if let part, part < 1 { throw ValidationError("--part takes a number from 1, got \(part)") }
    }

    /// `arguments` (a command line after the program's name), parsed, refusing a flag given twice.
    package static func parse(checking arguments: [String]) throws -> NotebookArguments {
        // No notebook flag takes a list, so the refusal does not suggest one.
        try RepeatedFlag.check(arguments, listExample: nil)
        return try parse(arguments)
    }

    /// This process's command line, parsed on first use; a bad one ends the process with the usage.
    package static let current: NotebookArguments = {
        do {
            return try parse(checking: Array(CommandLine.arguments.dropFirst()))
        } catch {
            exit(withError: error)
        }
    }()

    /// Whether `--smoke` was given.
    package static var isSmokeTest: Bool { current.smoke }

    /// The parts to run, of `count`: all of them, or the one `--part K` names (1-based).
    package func parts(of count: Int) throws -> [Int] {
        guard let part else { return Array(1...count) }
        guard part <= count else {
            throw NotebookError("--part takes a number from 1 to \(count); run without it to run every part in order")
        }
        return [part]
    }

    /// The parts of this process's command line to run, of `count` (``parts(of:)``).
    package static func parts(of count: Int) throws -> [Int] {
        try current.parts(of: count)
    }
}
