/// Why a parameter budget cannot be used, with what would work instead.
public struct BudgetError: Error, CustomStringConvertible, Equatable {
    public var budget: String
    public var detail: String

    public init(budget: String, detail: String) {
        self.budget = budget
        self.detail = detail
    }

    public var description: String { "budget '\(budget)': \(detail)" }
}
