/// The 64-bit FNV-1a hash of a string's UTF-8 bytes: stable across runs, machines and Swift
/// versions, unlike Swift's seeded `hashValue`, so it can name things in files.
enum FNV1a {
    /// The hash of `text`.
    static func hash(of text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The hash of `text` as 16 hex digits.
    static func hex(of text: String) -> String {
        let hex = String(hash(of: text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
