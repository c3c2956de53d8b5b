/// One of N deterministic parts of a grid, for spreading a sweep over cluster jobs.
///
/// Cell i of the grid (in its fixed order) belongs to shard i mod N. Round-robin rather than
/// contiguous blocks, so that every shard gets a mix of cheap and expensive cells.
public struct SweepShard: Sendable, Hashable, CustomStringConvertible {
    /// 0-based, below `count`.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw GridError("shard \(index)/\(count): a shard is K/N with N ≥ 1 and 0 ≤ K < N")
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`, as in `--shard $SLURM_ARRAY_TASK_ID/16`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw GridError("'\(text)' is not a shard; write K/N, such as 3/16")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The cells of `cells` that belong to this shard, in grid order.
    public func select<Cell>(_ cells: [Cell]) -> [Cell] {
        cells.enumerated().filter { $0.offset % count == index }.map(\.element)
    }
}
