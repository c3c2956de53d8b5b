extension Layer {
    /// Sets the operand precision of every convolution and linear layer in this layer and the
    /// layers inside it; other layers (batch norm, pooling, the loss) always compute in `Scalar`.
    ///
    /// `bfloat16` needs `Float`.
    public func setPrecision(_ precision: ComputePrecision) {
        if let convolution = self as? Conv2D<Scalar> { convolution.precision = precision }
        if let linear = self as? Linear<Scalar> { linear.precision = precision }
        for layer in sublayers { layer.setPrecision(precision) }
    }
}
