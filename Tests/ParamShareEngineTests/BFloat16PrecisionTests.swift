@testable import ParamShareEngine
import CDNNL
import Testing
import TestSupport

/// bf16 operands: the rounding itself, and every layer that rounds against the fp32 computation
/// on operands rounded beforehand (Double for backward, the naive convolution for forward), on
/// both paths of a channels-last convolution: the emulation, which rounds in `Float` for oneDNN's
/// Float kernels, and oneDNN's bf16 kernels where this CPU has them.
@Suite("bf16 operands")
struct BFloat16PrecisionTests {
    /// Whether oneDNN makes bf16 convolutions on this CPU (a CIFAR ResNet's 16-channel 3×3 layer).
    static let hasBFloat16Kernels = OneDNNConvolution(
        shape: ConvolutionShape(items: 8, inChannels: 16, height: 8, width: 8, outChannels: 16, outputHeight: 8,
                                outputWidth: 8, kernelSize: 3, stride: 1, padding: 1),
        threads: 1, precision: .bfloat16
    ).operands == .bfloat16
    static let noBFloat16Kernels: Comment = """
        oneDNN has no bf16 convolution for this CPU (oneDNN 2.6 makes them on AVX-512 only): \
        bf16 runs the emulation here, which the other tests check
        """
    /// Whether oneDNN makes bf16 matrix products on this CPU.
    static let hasBFloat16Products = OneDNNMatmul(
        shape: MatmulShape(m: 8, k: 8, n: 8, aRowStride: 8, aColumnStride: 1, bRowStride: 8, bColumnStride: 1), operands: dnnl_bf16, threads: 1
    ) != nil
    static let noBFloat16Products: Comment = """
        oneDNN has no bf16 matrix product for this CPU (oneDNN 2.6 makes them on AVX-512 only): \
        bf16 linear layers run the emulation here, which the other tests check
        """

    @Test("rounding goes to the nearest bfloat16, ties to even, overflow to infinity, NaN stays NaN")
    func roundingEdgeCases() {
        let cases: [(UInt32, UInt32)] = [
            (0x3F80_0000, 0x3F80_0000),  // 1 is a bfloat16
            (0x3F80_8000, 0x3F80_0000),  // 1 + 2⁻⁸, halfway: down to the even 1
            (0x3F81_8000, 0x3F82_0000),  // halfway above an odd last bit: up
            (0x3F80_8001, 0x3F81_0000),  // just past halfway: up
            (0x3F80_7FFF, 0x3F80_0000),  // just short of halfway: down
            (0xBF80_C000, 0xBF81_0000),  // negative values round by magnitude
            (0x7F7F_FFFF, 0x7F80_0000),  // the largest Float is past the largest bfloat16
            (0xFF80_0000, 0xFF80_0000),  // −∞
            (0x8000_0000, 0x8000_0000),  // −0
            (0x0000_8000, 0x0000_0000),  // a subnormal tie, to even
            (0x0001_8000, 0x0002_0000),
        ]
        // With two NaNs after the cases, repeated 3 times.
        let nan: [UInt32] = [0x7F80_0001, (-Float.nan).bitPattern]
        let laidOut = Array(repeating: cases.map(\.0) + nan, count: 3).joined().map { Float(bitPattern: $0) }
        var output = [Float](repeating: 0, count: laidOut.count)
        roundToBFloat16(laidOut, count: laidOut.count, into: &output)
        var bits = [UInt16](repeating: 0, count: laidOut.count)
        convertToBFloat16(laidOut, count: laidOut.count, into: &bits)
        for (index, (source, result)) in zip(laidOut, output).enumerated() {
            let expected = cases.first { $0.0 == source.bitPattern }?.1
            if let expected {
                #expect(result.bitPattern == expected, "\(String(source.bitPattern, radix: 16)) → \(String(result.bitPattern, radix: 16))")
            } else {
                #expect(result.isNaN, "NaN stays NaN")
            }
            #expect(bits[index] == UInt16(result.bitPattern >> 16), "bit patterns are the rounded values' high halves")
        }
    }

