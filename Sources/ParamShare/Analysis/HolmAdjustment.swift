extension Statistics {
    /// Holm's step-down adjustment of a family of p-values, in their given order.
    ///
    /// The smallest p is multiplied by m, the next by m − 1, and so on; each adjusted p is then
    /// raised to the largest adjusted p before it, so that the order of the adjusted p-values is
    /// that of the raw ones, and capped at 1. Rejecting every hypothesis whose adjusted p is below
    /// α keeps the chance of any false rejection in the family at most α, whatever the
    /// dependence between the tests, and never rejects less than Bonferroni's m·p does. A `nan`
    /// (a test that could not be made) stays `nan` and does not count towards m: it cannot be
    /// rejected, so it spends no share of α.
    package static func holmAdjusted(_ pValues: [Double]) -> [Double] {
        let tested = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: .nan, count: pValues.count), running = 0.0
        for (rank, index) in tested.enumerated() {
            running = max(running, min(1, Double(tested.count - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
