/// Averages each channel plane to one value: `[N, C, H, W]` → `[N, C]`.
public final class GlobalAveragePool<Scalar: EngineScalar>: Layer {
    public let name: String
    private var inputShape: [Int] = []
    private var output: Tensor<Scalar>?
    private var inputGradient: Tensor<Scalar>?

    public init(name: String) {
        self.name = name
    }

    // x [N, C, H, W] → y [N, C]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        checkShape(input.shape.count == 4, name, "expected [N, C, H, W], got \(input.shape)")
        inputShape = input.shape
        let output = self.output.reuse(shape: [input.shape[0], input.shape[1]])
        planeMeans(input.data, planes: output.count, planeSize: input.shape[2] * input.shape[3], into: output.data)
        return output
    }

    // dy [N, C] → dx [N, C, H, W] = dy / (H·W) everywhere in the plane.
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        checkShape(outputGradient.shape == [inputShape[0], inputShape[1]], name,
                   "output gradient \(outputGradient.shape) does not match the last output")
        let inputGradient = self.inputGradient.reuse(shape: inputShape)
        broadcastPlaneMeansGradient(outputGradient.data, planes: outputGradient.count,
                                    planeSize: inputShape[2] * inputShape[3], into: inputGradient.data)
        return inputGradient
    }
}
