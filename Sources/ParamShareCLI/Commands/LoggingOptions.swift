import ArgumentParser
import Foundation
import Logging

/// `--verbose` and `--quiet`, shared by the commands that log.
struct LoggingOptions: ParsableArguments {
    @Flag(help: "Log every epoch and more detail.")
    var verbose = false

    @Flag(help: "Log only warnings and errors.")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
    }

    /// A logger writing plain lines to standard output at the chosen level.
    func makeLogger(label: String) -> Logger {
        var logger = Logger(label: label) { _ in PlainLogHandler() }
        logger.logLevel = verbose ? .debug : quiet ? .warning : .info
        return logger
    }
}

/// Writes a message as it is, one line, to standard output; warnings and errors to standard error.
///
/// Each line is flushed at once: piped into a log file, standard output is otherwise buffered by
/// the block, and a sweep's few lines would show up minutes late.
struct PlainLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    /// Where a line below a warning goes: standard output, or a test's collector.
    var output: @Sendable (String) -> Void = { line in
        print(line)
        fflush(nil)  // all streams: Swift 6 cannot name the C global `stdout`
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        if event.level >= .warning {
            FileHandle.standardError.write(Data("\(event.level): \(event.message)\n".utf8))
        } else {
            output("\(event.message)")
        }
    }
}
