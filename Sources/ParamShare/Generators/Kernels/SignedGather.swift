import ParamShareEngine

/// A bank index and a sign packed in 32 bits: the index in the low 31, the sign in the top bit.
///
/// RPG caches one per generated weight (4 bytes, against 12 in the RPG authors' code: an int64
/// index and a float sign), and ``BankKernels/gatherSigned(_:entries:scale:into:count:)`` reads them.
public enum SignedBankEntry {
    /// Set for a negative sign.
    public static let signBit: UInt32 = 1 << 31
    /// The bits that hold the index.
    public static let indexMask: UInt32 = signBit - 1
    /// The largest bank index that fits.
    public static var largestIndex: Int { Int(indexMask) }

    /// The entry reading bank index `index` (at most ``largestIndex``) with a negative sign if `negative`.
    @inlinable
    public static func pack(index: Int, negative: Bool) -> UInt32 {
        UInt32(index) | (negative ? signBit : 0)
    }

    /// The bank index of `entry`.
    @inlinable
    public static func index(of entry: UInt32) -> Int { Int(entry & indexMask) }

    /// Whether `entry` reads its bank value negated.
    @inlinable
    public static func isNegative(_ entry: UInt32) -> Bool { entry & signBit != 0 }
}

extension BankKernels {
    /// `w[i] = scale · (±bank[index])` for the packed ``SignedBankEntry`` values in `entries`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func gatherSigned<Scalar: EngineScalar>(
        _ bank: UnsafePointer<Scalar>, entries: UnsafePointer<UInt32>, scale: Scalar, into w: UnsafeMutablePointer<Scalar>,
        count: Int
    ) {
        for i in 0..<count {
            let entry = entries[i]
            let value = bank[Int(entry & SignedBankEntry.indexMask)] * scale
            w[i] = entry & SignedBankEntry.signBit != 0 ? -value : value
        }
    }

    /// The transpose of ``gatherSigned(_:entries:scale:into:count:)``: `bankGradient[index] += scale · (±dW[i])`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func scatterAddSigned<Scalar: EngineScalar>(
        _ dW: UnsafePointer<Scalar>, entries: UnsafePointer<UInt32>, scale: Scalar,
        into bankGradient: UnsafeMutablePointer<Scalar>, count: Int
    ) {
        for i in 0..<count {
            let entry = entries[i]
            let value = dW[i] * scale
            bankGradient[Int(entry & SignedBankEntry.indexMask)] += entry & SignedBankEntry.signBit != 0 ? -value : value
        }
    }
}
