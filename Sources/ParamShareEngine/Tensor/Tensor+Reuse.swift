extension Optional {
    /// The tensor kept in this slot if it already has `shape`, otherwise a new zeroed one stored there.
    ///
    /// Layers keep their outputs and gradients in such slots, so a training loop at a fixed batch
    /// size allocates on its first step only.
    mutating func reuse<Scalar>(shape: [Int]) -> Tensor<Scalar> where Wrapped == Tensor<Scalar> {
        if let tensor = self, tensor.shape == shape { return tensor }
        let tensor = Tensor<Scalar>(shape: shape)
        self = tensor
        return tensor
    }
}
