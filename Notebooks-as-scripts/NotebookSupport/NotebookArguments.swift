import Foundation

/// A notebook's command line: `[--part K] [--smoke] [path/to/cifar-10-batches-bin]`.
///
/// A study longer than about two hours comes in parts that each finish on their own; `--part`
/// runs one of them (and then analyses whatever the tables hold), no `--part` runs them all.
/// `--smoke` runs the whole notebook in a minute or two on a tiny recipe, into a scratch
/// folder instead of `results/`, to check it end to end before spending hours on it.
public enum NotebookArguments {
    /// Whether `--smoke` was given.
    public static let isSmokeTest = CommandLine.arguments.dropFirst().contains("--smoke")

    /// The arguments that are not options.
    public static var positional: [String] {
        var arguments = Array(CommandLine.arguments.dropFirst()), kept = [String]()
        while !arguments.isEmpty {
            let argument = arguments.removeFirst()
            if argument == "--smoke" {
                continue
            } else if argument != "--part" {
                kept.append(argument)
            } else if !arguments.isEmpty {
                arguments.removeFirst()  // the part's number
            }
        }
        return kept
    }

    /// The parts to run, of `count`: all of them, or the one `--part K` names (1-based).
    public static func parts(of count: Int) throws -> [Int] {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let flag = arguments.firstIndex(of: "--part") else { return Array(1...count) }
        guard flag + 1 < arguments.count, let part = Int(arguments[flag + 1]), (1...count).contains(part) else {
            throw NotebookError("--part takes a number from 1 to \(count); run without it to run every part in order")
        }
        return [part]
    }
}
