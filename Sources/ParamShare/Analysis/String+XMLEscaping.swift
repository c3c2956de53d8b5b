extension String {
    /// The text with XML's five special characters escaped, safe inside an SVG's elements and
    /// attribute values: for labels, which hold users' generator and option names.
    package var xmlEscaped: String {
        var result = ""
        for character in self {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
