@testable import ParamShareEngine
import Testing
import TestSupport

/// Operands rounded to bfloat16 by the layers next to a convolution on oneDNN's bf16 kernels
/// (`Conv2D+ConvertedOperands.swift`): the batch norm's passes that also round, the convolution
/// that takes its images and output gradient rounded, and a network that hands them over,
/// against the same computation with each convolution rounding for itself (bit for bit) and
/// against the `Double` computation on operands rounded beforehand.
@Suite("bf16 operands rounded by the layer next door")
struct ConvertedOperandTests {
    static let hasBFloat16Kernels = BFloat16PrecisionTests.hasBFloat16Kernels
    static let noBFloat16Kernels = BFloat16PrecisionTests.noBFloat16Kernels

    @Test("a batch norm's rectified pass that also rounds writes the plain pass's values and their bfloat16 roundings",
          arguments: [false, true])
    func batchNormForwardConverting(residual: Bool) {
        let random = RandomSource(seed: 31)
        let layers = ChannelsLastTestLayers<Float>(random: random)
        let converting = layers.batchNorm("bn", 5), plain = layers.batchNorm("bn", 5)
        let input = Tensor<Float>.random(shape: [3, 4, 6, 5], random: random)
        let skip = residual ? Tensor<Float>.random(shape: input.shape, random: random) : nil
        for mode in [ForwardMode.training, .evaluation] {
            let output = converting.forwardRectified(input, mode: mode, adding: skip, converting: true)
            let expected = plain.forwardRectified(input, mode: mode, adding: skip)
            #expect(output.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
            #expect(bits(converting.convertedOutput, count: input.count) == bfloat16(expected))
            #expect(expected.scalars.contains(0) && expected.scalars.contains { $0 > 0 })
        }
    }

    @Test("a batch norm's backward that rounds writes the bfloat16 roundings of the input gradient backward writes",
          arguments: [ForwardMode.training, .evaluation])
    func batchNormBackwardConverting(mode: ForwardMode) {
        let random = RandomSource(seed: 32)
        let layers = ChannelsLastTestLayers<Float>(random: random)
        let converting = layers.batchNorm("bn", 6), plain = layers.batchNorm("bn", 6)
        let input = Tensor<Float>.random(shape: [2, 5, 3, 6], random: random)
        let outputGradient = Tensor<Float>.random(shape: input.shape, random: random)
        outputGradient[7] = .nan
        _ = converting.forward(input, mode: mode)
        _ = plain.forward(input, mode: mode)
        #expect(converting.convertsInputGradient)
        let converted = converting.backwardConverting(outputGradient)
        let expected = plain.backward(outputGradient)
        #expect(bits(converted, count: input.count) == bfloat16(expected))
        #expect(converting.gamma.gradient.scalars.map(\.bitPattern) == plain.gamma.gradient.scalars.map(\.bitPattern))
        #expect(converting.beta.gradient.scalars.map(\.bitPattern) == plain.beta.gradient.scalars.map(\.bitPattern))
    }

    @Test("a batch norm's backward through the ReLU after it gives the bits of the two backward passes, in Float and rounded to bfloat16",
          arguments: [ForwardMode.training, .evaluation])
    func batchNormBackwardRectified(mode: ForwardMode) {
        let random = RandomSource(seed: 36)
        let layers = ChannelsLastTestLayers<Float>(random: random)
        let fused = layers.batchNorm("bn", 6), converting = layers.batchNorm("bn", 6), plain = layers.batchNorm("bn", 6)
        let rectifier = ReLU<Float>(name: "relu")
        let input = Tensor<Float>.random(shape: [2, 5, 3, 6], random: random)
        let outputGradient = Tensor<Float>.random(shape: input.shape, random: random)
        let output = fused.forwardRectified(input, mode: mode)
        _ = converting.forwardRectified(input, mode: mode, converting: true, writesOutput: false)
        let expectedOutput = rectifier.forward(plain.forward(input, mode: mode), mode: mode)
        #expect(output.scalars.map(\.bitPattern) == expectedOutput.scalars.map(\.bitPattern))
        #expect(bits(converting.convertedOutput, count: input.count) == bfloat16(expectedOutput))
        let expected = plain.backward(rectifier.backward(outputGradient))
        #expect(fused.backwardRectified(outputGradient).scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
        #expect(bits(converting.backwardRectifiedConverting(outputGradient), count: input.count) == bfloat16(expected))
        for layer in [fused, converting] {
            #expect(layer.gamma.gradient.scalars.map(\.bitPattern) == plain.gamma.gradient.scalars.map(\.bitPattern))
            #expect(layer.beta.gradient.scalars.map(\.bitPattern) == plain.beta.gradient.scalars.map(\.bitPattern))
        }
    }

