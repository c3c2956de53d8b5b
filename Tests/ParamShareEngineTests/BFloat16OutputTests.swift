@testable import ParamShareEngine
import Testing
import TestSupport

/// Convolution outputs stored in bf16 for the batch norm after them (`Conv2D+BFloat16Output.swift`):
/// the stored output against the bfloat16 roundings of the `Float` output, the batch norm over
/// bf16 input against the batch norm over the same values rounded beforehand and kept in `Float`,
/// forward and backward (bit for bit), and a network that stores them, on 1 and 2 threads.
@Suite("bf16 convolution outputs")
struct BFloat16OutputTests {
    static let hasBFloat16Kernels = BFloat16PrecisionTests.hasBFloat16Kernels
    static let noBFloat16Kernels = BFloat16PrecisionTests.noBFloat16Kernels

    @Test("a convolution that stores its output in bf16 writes the bfloat16 roundings of its Float output, and backward is unchanged",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels), arguments: ChannelsLastConvolutionTests.cases.filter { !$0.hasBias })
    func convolutionStoresRoundedOutput(_ c: ConvolutionCase) {
        checkStoredOutput(c, bfloat16Kernels: true)
    }

    @Test("a convolution in the emulation that stores its output in bf16 writes the bfloat16 roundings of its Float output, and backward is unchanged",
          arguments: ChannelsLastConvolutionTests.cases.filter { !$0.hasBias })
    func convolutionStoresRoundedOutputInEmulation(_ c: ConvolutionCase) {
        checkStoredOutput(c, bfloat16Kernels: false)
    }

    /// Checks a convolution's stored bf16 output against the roundings of the `Float` output of
    /// the same kernels, and its backward pass bit for bit, on oneDNN's bf16 kernels with
    /// `bfloat16Kernels`, else on the emulation.
    private func checkStoredOutput(_ c: ConvolutionCase, bfloat16Kernels: Bool) {
        let storing: Conv2D<Float> = c.makeChannelsLastLayer(seed: 51), plain: Conv2D<Float> = c.makeChannelsLastLayer(seed: 51)
        storing.precision = .bfloat16
        plain.precision = .bfloat16
        storing.usesBFloat16Kernels = bfloat16Kernels
        plain.usesBFloat16Kernels = bfloat16Kernels
        let random = RandomSource(seed: 52)
        let input = Tensor<Float>.random(shape: [c.items, c.height, c.width, c.inChannels], random: random)
        #expect(storing.storesBFloat16Output(forInputShape: input.shape))
        let standIn = storing.forwardStoringBFloat16(input)
        let expected = plain.forward(input, mode: .training)
        #expect(standIn.shape == expected.shape)
        #expect(storedBits(standIn) == bfloat16(expected))

        let outputGradient = Tensor<Float>.random(shape: expected.shape, random: random)
        #expect(storing.backward(outputGradient).scalars.map(\.bitPattern) == plain.backward(outputGradient).scalars.map(\.bitPattern))
        for (a, b) in zip(storing.parameters, plain.parameters) {
            #expect(a.gradient.scalars.map(\.bitPattern) == b.gradient.scalars.map(\.bitPattern), "\(a.name)")
        }
    }

    @Test("a batch norm over bf16 input computes, forward and backward, the bits it computes over the values rounded beforehand in Float",
          arguments: [ForwardMode.training, .evaluation], [false, true])
    func batchNormOverBFloat16Input(mode: ForwardMode, residual: Bool) {
        let random = RandomSource(seed: 53)
        let layers = ChannelsLastTestLayers<Float>(random: random)
        let reading = layers.batchNorm("bn", 6), reference = layers.batchNorm("bn", 6)
        let values = Tensor<Float>.random(shape: [3, 5, 4, 6], random: random)
        let skip = residual ? Tensor<Float>.random(shape: values.shape, random: random) : nil
        // The values in bf16 in a stand-in's memory, as a convolution stores them.
        let memory = Tensor<Float>(shape: [(values.count + 1) / 2])
        BFloat16Buffer(over: memory).convert(values.data, count: values.count)
        let standIn = Tensor<Float>(shape: values.shape, standingInOver: memory)

        let output = reading.forwardRectified(standIn, mode: mode, adding: skip, inputInBFloat16: true)
        let expected = reference.forwardRectified(rounded(values), mode: mode, adding: skip, converting: true)
        #expect(output.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
        #expect(bits(reading.convertedOutput, count: values.count) == bits(reference.convertedOutput, count: values.count))
        #expect(expected.scalars.contains(0) && expected.scalars.contains { $0 > 0 })
        #expect(reading.runningMean.scalars.map(\.bitPattern) == reference.runningMean.scalars.map(\.bitPattern))
        #expect(reading.runningVariance.scalars.map(\.bitPattern) == reference.runningVariance.scalars.map(\.bitPattern))

        let outputGradient = Tensor<Float>.random(shape: values.shape, random: random)
        #expect(reading.convertsInputGradient)
        let gradient = residual ? reading.backwardConverting(outputGradient) : reading.backwardRectifiedConverting(outputGradient)
        let expectedGradient = residual
            ? reference.backwardConverting(outputGradient) : reference.backwardRectifiedConverting(outputGradient)
        #expect(bits(gradient, count: values.count) == bits(expectedGradient, count: values.count))
        #expect(reading.gamma.gradient.scalars.map(\.bitPattern) == reference.gamma.gradient.scalars.map(\.bitPattern))
        #expect(reading.beta.gradient.scalars.map(\.bitPattern) == reference.beta.gradient.scalars.map(\.bitPattern))
    }

    @Test("a bf16 network stores the output of every convolution before a batch norm in bf16, and its output moves from the Float-storing network's by no more than bf16 operands move it from fp32",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels), arguments: [ForwardMode.training, .evaluation])
    func networkStoresOutputs(mode: ForwardMode) {
        checkNetworkStoresOutputs(mode: mode, bfloat16Kernels: true)
    }

    @Test("a bf16 network in the emulation stores the output of every convolution before a batch norm in bf16, and its output moves from the Float-storing network's by no more than bf16 operands move it from fp32",
          arguments: [ForwardMode.training, .evaluation])
    func networkStoresOutputsInEmulation(mode: ForwardMode) {
        checkNetworkStoresOutputs(mode: mode, bfloat16Kernels: false)
    }

    private func checkNetworkStoresOutputs(mode: ForwardMode, bfloat16Kernels: Bool) {
        let storing = network(storing: true, bfloat16Kernels: bfloat16Kernels)
        let keeping = network(storing: false, bfloat16Kernels: bfloat16Kernels)
        let single = network(storing: false, bfloat16Kernels: bfloat16Kernels)
        single.setPrecision(.float32)
        let input = Tensor<Float>.random(shape: [9, 3, 8, 8], random: RandomSource(seed: 54))
        let output = storing.forward(input, mode: mode), expected = keeping.forward(input, mode: mode)
        let fp32 = single.forward(input, mode: mode)
        #expect(convolutions(in: storing).allSatisfy { $0.storedOutput != nil })
        #expect(convolutions(in: keeping).allSatisfy { $0.storedOutput == nil })
        // The yardstick is the rounding of operands alone: storing rounds each convolution's output
        // once more, which should cost about as much, not orders more.
        let operandsMove = double(expected).maxAbsoluteDifference(double(fp32))
        #expect(operandsMove > 0 && double(output).maxAbsoluteDifference(double(expected)) <= 2 * operandsMove)

        // Backward's parts are checked bit for bit above; here, that the network's pass runs
        // through them (the batch norms over bf16 input accept only passes that write bf16).
        let inputGradient = storing.backward(Tensor<Float>.random(shape: output.shape, random: RandomSource(seed: 55)))
        #expect(inputGradient.scalars.allSatisfy { $0.isFinite })
        #expect(storing.parameters.allSatisfy { $0.gradient.scalars.allSatisfy { $0.isFinite } })
    }

    @Test("a bf16 network that stores convolution outputs in bf16 gives the same bits on 1 and 2 threads",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels))
    func threadIndependence() {
        checkThreadIndependence(bfloat16Kernels: true)
    }

    @Test("a bf16 network in the emulation that stores convolution outputs in bf16 gives the same bits on 1 and 2 threads")
    func threadIndependenceInEmulation() {
        checkThreadIndependence(bfloat16Kernels: false)
    }

    private func checkThreadIndependence(bfloat16Kernels: Bool) {
        func pass() -> [[UInt32]] {
            trainingPassBits(network(storing: true, bfloat16Kernels: bfloat16Kernels), seed: 56, then: .evaluation)
        }
        let one = ThreadCountOverride.run(threads: 1, pass), two = ThreadCountOverride.run(threads: 2, pass)
        #expect(one == two)
    }

    /// The bf16 hand-over tests' network with a ReLU after its last block; `storing: false`
    /// keeps convolution outputs in `Float`.
    private func network(storing: Bool, bfloat16Kernels: Bool = true) -> Sequential<Float> {
        let network = bfloat16ResidualNetwork(rectifiesLast: true, bfloat16Kernels: bfloat16Kernels)
        for convolution in convolutions(in: network) { convolution.storesOutputInBFloat16 = storing }
        return network
    }

    /// The bfloat16 bit patterns a stand-in tensor's memory holds.
    private func storedBits(_ standIn: Tensor<Float>) -> [UInt16] {
        Array(UnsafeBufferPointer(start: BFloat16Values(storedIn: standIn.data).bits, count: standIn.count))
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
