import ArgumentParser
import ParamShare
import ParamShareArguments

/// The `sweep` command: parameter-budget sweeps and the tools around them.
///
/// A package of your own gets the whole command line, with its generators beside the built-in
/// ones, from a three-line executable:
///
/// ```swift
/// import ParamShareCLI
///
/// Sweep.main(registering: [KroneckerGenerator.descriptor])
/// ```
public struct Sweep: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "sweep",
            abstract: "Train and compare parameter-sharing models on the CPU.",
            discussion: "Generators: " + CommandLineRegistry.current.descriptors.map { "\($0.name) (\($0.summary))" }
                .joined(separator: "; ") + ".",
            subcommands: [Run.self, Tune.self, Bench.self, Merge.self, Analyze.self, Eval.self, Export.self, Compress.self],
            defaultSubcommand: Run.self
        )
    }

    public init() {}

    /// Registers `descriptors` beside the built-in generators, then parses the command line and
    /// runs the command it names, exiting with its status.
    ///
    /// A descriptor whose name is taken, or whose options are malformed, ends the program with a
    /// message before anything runs, as does a flag given twice that takes one value.
    public static func main(registering descriptors: [GeneratorDescriptor]) {
        do {
            try CommandLineRegistry.register(descriptors)
        } catch {
            exit(withError: ValidationError("cannot register the generators: \(error)"))
        }
        do { try RepeatedFlag.check(Array(CommandLine.arguments.dropFirst()), gathering: gatheringFlags) } catch { exit(withError: error) }
        main()
    }

    /// The flags that take one value per use and gather them (`@Option var …: [T]`): the only
    /// ones that may be given twice.
    static let gatheringFlags: Set<String> = ["--generator-option", "--search", "--earlier-trials"]
}
