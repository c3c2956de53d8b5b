extension Tensor {
    /// A tensor of `shape` over this tensor's memory if it is large enough, else `nil`.
    func resizedInPlace(_ shape: [Int]) -> Tensor? {
        let needed = shape.reduce(1, *)
        return needed <= storageCapacity ? Tensor(shape: shape, sharingStorageOf: self) : nil
    }
}

extension Optional {
    /// The tensor kept in this slot if it has `shape`, otherwise one of that shape (over the
    /// same memory when it fits) stored there. Its contents are unspecified: callers overwrite them.
    ///
    /// Layers keep their outputs and gradients in such slots, so a training loop allocates on
    /// its first step only, even when the last batch of an epoch or the evaluation batches
    /// are smaller.
    mutating func reuse<Scalar>(shape: [Int]) -> Tensor<Scalar> where Wrapped == Tensor<Scalar> {
        if let tensor = self, tensor.shape == shape { return tensor }
        let tensor = self?.resizedInPlace(shape) ?? Tensor<Scalar>(shape: shape)
        self = tensor
        return tensor
    }
}
