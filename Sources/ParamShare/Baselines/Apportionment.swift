/// `total` split over `counts` in proportion to them, in whole parts that sum exactly to `total`:
/// each part is the floor of its exact share, and the parts left over go one each to the largest
/// remainders (Hamilton's method; of equal remainders, the earlier count's first).
///
/// Rounding each share on its own, as budget splits over sharing groups do, can miss the total
/// by a few; a pruning budget split over tensors must be met exactly.
func apportion(_ total: Int, among counts: [Int]) -> [Int] {
    let sum = counts.reduce(0, +)
    guard sum > 0 else { return counts.map { _ in 0 } }
    var parts = counts.map { total * $0 / sum }
    let remainders = counts.indices.map { (index: $0, remainder: total * counts[$0] % sum) }
    let largestFirst = remainders.sorted { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
    for entry in largestFirst.prefix(total - parts.reduce(0, +)) { parts[entry.index] += 1 }
    return parts
}