    @Test("every rounded value is the nearer of the two bfloat16 around it")
    func roundingIsNearest() {
        let random = RandomSource(seed: 11)
        let input = (0..<20_000).map { _ in Float(random.gaussian() * 100) }
        var output = [Float](repeating: 0, count: input.count)
        roundToBFloat16(input, count: input.count, into: &output)
        var bits = [UInt16](repeating: 0, count: input.count)
        convertToBFloat16(input, count: input.count, into: &bits)
        #expect(zip(bits, output).allSatisfy { $0 == UInt16($1.bitPattern >> 16) }, "bit patterns are the rounded values' high halves")
        for (x, y) in zip(input, output) {
            let below = Float(bitPattern: x.bitPattern & 0xFFFF_0000), above = Float(bitPattern: (x.bitPattern & 0xFFFF_0000) + 0x1_0000)
            #expect(y.bitPattern & 0xFFFF == 0 && (y == below || y == above))
            #expect(abs(Double(y) - Double(x)) <= min(abs(Double(below) - Double(x)), abs(Double(above) - Double(x))))
        }
    }

    @Test("a tensor rounded over several threads has every value rounded as one thread rounds it", arguments: [1, 2, 3])
    func tensorRoundingSplitOverThreads(threads: Int) {
        let random = RandomSource(seed: 12)
        // Enough values to be split, and a count no thread count divides evenly.
        let count = 2 * Tensor<Float>.fewestValuesRoundedInParallel + 7
        let input = Tensor<Float>(shape: [count], scalars: (0..<count).map { _ in Float(random.gaussian() * 10) })
        var buffer: Tensor<Float>? = Tensor<Float>(shape: [count], scalars: Array(repeating: .nan, count: count))
        let result = ThreadCountOverride.run(threads: threads) { input.roundedToBFloat16(reusing: &buffer) }
        let values = input.scalars, results = result.scalars
        let wrong = values.indices.filter { roundedToBFloat16(values[$0].bitPattern) != results[$0].bitPattern }
        #expect(wrong.isEmpty, "\(wrong.count) of \(count) values not rounded as one thread rounds them, the first at \(wrong.first ?? 0)")
    }

    @Test("layers left to the kernel choice take oneDNN's bf16 kernels only where it has them and they measured at no less than the threshold's share of its Float kernels' speed")
    func layersFollowTheKernelChoice() {
        let ratio = BFloat16KernelChoice.speedRatio, uses = BFloat16KernelChoice.usesBFloat16Kernels
        #expect((ratio != nil) == Self.hasBFloat16Kernels, "the probe found bf16 kernels where the tests found them")
        #expect(uses == (ratio.map { $0 >= BFloat16KernelChoice.threshold } ?? false))
        if let ratio {
            #expect(ratio > 0 && ratio.isFinite)
            #expect(BFloat16KernelChoice.summary.contains(String(format: "%.2f", ratio)))
        }
        let random = RandomSource(seed: 15)
        let convolution = Conv2D<Float>(name: "conv", inChannels: 4, outChannels: 8, kernelSize: 3, padding: 1,
                                        layout: .channelsLast, random: random)
        let linear = Linear<Float>(name: "fc", inFeatures: 8, outFeatures: 3, random: random)
        convolution.precision = .bfloat16
        linear.precision = .bfloat16
        _ = convolution.forward(Tensor<Float>.random(shape: [5, 6, 6, 4], random: random), mode: .training)
        _ = linear.forward(Tensor<Float>.random(shape: [5, 8], random: random), mode: .training)
        expectPath(of: convolution, bfloat16Kernels: uses)
        #expect((linear.forwardProducts != nil) == (uses && Self.hasBFloat16Products))
    }

    @Test("a channels-last convolution with bf16 operands is the convolution of the rounded operands",
          arguments: ChannelsLastConvolutionTests.cases)
    func channelsLastConvolution(_ c: ConvolutionCase) {
        checkConvolution(c, layout: .channelsLast)
    }

