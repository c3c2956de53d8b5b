extension String {
    /// The text as a column of a fixed-width table: followed by spaces up to `width` characters,
    /// or by one space where it is as long or longer. A longer value widens its row instead of
    /// being cut short, since a cut number would read as another number.
    package func padded(toWidth width: Int) -> String {
        padding(toLength: Swift.max(width, count + 1), withPad: " ", startingAt: 0)
    }
}
