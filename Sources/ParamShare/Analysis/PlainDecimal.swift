extension Double {
    /// The shortest decimal that reads back as this value, never in exponent notation; empty when not finite.
    ///
    /// Every output table of the analysis writes numbers this way: an empty field is what pandas,
    /// R and gnuplot all read as missing, and plain digits (0.0000123 rather than 1.23e-05) read
    /// the same in any tool, spreadsheets included, with no locale or notation to guess.
    var plainDecimal: String {
        guard isFinite else { return "" }
        let shortest = "\(self)"
        guard let e = shortest.firstIndex(of: "e") else { return shortest }
        // Swift's own description: an optional sign, digits with at most one point, "e", a signed exponent.
        let exponent = Int(shortest[shortest.index(after: e)...]) ?? 0
        var mantissa = shortest[..<e]
        let sign = mantissa.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let digits = parts.joined()
        let point = parts[0].count + exponent
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        return sign + digits.prefix(point) + "." + digits.dropFirst(point)
    }
}
