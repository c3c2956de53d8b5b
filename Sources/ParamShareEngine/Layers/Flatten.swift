/// Views `[N, d₁, d₂, …]` as `[N, d₁·d₂·…]`. No data moves in either direction.
public final class Flatten<Scalar: EngineScalar>: Layer {
    public let name: String
    private var inputShape: [Int] = []

    public init(name: String) {
        self.name = name
    }

    // x [N, …] → view [N, prod(…)]
    public func forward(_ input: Tensor<Scalar>, mode: ForwardMode) -> Tensor<Scalar> {
        checkShape(input.shape.count >= 1, name, "cannot flatten a scalar")
        inputShape = input.shape
        return input.reshaped([input.shape[0], input.count / max(input.shape[0], 1)])
    }

    // dy [N, prod(…)] → view [N, …]
    public func backward(_ outputGradient: Tensor<Scalar>) -> Tensor<Scalar> {
        outputGradient.reshaped(inputShape)
    }
}