    @Test("a channels-last convolution on oneDNN's bf16 kernels is the convolution of the rounded operands",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels), arguments: ChannelsLastConvolutionTests.cases)
    func channelsLastConvolutionOnBFloat16Kernels(_ c: ConvolutionCase) {
        checkConvolution(c, layout: .channelsLast, bfloat16Kernels: true)
    }

    @Test("a channels-first convolution with bf16 operands is the convolution of the rounded operands",
          arguments: ConvolutionCase.all)
    func channelsFirstConvolution(_ c: ConvolutionCase) {
        checkConvolution(c, layout: .channelsFirst)
    }

    /// Checks a bf16 convolution's forward against the naive convolution of the rounded operands
    /// and its backward against the Double layer on rounded operands, and that it differs from fp32.
    /// `bfloat16Kernels` runs it on oneDNN's bf16 kernels, else on the emulation.
    ///
    /// One tolerance serves both paths: a product of two bfloat16 values is exact in `Float`, so
    /// either path differs from the reference only in the order of its `Float` sums (at most 144
    /// products of unit-scale values here), as oneDNN's Float kernels do in their own tests.
    private func checkConvolution(_ c: ConvolutionCase, layout: ImageLayout, bfloat16Kernels: Bool = false) {
        func make<Scalar: EngineScalar>() -> Conv2D<Scalar> {
            Conv2D(name: "conv", inChannels: c.inChannels, outChannels: c.outChannels, kernelSize: c.kernelSize, stride: c.stride,
                   padding: c.padding, layout: layout, hasBias: c.hasBias, random: RandomSource(seed: 3))
        }
        let layer: Conv2D<Float> = make(), plain: Conv2D<Float> = make(), reference: Conv2D<Double> = make()
        layer.precision = .bfloat16
        layer.usesBFloat16Kernels = bfloat16Kernels
        let images = Tensor<Float>.random(shape: [c.items, c.inChannels, c.height, c.width], random: RandomSource(seed: 6))
        let input = layout == .channelsLast ? channelsLast(images) : images
        let output = layer.forward(input, mode: .training)
        expectPath(of: layer, bfloat16Kernels: bfloat16Kernels)
        let roundedWeight = rounded(layer.weightSource.weight())
        let naive = naiveConvolution(rounded(images), weight: roundedWeight, bias: layer.bias?.value, stride: c.stride, padding: c.padding)
        let expected = layout == .channelsLast ? channelsLast(naive) : naive
        #expect(output.maxAbsoluteDifference(expected) < 5e-5)
        #expect(output.maxAbsoluteDifference(plain.forward(input, mode: .training)) > 1e-3, "bf16 changed nothing")

        let outputGradient = Tensor<Float>.random(shape: output.shape, random: RandomSource(seed: 7))
        let inputGradient = layer.backward(outputGradient)
        copy(roundedWeight, into: reference.weightSource.weight())
        if let bias = layer.bias { copy(bias.value, into: reference.bias!.value) }
        _ = reference.forward(double(rounded(input)), mode: .training)
        let expectedInputGradient = reference.backward(double(rounded(outputGradient)))
        #expect(double(inputGradient).maxAbsoluteDifference(expectedInputGradient) < 5e-5)
        checkParameterGradients(of: layer, against: reference, outputGradient: outputGradient)
    }

    @Test("a linear layer with bf16 operands multiplies the rounded operands", arguments: [(5, 7, 3), (130, 33, 70)])
    func linear(items: Int, inFeatures: Int, outFeatures: Int) {
        checkLinear(items: items, inFeatures: inFeatures, outFeatures: outFeatures, bfloat16Kernels: false)
    }

    // 130 rows and 70 outputs end in partial blocks of 2 and 6 rows.
    @Test("a linear layer on oneDNN's bf16 matrix products multiplies the rounded operands",
          .enabled(if: hasBFloat16Products, noBFloat16Products), arguments: [(5, 7, 3), (130, 33, 70)])
    func linearOnBFloat16Kernels(items: Int, inFeatures: Int, outFeatures: Int) {
        checkLinear(items: items, inFeatures: inFeatures, outFeatures: outFeatures, bfloat16Kernels: true)
    }

    @Test("a linear layer on oneDNN's bf16 matrix products gives the same bits on 1 and 2 threads over several blocks",
          .enabled(if: hasBFloat16Products, noBFloat16Products))
    func linearThreadIndependenceOnBFloat16Kernels() {
        func pass() -> [[UInt32]] {
            let random = RandomSource(seed: 13)
            let layer = Linear<Float>(name: "fc", inFeatures: 33, outFeatures: 130, random: random)
            layer.precision = .bfloat16
            layer.usesBFloat16Kernels = true
            let output = layer.forward(Tensor<Float>.random(shape: [200, 33], random: random), mode: .training)
            let inputGradient = layer.backward(Tensor<Float>.random(shape: output.shape, random: random))
            #expect(layer.forwardProducts != nil, "the path taken")
            return [output, inputGradient, layer.parameters[0].gradient, layer.parameters[1].gradient].map { $0.scalars.map(\.bitPattern) }
        }
        let one = ThreadCountOverride.run(threads: 1, pass), two = ThreadCountOverride.run(threads: 2, pass)
        #expect(one == two)
    }

    @Test("a thread count raised between forward and backward leaves the bf16 kernels' gradients unchanged",
          .enabled(if: hasBFloat16Kernels && hasBFloat16Products, noBFloat16Kernels))
    func threadCountChangedBeforeBackwardOnBFloat16Kernels() {
        func gradients(backwardThreads: Int) -> [[Float]] {
            let random = RandomSource(seed: 14)
            let network = Sequential<Float>(name: "net", [
                Conv2D(name: "conv", inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1, layout: .channelsLast, random: random),
                Flatten(name: "flatten", layout: .channelsLast),
                Linear(name: "fc", inFeatures: 8 * 6 * 6, outFeatures: 5, random: random),
            ])
            network.setPrecision(.bfloat16)
            useBFloat16Kernels(in: network)
            let input = Tensor<Float>.random(shape: [21, 6, 6, 3], random: random)
            let output = ThreadCountOverride.run(threads: 1) { network.forward(input, mode: .training) }
            let outputGradient = Tensor<Float>.random(shape: output.shape, random: random)
            let inputGradient = ThreadCountOverride.run(threads: backwardThreads) { network.backward(outputGradient) }
            return [inputGradient.scalars] + network.parameters.map(\.gradient.scalars)
        }
        #expect(gradients(backwardThreads: 3) == gradients(backwardThreads: 1))
    }

    @Test("bf16 inference reuses a linear layer's rounded weight until a training pass, then rounds the new weight")
    func inferenceReusesRoundedWeight() {
        checkInferenceReusesRoundedWeight(bfloat16Kernels: false)
    }

    @Test("bf16 inference on oneDNN's bf16 matrix products reuses the rounded weight until a training pass",
          .enabled(if: hasBFloat16Products, noBFloat16Products))
    func inferenceReusesRoundedWeightOnBFloat16Kernels() {
        checkInferenceReusesRoundedWeight(bfloat16Kernels: true)
    }

    /// Inference passes give the bits of an evaluation pass, which never reuses a rounding, both
    /// when they reuse one and after a training pass and a change of the weight, as an optimiser
    /// step makes it.
    private func checkInferenceReusesRoundedWeight(bfloat16Kernels: Bool) {
        let layer = Linear<Float>(name: "fc", inFeatures: 33, outFeatures: 20, random: RandomSource(seed: 15))
        layer.precision = .bfloat16
        layer.usesBFloat16Kernels = bfloat16Kernels
        let input = Tensor<Float>.random(shape: [70, 33], random: RandomSource(seed: 16))
        func bits(_ mode: ForwardMode) -> [UInt32] { layer.forward(input, mode: mode).scalars.map(\.bitPattern) }
        let evaluated = bits(.evaluation)
        #expect(bits(.inference) == evaluated)
        #expect(layer.roundedWeightOf != nil, "the rounding is kept")
        #expect(bits(.inference) == evaluated, "the kept rounding")
        _ = layer.forward(input, mode: .training)
        layer.weightSource.weight()[0] += 1
        let changed = bits(.inference)
        #expect(changed != evaluated, "the new weight was not rounded")
        #expect(changed == bits(.evaluation))
    }

    /// Checks a bf16 linear layer's forward and backward against the Double layer on rounded
    /// operands, with the convolutions' tolerance and for the same reason (sums of at most 130
    /// exact products here), and that it differs from fp32.
    private func checkLinear(items: Int, inFeatures: Int, outFeatures: Int, bfloat16Kernels: Bool) {
        let layer = Linear<Float>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: RandomSource(seed: 2))
        let plain = Linear<Float>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: RandomSource(seed: 2))
        let reference = Linear<Double>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: RandomSource(seed: 2))
        layer.precision = .bfloat16
        layer.usesBFloat16Kernels = bfloat16Kernels
        let input = Tensor<Float>.random(shape: [items, inFeatures], random: RandomSource(seed: 4))
        let outputGradient = Tensor<Float>.random(shape: [items, outFeatures], random: RandomSource(seed: 5))
        copy(rounded(layer.weightSource.weight()), into: reference.weightSource.weight())
        copy(layer.bias!.value, into: reference.bias!.value)
        let output = layer.forward(input, mode: .training)
        #expect((layer.forwardProducts != nil) == bfloat16Kernels, "the path taken")
        #expect(double(output).maxAbsoluteDifference(reference.forward(double(rounded(input)), mode: .training)) < 5e-5)
        #expect(output.maxAbsoluteDifference(plain.forward(input, mode: .training)) > 1e-3, "bf16 changed nothing")
        let inputGradient = layer.backward(outputGradient)
        let expected = reference.backward(double(rounded(outputGradient)))
        #expect(double(inputGradient).maxAbsoluteDifference(expected) < 5e-5)
        checkParameterGradients(of: layer, against: reference, outputGradient: outputGradient)
    }

    @Test("bf16 inference rounds the kernel with the batch norm folded in, and the images")
    func foldedInference() {
        checkFoldedInference(bfloat16Kernels: false)
    }

    @Test("bf16 inference on oneDNN's bf16 kernels folds the batch norm in before rounding the kernel",
          .enabled(if: hasBFloat16Kernels, noBFloat16Kernels))
    func foldedInferenceOnBFloat16Kernels() {
        checkFoldedInference(bfloat16Kernels: true)
    }

    private func checkFoldedInference(bfloat16Kernels: Bool) {
        let c = ChannelsLastConvolutionTests.cases.last!
        let layer: Conv2D<Float> = c.makeChannelsLastLayer(seed: 8)
        layer.precision = .bfloat16
        layer.usesBFloat16Kernels = bfloat16Kernels
        let random = RandomSource(seed: 9)
        let scale = Tensor<Float>.random(shape: [c.outChannels], random: random)
        let shift = Tensor<Float>.random(shape: [c.outChannels], random: random)
        let images = Tensor<Float>.random(shape: [c.items, c.inChannels, c.height, c.width], random: random)
        let output = layer.forwardFolded(channelsLast(images), (scale, shift), rectified: true)
        expectPath(of: layer, bfloat16Kernels: bfloat16Kernels)
        let weight = layer.weightSource.weight(), perChannel = weight.count / c.outChannels
        let folded = Tensor<Float>(shape: weight.shape)
        let bias = Tensor<Float>(shape: [c.outChannels])
        for o in 0..<c.outChannels {
            for i in 0..<perChannel { folded[o * perChannel + i] = weight[o * perChannel + i] * scale[o] }
            bias[o] = (layer.bias?.value[o] ?? 0) * scale[o] + shift[o]
        }
        let expected = channelsLast(naiveConvolution(rounded(images), weight: rounded(folded), bias: bias,
                                                     stride: c.stride, padding: c.padding))
        for i in 0..<expected.count { expected[i] = max(expected[i], 0) }
        #expect(output.maxAbsoluteDifference(expected) < 5e-5)
    }

    @Test("a bf16 network gives the same bits on 1 and 2 threads", arguments: [ImageLayout.channelsFirst, .channelsLast])
    func threadIndependence(layout: ImageLayout) {
        checkThreadIndependence(layout: layout, bfloat16Kernels: false)
    }

    @Test("a bf16 network on oneDNN's bf16 kernels and matrix products gives the same bits on 1 and 2 threads",
          .enabled(if: hasBFloat16Kernels && hasBFloat16Products, noBFloat16Kernels))
    func threadIndependenceOnBFloat16Kernels() {
        checkThreadIndependence(layout: .channelsLast, bfloat16Kernels: true)
    }

    private func checkThreadIndependence(layout: ImageLayout, bfloat16Kernels: Bool) {
        func pass() -> [[UInt32]] {
            let random = RandomSource(seed: 12)
            let network = Sequential<Float>(name: "net", [
                Conv2D(name: "conv", inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1, layout: layout, random: random),
                ReLU(name: "relu"),
                Conv2D(name: "conv2", inChannels: 8, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, layout: layout, random: random),
                Flatten(name: "flatten", layout: layout),
                Linear(name: "fc", inFeatures: 4 * 3 * 3, outFeatures: 5, random: random),
            ])
            network.setPrecision(.bfloat16)
            let convolutions = network.sublayers.compactMap { $0 as? Conv2D<Float> }
            let linear = network.sublayers.compactMap { $0 as? Linear<Float> }
            for convolution in convolutions { convolution.usesBFloat16Kernels = bfloat16Kernels }
            for layer in linear { layer.usesBFloat16Kernels = bfloat16Kernels }
            let input = Tensor<Float>.random(shape: layout.shape(items: 21, channels: 3, height: 6, width: 6), random: random)
            let output = network.forward(input, mode: .training)
            for convolution in convolutions { expectPath(of: convolution, bfloat16Kernels: bfloat16Kernels) }
            #expect(linear.allSatisfy { ($0.forwardProducts != nil) == bfloat16Kernels })
            _ = network.backward(Tensor<Float>.random(shape: output.shape, random: random))
            return [output.scalars.map(\.bitPattern)] + network.parameters.map { $0.gradient.scalars.map(\.bitPattern) }
        }
        let one = ThreadCountOverride.run(threads: 1, pass), two = ThreadCountOverride.run(threads: 2, pass)
        #expect(one == two)
    }

    /// Expects `layer`'s oneDNN kernels (a channels-last layer's) to read bf16 operands where
    /// `bfloat16Kernels` asked for oneDNN's bf16 kernels, and Float ones otherwise.
    private func expectPath(of layer: Conv2D<Float>, bfloat16Kernels: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected: ComputePrecision = bfloat16Kernels ? .bfloat16 : .float32
        #expect(layer.blockConvolutions.values.allSatisfy { $0.operands == expected }, sourceLocation: sourceLocation)
        #expect(layer.layout == .channelsFirst || !layer.blockConvolutions.isEmpty, sourceLocation: sourceLocation)
    }

    /// The weight gradient against `reference`'s, which multiplied the rounded operands; the bias
    /// gradient, a sum rather than a product, against the sums of the unrounded `outputGradient`.
    private func checkParameterGradients(of layer: any Layer<Float>, against reference: any Layer<Double>, outputGradient: Tensor<Float>) {
        let weight = layer.parameters[0].gradient, expected = reference.parameters[0].gradient
        let scale = max(1, expected.scalars.map(abs).max() ?? 0)
        #expect(double(weight).maxAbsoluteDifference(expected) / scale < 1e-5)
        guard layer.parameters.count == 2 else { return }
        let bias = layer.parameters[1].gradient, channels = bias.count
        var sums = [Double](repeating: 0, count: channels)
        let channelsLast = (layer as? Conv2D<Float>)?.layout != .channelsFirst
        let plane = outputGradient.count / (outputGradient.shape[0] * channels)
        for i in 0..<outputGradient.count {
            sums[channelsLast ? i % channels : (i / plane) % channels] += Double(outputGradient[i])
        }
        #expect(zip(bias.scalars, sums).allSatisfy { abs(Double($0) - $1) < 1e-4 })
    }

    private func copy(_ source: Tensor<Float>, into destination: Tensor<Double>) {
        for i in 0..<source.count { destination[i] = Double(source[i]) }
    }
}
