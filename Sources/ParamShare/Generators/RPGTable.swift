import ParamShareEngine

/// The packing of an RPG table entry: a 31-bit bank index and a sign bit.
enum RPGTable {
    static let signBit: UInt32 = 1 << 31
    static let indexMask: UInt32 = signBit - 1
}

/// `w[i] = scale · (±bank[index])` for the packed entries of `table`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func gatherSigned<Scalar: EngineScalar>(
    _ bank: UnsafePointer<Scalar>, table: UnsafePointer<UInt32>, scale: Scalar, into w: UnsafeMutablePointer<Scalar>,
    count: Int
) {
    for i in 0..<count {
        let entry = table[i]
        let value = bank[Int(entry & RPGTable.indexMask)] * scale
        w[i] = entry & RPGTable.signBit != 0 ? -value : value
    }
}

/// The transpose of `gatherSigned`: `bankGradient[index] += scale · (±dW[i])`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func scatterAddSigned<Scalar: EngineScalar>(
    _ dW: UnsafePointer<Scalar>, table: UnsafePointer<UInt32>, scale: Scalar,
    into bankGradient: UnsafeMutablePointer<Scalar>, count: Int
) {
    for i in 0..<count {
        let entry = table[i]
        let value = dW[i] * scale
        bankGradient[Int(entry & RPGTable.indexMask)] += entry & RPGTable.signBit != 0 ? -value : value
    }
}
