import ParamShareEngine

extension Tensor {
    /// A tensor of standard normal draws from `random`.
    public static func random(shape: [Int], random: RandomSource) -> Tensor {
        let tensor = Tensor(shape: shape)
        for i in 0..<tensor.count { tensor[i] = Scalar(random.gaussian()) }
        return tensor
    }

    /// The largest absolute difference from `other`, entry by entry.
    public func maxAbsoluteDifference(_ other: Tensor) -> Double {
        precondition(count == other.count, "comparing \(shape) with \(other.shape)")
        return (0..<count).reduce(0) { Swift.max($0, Double(Swift.abs(self[$1] - other[$1]))) }
    }
}
