import ParamShareEngine

/// Small channels-last layers for tests that compare two passes over one network: seeded 3×3
/// convolutions, batch norms whose γ, β and running statistics are away from the identity, and
/// basic residual blocks.
struct ChannelsLastTestLayers<Scalar: EngineScalar> {
    let random: RandomSource
    /// Whether the ReLU inside a block's body (and those `relu(_:)` makes) works in place.
    var rectifiesInPlace = false
    /// Whether a block takes its sum in its body's buffers.
    var sumsInPlace = true

    func conv(_ name: String, _ inputs: Int, _ outputs: Int, stride: Int = 1, hasBias: Bool = false) -> Conv2D<Scalar> {
        Conv2D(name: name, inChannels: inputs, outChannels: outputs, kernelSize: 3, stride: stride, padding: 1,
               layout: .channelsLast, hasBias: hasBias, random: random)
    }

    func batchNorm(_ name: String, _ channels: Int) -> BatchNorm<Scalar> {
        let layer = BatchNorm<Scalar>(name: name, channels: channels, layout: .channelsLast)
        for c in 0..<channels {
            layer.gamma.value[c] = Scalar(0.5 + 0.1 * Double(c))
            layer.beta.value[c] = Scalar(0.2 * Double(c % 3) - 0.2)
            layer.runningMean[c] = Scalar(0.05 * Double(c))
            layer.runningVariance[c] = Scalar(0.7 + 0.2 * Double(c))
        }
        return layer
    }

    func relu(_ name: String) -> ReLU<Scalar> { ReLU(name: name, inPlace: rectifiesInPlace) }

    /// conv–bn–relu–conv–bn, with the option-A shortcut where the shape changes.
    func block(_ name: String, _ inputs: Int, _ outputs: Int, stride: Int) -> ResidualBlock<Scalar> {
        let body = Sequential<Scalar>(name: "\(name).body", [
            conv("\(name).c1", inputs, outputs, stride: stride), batchNorm("\(name).b1", outputs), relu("\(name).r"),
            conv("\(name).c2", outputs, outputs), batchNorm("\(name).b2", outputs),
        ])
        let shortcut = stride == 1 && inputs == outputs ? nil
            : SubsampleShortcut<Scalar>(name: "\(name).s", inChannels: inputs, outChannels: outputs, stride: stride,
                                        layout: .channelsLast)
        return ResidualBlock(name: name, body: body, shortcut: shortcut, sumsInPlace: sumsInPlace)
    }
}
