/// A fit or comparison the analysis could not make, and why: printed so that a row missing from
/// an output table is explained rather than silently absent.
public struct SkippedAnalysis: Sendable, Equatable, CustomStringConvertible {
    /// The output table the row would have gone to, such as `loglinear.csv`.
    public var table: String
    /// What was skipped: a setting, with its budget where it has one.
    public var subject: String
    public var reason: String

    package init(table: String, subject: String, reason: String) {
        self.table = table
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "\(table): \(subject): \(reason)" }
}
