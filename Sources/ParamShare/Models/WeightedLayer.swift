import ParamShareEngine

/// One convolution or linear layer of a model description: where it sits and what its weight is.
///
/// Sharing plans address layers through these: by role (`body` convolutions are what RPG
/// generates by default), by stage and block (for per-stage or per-block banks), or by name.
public struct WeightedLayer: Sendable, Hashable {
    /// What a weighted layer does in its network.
    public enum Role: String, Sendable, CaseIterable {
        /// The first layer, reading the image. Kept dense by default, as in the RPG paper's code.
        case stem
        /// A convolution inside a residual block or a convolutional trunk.
        case body
        /// A convolution on a residual shortcut (option-B networks; the CIFAR ResNets have none).
        case shortcut
        /// A hidden fully connected layer.
        case hidden
        /// The last linear layer, producing the logits. Kept dense by default.
        case classifier
    }

    /// The kind of layer and its geometry.
    public enum Kind: Sendable, Hashable {
        case convolution(kernelSize: Int, stride: Int, padding: Int)
        case linear
    }

    /// Unique within the model, such as `stage2.block0.conv1`.
    public var name: String
    public var role: Role
    /// The stage (1-based) for staged networks, `nil` elsewhere.
    package var stage: Int?
    /// The block within its stage (0-based), `nil` outside blocks.
    package var block: Int?
    public var kind: Kind
    public var inputs: Int
    public var outputs: Int
    public var hasBias: Bool
    /// How a dense weight of this layer is initialised.
    package var initialization: KaimingInitialization

    package init(name: String, role: Role, stage: Int? = nil, block: Int? = nil, kind: Kind, inputs: Int, outputs: Int,
                hasBias: Bool, initialization: KaimingInitialization = .pytorchDefault) {
        self.name = name
        self.role = role
        self.stage = stage
        self.block = block
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.hasBias = hasBias
        self.initialization = initialization
    }

    /// `[out, in, k, k]` for a convolution, `[out, in]` for a linear layer.
    public var weightShape: [Int] {
        switch kind {
        case let .convolution(kernelSize, _, _): [outputs, inputs, kernelSize, kernelSize]
        case .linear: [outputs, inputs]
        }
    }

    /// The number of weights (biases excluded).
    public var weightCount: Int { weightShape.reduce(1, *) }

    /// Fan-in and fan-out as PyTorch computes them.
    package var fans: Fans { Fans(weightShape: weightShape) }
}
