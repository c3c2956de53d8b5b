import ParamShareEngine
import Testing
import TestSupport

/// The channels-last forms of batch norm, the option-A shortcut, global average pooling, max
/// pooling, flattening and the input reorder: central differences, and the same numbers as the
/// channels-first forms.
@Suite("Channels-last layers")
struct ChannelsLastLayerTests {
    /// 300 rows of 4 channels span two blocks of rows, the second one partial.
    @Test("batch norm matches central differences", arguments: [ForwardMode.training, .evaluation], [[2, 3, 3, 5], [3, 10, 10, 4]])
    func batchNormGradients(mode: ForwardMode, shape: [Int]) {
        let layer = BatchNorm<Double>(name: "bn", channels: shape[3], layout: .channelsLast)
        prepare(layer, seed: 4)
        let report = GradientCheck(mode: mode, entriesPerTensor: 60).run(layer, inputShape: shape)
        #expect(report.errors.count == 3)
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("batch norm computes what the channels-first batch norm does", arguments: [ForwardMode.training, .evaluation])
    func batchNormAgreesWithChannelsFirst(mode: ForwardMode) {
        let first = BatchNorm<Double>(name: "bn", channels: 4), last = BatchNorm<Double>(name: "bn", channels: 4, layout: .channelsLast)
        prepare(first, seed: 2)
        prepare(last, seed: 2)
        let input = Tensor<Double>.random(shape: [3, 4, 10, 9], random: RandomSource(seed: 1))
        let gradient = Tensor<Double>.random(shape: input.shape, random: RandomSource(seed: 3))
        let output = first.forward(input, mode: mode), inputGradient = first.backward(gradient)
        #expect(last.forward(channelsLast(input), mode: mode).maxAbsoluteDifference(channelsLast(output)) < 1e-12)
        #expect(last.backward(channelsLast(gradient)).maxAbsoluteDifference(channelsLast(inputGradient)) < 1e-12)
        for (a, b) in zip(first.parameters, last.parameters) {
            #expect(a.gradient.maxAbsoluteDifference(b.gradient) < 1e-10, "\(a.name)")
        }
        #expect(first.runningMean.maxAbsoluteDifference(last.runningMean) < 1e-12)
        #expect(first.runningVariance.maxAbsoluteDifference(last.runningVariance) < 1e-12)
    }

    @Test("batch norm's results do not depend on the thread count")
    func batchNormThreadIndependence() {
        func pass() -> [[Float]] {
            let layer = BatchNorm<Float>(name: "bn", channels: 16, layout: .channelsLast)
            let input = Tensor<Float>.random(shape: [9, 16, 16, 16], random: RandomSource(seed: 5))
            let output = layer.forward(input, mode: .training)
            let inputGradient = layer.backward(Tensor<Float>.random(shape: input.shape, random: RandomSource(seed: 6)))
            return [output.scalars, inputGradient.scalars, layer.gamma.gradient.scalars, layer.runningVariance.scalars]
        }
        #expect(ThreadCountOverride.run(threads: 1, pass) == ThreadCountOverride.run(threads: 2, pass))
    }

    @Test("the shortcut matches central differences and the channels-first shortcut", arguments: [(2, 5, 2), (4, 8, 2), (3, 3, 1)])
    func shortcut(inChannels: Int, outChannels: Int, stride: Int) {
        let last = SubsampleShortcut<Double>(name: "s", inChannels: inChannels, outChannels: outChannels, stride: stride,
                                             layout: .channelsLast)
        #expect(GradientCheck().run(last, inputShape: [2, 5, 4, inChannels]).worst < 1e-6)
        let first = SubsampleShortcut<Double>(name: "s", inChannels: inChannels, outChannels: outChannels, stride: stride)
        expectSameAsChannelsFirst(first, last, inputShape: [2, inChannels, 5, 4])
    }

    @Test("global average pooling matches central differences and the channels-first pooling")
    func globalAveragePool() {
        let last = GlobalAveragePool<Double>(name: "pool", layout: .channelsLast)
        #expect(GradientCheck().run(last, inputShape: [2, 3, 4, 5]).worst < 1e-6)
        let first = GlobalAveragePool<Double>(name: "pool")
        let input = Tensor<Double>.random(shape: [2, 5, 3, 4], random: RandomSource(seed: 1))
        let gradient = Tensor<Double>.random(shape: [2, 5], random: RandomSource(seed: 2))
        #expect(last.forward(channelsLast(input), mode: .training).maxAbsoluteDifference(first.forward(input, mode: .training)) < 1e-14)
        #expect(last.backward(gradient).maxAbsoluteDifference(channelsLast(first.backward(gradient))) < 1e-14)
    }

    @Test("max pooling matches central differences and the channels-first pooling", arguments: [(2, 2), (3, 2), (2, 1)])
    func maxPool(kernel: Int, stride: Int) {
        let last = MaxPool2D<Double>(name: "pool", kernelSize: kernel, stride: stride, layout: .channelsLast)
        #expect(GradientCheck().run(last, inputShape: [2, 7, 6, 3]).worst < 1e-6)
        let first = MaxPool2D<Double>(name: "pool", kernelSize: kernel, stride: stride)
        expectSameAsChannelsFirst(first, last, inputShape: [2, 3, 7, 6])
    }

    @Test("max pooling picks the same winner of a tied window as the channels-first pooling")
    func maxPoolTies() {
        let input = Tensor<Double>(shape: [1, 2, 2, 2], scalars: [1, 1, 1, 1, -2, 3, 3, -2])
        let first = MaxPool2D<Double>(name: "pool", kernelSize: 2)
        let last = MaxPool2D<Double>(name: "pool", kernelSize: 2, layout: .channelsLast)
        _ = first.forward(input, mode: .training)
        _ = last.forward(channelsLast(input), mode: .training)
        let gradient = Tensor<Double>(shape: [1, 2, 1, 1], scalars: [5, 7])
        #expect(first.backward(gradient).scalars == [5, 0, 0, 0, 0, 7, 0, 0])
        #expect(last.backward(channelsLast(gradient)).scalars == channelsLast(first.backward(gradient)).scalars)
    }

    @Test("a padded 3×3, stride-2 max pool picks the channels-first pooling's winners among many ties")
    func maxPoolTiesInPaddedWindows() {
        // Whole numbers from −3 to 3: most windows hold ties, which the first tap in scan order wins.
        let input = Tensor<Float>.random(shape: [2, 3, 7, 7], random: RandomSource(seed: 9))
        for i in 0..<input.count { input[i] = (input[i] * 1.5).rounded() }
        let first = MaxPool2D<Float>(name: "pool", kernelSize: 3, stride: 2, padding: 1)
        let last = MaxPool2D<Float>(name: "pool", kernelSize: 3, stride: 2, padding: 1, layout: .channelsLast)
        let output = first.forward(input, mode: .training)
        #expect(last.forward(channelsLast(input), mode: .training).scalars == channelsLast(output).scalars)
        let gradient = Tensor<Float>.random(shape: output.shape, random: RandomSource(seed: 6))
        #expect(last.backward(channelsLast(gradient)).scalars == channelsLast(first.backward(gradient)).scalars)
    }

    @Test("max pooling follows the NaN rule in the items that hold a NaN or an infinity, and only there")
    func maxPoolNonFiniteItems() {
        // Channels-first [2, 3, 4, 4]: item 0 is finite, with a tied window; item 1 has a NaN last
        // in a window, an infinity and a negative infinity.
        let input = Tensor<Double>.random(shape: [2, 3, 4, 4], random: RandomSource(seed: 5))
        for position in [0, 1, 4, 5] { input[position] = 1 }
        input[48 + 5] = .nan
        input[48 + 32 + 10] = .infinity
        input[48 + 16 + 2] = -.infinity
        let first = MaxPool2D<Double>(name: "pool", kernelSize: 2)
        let last = MaxPool2D<Double>(name: "pool", kernelSize: 2, layout: .channelsLast)
        let output = first.forward(input, mode: .training)
        #expect(output[12].isNaN && output[12 + 8 + 3] == .infinity)
        #expect(last.forward(channelsLast(input), mode: .training).scalars.map(\.bitPattern) == channelsLast(output).scalars.map(\.bitPattern))
        let gradient = Tensor<Double>.random(shape: output.shape, random: RandomSource(seed: 6))
        #expect(last.backward(channelsLast(gradient)).scalars == channelsLast(first.backward(gradient)).scalars)
    }

    @Test("flattening gives PyTorch's order, the channels-first flatten's, both ways")
    func flatten() {
        let last = Flatten<Double>(name: "flatten", layout: .channelsLast)
        #expect(GradientCheck().run(last, inputShape: [2, 3, 4, 5]).worst < 1e-6)
        let input = Tensor<Double>.random(shape: [2, 5, 3, 4], random: RandomSource(seed: 1))
        let output = last.forward(channelsLast(input), mode: .training)
        #expect(output.shape == [2, 60] && output.scalars == input.scalars)
        let gradient = Tensor<Double>.random(shape: [2, 60], random: RandomSource(seed: 2))
        #expect(last.backward(gradient).scalars == channelsLast(gradient.reshaped([2, 5, 3, 4])).scalars)
    }

    @Test("the input reorder is the definition's, both ways")
    func inputReorder() {
        let layer = ChannelsLastInput<Double>(name: "input")
        let input = Tensor<Double>.random(shape: [2, 3, 4, 5], random: RandomSource(seed: 1))
        let output = layer.forward(input, mode: .training)
        #expect(output.scalars == channelsLast(input).scalars && output.shape == [2, 4, 5, 3])
        #expect(layer.backward(output).scalars == input.scalars)
        #expect(GradientCheck().run(layer, inputShape: [2, 3, 4, 5]).worst < 1e-6)
    }

    private func expectSameAsChannelsFirst(_ first: any Layer<Double>, _ last: any Layer<Double>, inputShape: [Int]) {
        let input = Tensor<Double>.random(shape: inputShape, random: RandomSource(seed: 1))
        let output = first.forward(input, mode: .training)
        let gradient = Tensor<Double>.random(shape: output.shape, random: RandomSource(seed: 2))
        let inputGradient = first.backward(gradient)
        #expect(last.forward(channelsLast(input), mode: .training).scalars == channelsLast(output).scalars)
        #expect(last.backward(channelsLast(gradient)).scalars == channelsLast(inputGradient).scalars)
    }

    private func prepare<Scalar>(_ layer: BatchNorm<Scalar>, seed: UInt64) {
        let random = RandomSource(seed: seed)
        for c in 0..<layer.channels {
            layer.gamma.value[c] = 1 + Scalar(random.gaussian(standardDeviation: 0.3))
            layer.beta.value[c] = Scalar(random.gaussian(standardDeviation: 0.3))
            layer.runningMean[c] = Scalar(c) - 0.5
            layer.runningVariance[c] = 0.5 + Scalar(c)
        }
    }
}
