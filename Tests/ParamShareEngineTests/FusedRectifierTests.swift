import ParamShareEngine
import Testing
import TestSupport

/// In training and evaluation, a `Sequential` runs a channels-last batch norm and the in-place
/// ReLU after it as one pass, and a residual block's last batch norm, its sum and the ReLU after
/// it as one pass; in backward, the ReLU before a residual block sums the block's two input
/// gradients in its pass. Fusing must change no bit of any value, gradient or statistic:
/// studies resume and retrain models from tables written before it.
@Suite("Fused rectifiers")
struct FusedRectifierTests {
    @Test("fused passes give the outputs, input gradients, parameter gradients and running statistics of one layer after another, bit for bit",
          arguments: [ForwardMode.training, .evaluation])
    func sameBitsAsLayerAfterLayer(mode: ForwardMode) {
        let fused: Sequential<Float> = network(fusing: true), separate: Sequential<Float> = network(fusing: false)
        for step in 0..<2 {
            let input = Tensor<Float>.random(shape: [9, 3, 8, 8], random: RandomSource(seed: 5 + UInt64(step)))
            let output = fused.forward(input, mode: mode), expected = separate.forward(input, mode: mode)
            #expect(output.scalars == expected.scalars, "step \(step): outputs differ")
            #expect(output.scalars.contains { $0 < 0 } && output.scalars.contains { $0 > 0 })
            let outputGradient = Tensor<Float>.random(shape: output.shape, random: RandomSource(seed: 9 + UInt64(step)))
            let copy = Tensor<Float>(shape: outputGradient.shape, scalars: outputGradient.scalars)
            #expect(fused.backward(outputGradient).scalars == separate.backward(copy).scalars, "step \(step): input gradients differ")
        }
        for (a, b) in zip(fused.parameters, separate.parameters) {
            #expect(a.gradient.scalars == b.gradient.scalars, "\(a.name): gradients differ")
        }
        let statistics = { (network: Sequential<Float>) in
            batchNorms(in: network).flatMap { $0.runningMean.scalars + $0.runningVariance.scalars }
        }
        #expect(statistics(fused) == statistics(separate))
    }

    @Test("the fused network's backward matches central differences", arguments: [ForwardMode.training, .evaluation])
    func gradients(mode: ForwardMode) {
        let report = GradientCheck(mode: mode).run(network(fusing: true) as Sequential<Double>, inputShape: [3, 3, 6, 6])
        #expect(report.errors.count == 1 + 7 + 2 * 7)  // input, seven convolution weights, seven (γ, β) pairs
        #expect(report.worst < 1e-6, "\(report)")
    }

    /// conv–bn–relu, then a residual block with the identity shortcut and a ReLU after it, then a
    /// strided one with a ReLU after it, then one with no ReLU after it. `fusing: false` builds
    /// the same weights with ReLUs that keep buffers of their own and sums in buffers of the
    /// blocks' own, which no pass fuses.
    private func network<Scalar: EngineScalar>(fusing: Bool) -> Sequential<Scalar> {
        let random = RandomSource(seed: 21)
        func conv(_ name: String, _ inputs: Int, _ outputs: Int, stride: Int = 1) -> Conv2D<Scalar> {
            Conv2D(name: name, inChannels: inputs, outChannels: outputs, kernelSize: 3, stride: stride, padding: 1,
                   layout: .channelsLast, random: random)
        }
        func batchNorm(_ name: String, _ channels: Int) -> BatchNorm<Scalar> {
            let layer = BatchNorm<Scalar>(name: name, channels: channels, layout: .channelsLast)
            for c in 0..<channels {
                layer.gamma.value[c] = Scalar(0.6 + 0.1 * Double(c))
                layer.beta.value[c] = Scalar(0.15 * Double(c % 3) - 0.1)
                layer.runningMean[c] = Scalar(0.05 * Double(c))
                layer.runningVariance[c] = Scalar(0.8 + 0.1 * Double(c))
            }
            return layer
        }
        func relu(_ name: String) -> ReLU<Scalar> { ReLU(name: name, inPlace: fusing) }
        func block(_ name: String, _ inputs: Int, _ outputs: Int, stride: Int) -> ResidualBlock<Scalar> {
            let body = Sequential<Scalar>(name: "\(name).body", [
                conv("\(name).c1", inputs, outputs, stride: stride), batchNorm("\(name).b1", outputs), relu("\(name).r"),
                conv("\(name).c2", outputs, outputs), batchNorm("\(name).b2", outputs),
            ])
            let shortcut = stride == 1 && inputs == outputs ? nil
                : SubsampleShortcut<Scalar>(name: "\(name).s", inChannels: inputs, outChannels: outputs, stride: stride,
                                            layout: .channelsLast)
            return ResidualBlock(name: name, body: body, shortcut: shortcut, sumsInPlace: fusing)
        }
        return Sequential(name: "net", [
            ChannelsLastInput(name: "in"), conv("c0", 3, 4), batchNorm("b0", 4), relu("r0"),
            block("k1", 4, 4, stride: 1), relu("r1"), block("k2", 4, 6, stride: 2), relu("r2"), block("k3", 6, 6, stride: 1),
        ])
    }

    private func batchNorms(in layer: any Layer<Float>) -> [BatchNorm<Float>] {
        (layer as? BatchNorm<Float>).map { [$0] } ?? layer.sublayers.flatMap(batchNorms)
    }
}
