@testable import ParamShareEngine
import Testing
import TestSupport

/// In training and evaluation, a `Sequential` runs a channels-last batch norm and the in-place
/// ReLU after it as one pass, and a residual block's last batch norm, its sum and the ReLU after
/// it as one pass; in backward, the ReLU before a residual block sums the block's two input
/// gradients in its pass; in inference, a linear layer rectifies its own output. Fusing must
/// change no bit of any value, gradient or statistic: studies resume and retrain models from
/// tables written before it.
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

    // 130 rows, 256 → 600 → 256 → 10: on AVX-512 CPUs the first layer runs in column blocks (the
    // last partial) and the second in row blocks on the packed product (the last partial).
    @Test("in inference, a linear layer and the ReLU after it give the values of one layer after the other, bit for bit",
          arguments: [(ComputePrecision.float32, nil), (.bfloat16, false), (.bfloat16, true)])
    func linearRectifiedInInference(precision: ComputePrecision, onBFloat16Kernels: Bool?) {
        let random = RandomSource(seed: 23)
        let linears = [(256, 600), (600, 256), (256, 10)].enumerated().map { index, shape in
            let layer = Linear<Float>(name: "fc\(index)", inFeatures: shape.0, outFeatures: shape.1, random: random)
            layer.precision = precision
            // Both bf16 paths, whichever this CPU would choose (the kernels where oneDNN has them).
            layer.usesBFloat16Kernels = onBFloat16Kernels
            return layer
        }
        let network = Sequential<Float>(name: "mlp", [
            linears[0], ReLU(name: "r0", inPlace: true), linears[1], ReLU(name: "r1", inPlace: true), linears[2],
        ])
        let input = Tensor<Float>.random(shape: [130, 256], random: random)
        for pass in 0..<2 {
            let expected = network.layers.reduce(input) { $1.forward($0, mode: .inference) }.scalars
            let output = network.forward(input, mode: .inference).scalars
            let differing = zip(output, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "pass \(pass): \(differing) of \(output.count) values differ")
            #expect(output.contains { $0 < 0 } && output.contains { $0 > 0 })
        }
    }

    /// conv–bn–relu, then a residual block with the identity shortcut and a ReLU after it, then a
    /// strided one with a ReLU after it, then one with no ReLU after it. `fusing: false` builds
    /// the same weights with ReLUs that keep buffers of their own and sums in buffers of the
    /// blocks' own, which no pass fuses.
    private func network<Scalar: EngineScalar>(fusing: Bool) -> Sequential<Scalar> {
        let layers = ChannelsLastTestLayers<Scalar>(random: RandomSource(seed: 21), rectifiesInPlace: fusing, sumsInPlace: fusing)
        return Sequential(name: "net", [
            ChannelsLastInput(name: "in"), layers.conv("c0", 3, 4), layers.batchNorm("b0", 4), layers.relu("r0"),
            layers.block("k1", 4, 4, stride: 1), layers.relu("r1"), layers.block("k2", 4, 6, stride: 2), layers.relu("r2"),
            layers.block("k3", 6, 6, stride: 1),
        ])
    }

    private func batchNorms(in layer: any Layer<Float>) -> [BatchNorm<Float>] {
        (layer as? BatchNorm<Float>).map { [$0] } ?? layer.sublayers.flatMap(batchNorms)
    }
}
