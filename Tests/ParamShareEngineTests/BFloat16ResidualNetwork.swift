@testable import ParamShareEngine
import TestSupport

/// The small bf16 network of the bf16 hand-over tests: conv–bn–relu, then residual blocks with
/// and without a stride, each followed by a ReLU but the last unless `rectifiesLast`; on oneDNN's
/// bf16 kernels where it has them with `bfloat16Kernels`, else on the emulation, whatever
/// ``BFloat16KernelChoice`` would choose for this CPU.
func bfloat16ResidualNetwork(rectifiesLast: Bool, bfloat16Kernels: Bool = true) -> Sequential<Float> {
    let layers = ChannelsLastTestLayers<Float>(random: RandomSource(seed: 21), rectifiesInPlace: true, sumsInPlace: true)
    let network = Sequential<Float>(name: "net", [
        ChannelsLastInput(name: "in"), layers.conv("c0", 3, 4), layers.batchNorm("b0", 4), layers.relu("r0"),
        layers.block("k1", 4, 4, stride: 1), layers.relu("r1"), layers.block("k2", 4, 6, stride: 2), layers.relu("r2"),
        layers.block("k3", 6, 6, stride: 1),
    ] + (rectifiesLast ? [layers.relu("r3")] : []))
    network.setPrecision(.bfloat16)
    useBFloat16Kernels(bfloat16Kernels, in: network)
    return network
}

/// Sets every convolution and linear layer in `layer` to take oneDNN's bf16 kernels where it
/// has them (`uses`), or the emulation, as tests of one path must whichever
/// ``BFloat16KernelChoice`` chooses on this CPU.
func useBFloat16Kernels(_ uses: Bool = true, in layer: any Layer<Float>) {
    (layer as? Conv2D<Float>)?.usesBFloat16Kernels = uses
    (layer as? Linear<Float>)?.usesBFloat16Kernels = uses
    for sublayer in layer.sublayers { useBFloat16Kernels(uses, in: sublayer) }
}

/// Every convolution in `layer`, in order.
func convolutions(in layer: any Layer<Float>) -> [Conv2D<Float>] {
    (layer as? Conv2D<Float>).map { [$0] } ?? layer.sublayers.flatMap(convolutions)
}

/// The bits of one training pass of `network` over 21 seeded 8×8 images (output, input gradient,
/// parameter gradients) and of a second forward pass in `mode`, for comparing thread counts.
func trainingPassBits(_ network: Sequential<Float>, seed: UInt64, then mode: ForwardMode) -> [[UInt32]] {
    let input = Tensor<Float>.random(shape: [21, 3, 8, 8], random: RandomSource(seed: seed))
    let output = network.forward(input, mode: .training)
    let inputGradient = network.backward(Tensor<Float>.random(shape: output.shape, random: RandomSource(seed: seed + 1)))
    let again = network.forward(input, mode: mode)
    return [output.scalars.map(\.bitPattern), inputGradient.scalars.map(\.bitPattern), again.scalars.map(\.bitPattern)]
        + network.parameters.map { $0.gradient.scalars.map(\.bitPattern) }
}
