extension String {
    /// The folder part of this path, as `NSString.deletingLastPathComponent` gives it: "" for a
    /// bare name, "/" for a name at the root, trailing and doubled slashes ignored.
    ///
    /// Foundation's own traps on Linux where the last component is one character (`m`, `x/`,
    /// `.`: swift-corelibs-foundation with Swift 6.3), which a user's `--save-models m` reached.
    package var parentFolder: String {
        var path = Substring(self)
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        var parent = path[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent.removeLast() }
        return parent.isEmpty ? "/" : String(parent)
    }
}
