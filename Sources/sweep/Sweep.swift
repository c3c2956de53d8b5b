import ArgumentParser

/// The `sweep` command: parameter-budget sweeps and the tools around them.
@main
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train and compare parameter-sharing models on the CPU.",
        subcommands: [Run.self, Bench.self, Merge.self, Analyze.self],
        defaultSubcommand: Run.self
    )
}
