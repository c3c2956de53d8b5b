/// Every check a grid's cells can have before any of them trains, none of which builds a
/// network: each model against the images and the memory, and each cell's budget, generator
/// options, banks and step scaling (``CellModel/init(building:inputShape:classes:)`` would
/// throw the same errors, later).
///
/// Cells that differ only in their seed are checked once: a seed changes the tables a
/// generator draws, not whether a budget fits. A generator's tables are laid out to check its
/// banks (the lowest budget low rank meets depends on its layers), but no bank, weight or
/// network is allocated.
public struct SweepPreflight {
    /// A cell that cannot be trained, and why.
    public struct Refusal {
        public var cell: SweepCell
        public var reason: any Error
    }

    /// The cells that can be trained, in their order.
    public private(set) var feasible: [SweepCell] = []
    /// The cells that cannot, in their order, each with the reason.
    public private(set) var refusals: [Refusal] = []

    /// Checks `cells` for images of `inputShape` and `classes` classes, with `jobs` of them
    /// training at once (for the memory they need together).
    public init(cells: [SweepCell], inputShape: [Int], classes: Int, jobs: Int = 1) {
        var reasons = [String: (any Error)?]()
        for cell in cells {
            var setting = cell
            setting.configuration.seed = 0
            let reason = reasons[setting.identifier] ?? Self.reason(refusing: cell, inputShape: inputShape, classes: classes, jobs: jobs)
            reasons[setting.identifier] = .some(reason)
            if let reason { refusals.append(Refusal(cell: cell, reason: reason)) } else { feasible.append(cell) }
        }
    }

    /// Why `cell` cannot be trained, or `nil` when it can.
    private static func reason(refusing cell: SweepCell, inputShape: [Int], classes: Int, jobs: Int) -> (any Error)? {
        do {
            try cell.architecture.checkFits(inputShape: inputShape, classes: classes, batchSize: cell.configuration.batchSize, jobs: jobs)
            try CellBlueprint(cell, inputShape: inputShape, classes: classes).check()
            return nil
        } catch {
            return error
        }
    }
}
