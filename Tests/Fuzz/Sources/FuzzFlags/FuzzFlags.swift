import ParamShare
import ParamShareCLI

/// Bytes as command-line arguments (split at newlines) parsed and validated by `sweep`, and as
/// the budget, shard, model-list and option-sweep parsers. Parsing never trains or writes.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    _ = try? BudgetSpecification(parsing: text)
    _ = try? BudgetSpecification.list(parsing: text)
    _ = try? SweepShard(parsing: text)
    _ = try? Architecture.list(parsing: text)
    _ = try? GeneratorOptionSweep(parsing: text)
    let arguments = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    _ = try? Sweep.parseAsRoot(arguments)
    return 0
}
