import Foundation

/// Finds an executable product of this package next to the test bundle that is running.
public enum ExecutableProduct {
    /// The path of the product `name` built alongside the tests.
    ///
    /// SwiftPM puts executables and the test bundle in one folder (.build/debug, or whatever
    /// --scratch-path says); the bundle is found among this process's mapped files because
    /// the test runner loads it as a library.
    public static func path(named name: String) throws -> String {
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        guard let bundle = maps.split(separator: "\n").lazy.compactMap({ $0.split(separator: " ").last })
            .first(where: { $0.hasSuffix(".xctest") }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "no .xctest bundle is mapped"])
        }
        return (String(bundle) as NSString).deletingLastPathComponent + "/" + name
    }

    /// Starts the product `name` with `arguments` in `directory`, its output discarded, and
    /// returns it running: for tests that kill it partway.
    public static func start(_ name: String, _ arguments: [String], in directory: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(named: name))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs the product with `arguments` in `directory`, with `environment` added to this
    /// process's, and returns its exit status and output.
    public static func run(_ name: String, _ arguments: [String], in directory: String,
                           environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(executableAt: path(named: name), arguments, in: directory, environment: environment)
    }

    /// Runs the executable at `path` (a shell that sets limits for a product, say) with
    /// `arguments` in `directory`, with `environment` added to this process's, and returns its
    /// exit status and output.
    public static func run(executableAt path: String, _ arguments: [String], in directory: String,
                           environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