    @Test("a convolution on oneDNN's bf16 kernels given its operands rounded computes what it computes rounding them itself, and the convolution of the rounded operands",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels), arguments: ChannelsLastConvolutionTests.cases)
    func convolutionWithConvertedOperands(_ c: ConvolutionCase) {
        checkConvertedOperands(c, bfloat16Kernels: true)
    }

    @Test("a convolution in the emulation given its operands rounded computes what it computes rounding them itself, and the convolution of the rounded operands",
          arguments: ChannelsLastConvolutionTests.cases)
    func convolutionWithConvertedOperandsInEmulation(_ c: ConvolutionCase) {
        checkConvertedOperands(c, bfloat16Kernels: false)
    }

    /// Checks a convolution handed its images and output gradient in bf16 against one rounding
    /// them itself (bit for bit) and against the `Double` layer on rounded operands, on oneDNN's
    /// bf16 kernels with `bfloat16Kernels`, else on the emulation (which widens them).
    private func checkConvertedOperands(_ c: ConvolutionCase, bfloat16Kernels: Bool) {
        let layer: Conv2D<Float> = c.makeChannelsLastLayer(seed: 33), itself: Conv2D<Float> = c.makeChannelsLastLayer(seed: 33)
        let reference: Conv2D<Double> = c.makeChannelsLastLayer(seed: 33)
        layer.precision = .bfloat16
        itself.precision = .bfloat16
        layer.usesBFloat16Kernels = bfloat16Kernels
        itself.usesBFloat16Kernels = bfloat16Kernels
        let random = RandomSource(seed: 34)
        let input = Tensor<Float>.random(shape: [c.items, c.height, c.width, c.inChannels], random: random)
        #expect(layer.readsBFloat16Images(ofShape: input.shape))
        let images = converted(input)
        layer.receiveConvertedInput(images, of: input)
        let output = layer.forward(input, mode: .training)
        #expect(layer.convertedImages === images, "the handed images were not read")
        #expect(output.scalars.map(\.bitPattern) == itself.forward(input, mode: .training).scalars.map(\.bitPattern))

        let outputGradient = Tensor<Float>.random(shape: output.shape, random: random)
        let inputGradient = c.hasBias ? layer.backward(outputGradient) : layer.backward(convertedOutputGradient: converted(outputGradient))
        #expect(layer.readsConvertedOutputGradient == !c.hasBias)
        #expect(inputGradient.scalars.map(\.bitPattern) == itself.backward(outputGradient).scalars.map(\.bitPattern))
        for (a, b) in zip(layer.parameters, itself.parameters) {
            #expect(a.gradient.scalars.map(\.bitPattern) == b.gradient.scalars.map(\.bitPattern), "\(a.name)")
        }

        let roundedWeight = rounded(layer.weightSource.weight())
        for i in 0..<roundedWeight.count { reference.weightSource.weight()[i] = Double(roundedWeight[i]) }
        if let bias = layer.bias { for i in 0..<bias.value.count { reference.bias!.value[i] = Double(bias.value[i]) } }
        let expected = reference.forward(double(rounded(input)), mode: .training)
        #expect(double(output).maxAbsoluteDifference(expected) < 5e-5)
        let expectedInputGradient = reference.backward(double(rounded(outputGradient)))
        #expect(double(inputGradient).maxAbsoluteDifference(expectedInputGradient) < 5e-5)
        let weightGradient = reference.parameters[0].gradient
        let scale = max(1, weightGradient.scalars.map(abs).max() ?? 0)
        #expect(double(layer.parameters[0].gradient).maxAbsoluteDifference(weightGradient) / scale < 1e-5)
    }

    @Test("a bf16 network whose batch norms round for the convolutions next to them gives the bits of one whose convolutions round for themselves",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels), arguments: [ForwardMode.training, .evaluation])
    func networkSameBitsAsRoundingPerConvolution(mode: ForwardMode) {
        checkNetworkSameBits(mode: mode, bfloat16Kernels: true)
    }

    @Test("a bf16 network in the emulation whose batch norms round for the convolutions next to them gives the bits of one whose convolutions round for themselves",
          arguments: [ForwardMode.training, .evaluation])
    func networkSameBitsAsRoundingPerConvolutionInEmulation(mode: ForwardMode) {
        checkNetworkSameBits(mode: mode, bfloat16Kernels: false)
    }

    private func checkNetworkSameBits(mode: ForwardMode, bfloat16Kernels: Bool) {
        let handing = network(fusing: true, bfloat16Kernels: bfloat16Kernels)
        let separate = network(fusing: false, bfloat16Kernels: bfloat16Kernels)
        for step in 0..<2 {
            let input = Tensor<Float>.random(shape: [9, 3, 8, 8], random: RandomSource(seed: 35 + UInt64(step)))
            let output = handing.forward(input, mode: mode), expected = separate.forward(input, mode: mode)
            #expect(output.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "step \(step): outputs differ")
            // Every convolution but the first (whose images come from the reorder) was handed its images.
            let handed = convolutions(in: handing).map { $0.convertedImages != nil }
            #expect(handed == [false] + Array(repeating: true, count: handed.count - 1), "\(handed)")
            let outputGradient = Tensor<Float>.random(shape: output.shape, random: RandomSource(seed: 39 + UInt64(step)))
            let copy = Tensor<Float>(shape: outputGradient.shape, scalars: outputGradient.scalars)
            #expect(handing.backward(outputGradient).scalars.map(\.bitPattern) == separate.backward(copy).scalars.map(\.bitPattern),
                    "step \(step): input gradients differ")
        }
        for (a, b) in zip(handing.parameters, separate.parameters) {
            #expect(a.gradient.scalars.map(\.bitPattern) == b.gradient.scalars.map(\.bitPattern), "\(a.name): gradients differ")
        }
    }

    @Test("bf16 inference whose folded convolutions write bf16 images for the convolutions after them gives the bits of convolutions that round for themselves",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels))
    func inferenceSameBitsAsRoundingPerConvolution() {
        checkInferenceSameBits(bfloat16Kernels: true)
    }

    @Test("bf16 inference in the emulation whose folded convolutions write bf16 images for the convolutions after them gives the bits of convolutions that round for themselves")
    func inferenceSameBitsAsRoundingPerConvolutionInEmulation() {
        checkInferenceSameBits(bfloat16Kernels: false)
    }

    private func checkInferenceSameBits(bfloat16Kernels: Bool) {
        let handing = network(fusing: true, bfloat16Kernels: bfloat16Kernels)
        let separate = network(fusing: false, bfloat16Kernels: bfloat16Kernels)
        for network in [handing, separate] {
            _ = network.forward(Tensor<Float>.random(shape: [9, 3, 8, 8], random: RandomSource(seed: 43)), mode: .training)
        }
        for step in 0..<2 {
            let input = Tensor<Float>.random(shape: [9, 3, 8, 8], random: RandomSource(seed: 44 + UInt64(step)))
            let output = handing.forward(input, mode: .inference), expected = separate.forward(input, mode: .inference)
            #expect(output.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "step \(step): outputs differ")
            #expect(output.scalars.contains { $0 != 0 })
            // Each block's second convolution reads the images its first wrote in bf16; the others
            // read what a block's shortcut also reads, in Float.
            let handed = convolutions(in: handing).map { $0.convertedImages != nil }
            #expect(handed == [false, false, true, false, true, false, true], "\(handed)")
        }
    }

    @Test("a bf16 network whose batch norms round for the convolutions gives the same bits on 1 and 2 threads",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels))
    func threadIndependence() {
        checkThreadIndependence(bfloat16Kernels: true)
    }

    @Test("a bf16 network in the emulation whose batch norms round for the convolutions gives the same bits on 1 and 2 threads")
    func threadIndependenceInEmulation() {
        checkThreadIndependence(bfloat16Kernels: false)
    }

    private func checkThreadIndependence(bfloat16Kernels: Bool) {
        func pass() -> [[UInt32]] {
            trainingPassBits(network(fusing: true, bfloat16Kernels: bfloat16Kernels), seed: 41, then: .inference)
        }
        let one = ThreadCountOverride.run(threads: 1, pass), two = ThreadCountOverride.run(threads: 2, pass)
        #expect(one == two)
    }

    /// `FusedRectifierTests`' network in bf16: conv–bn–relu, then residual blocks with and without
    /// a stride, with and without a ReLU after them. `fusing: false` makes each convolution round
    /// its own operands. Both keep convolution outputs in `Float`: storing them in bf16 changes
    /// the values (`BFloat16OutputTests` checks that).
    private func network(fusing: Bool, bfloat16Kernels: Bool = true) -> Sequential<Float> {
        let network = bfloat16ResidualNetwork(rectifiesLast: false, bfloat16Kernels: bfloat16Kernels)
        for convolution in convolutions(in: network) {
            convolution.takesConvertedOperands = fusing
            convolution.storesOutputInBFloat16 = false
        }
        return network
    }

    private func converted(_ tensor: Tensor<Float>) -> BFloat16Buffer {
        let buffer = BFloat16Buffer()
        buffer.convert(tensor.data, count: tensor.count)
        return buffer
    }

    private func bits(_ buffer: BFloat16Buffer, count: Int) -> [UInt16] {
        Array(UnsafeBufferPointer(start: buffer.data, count: count))
    }

    private func bfloat16(_ tensor: Tensor<Float>) -> [UInt16] {
        var bits = [UInt16](repeating: 0, count: tensor.count)
        convertToBFloat16(tensor.data, count: tensor.count, into: &bits)
        return bits
    }
}
