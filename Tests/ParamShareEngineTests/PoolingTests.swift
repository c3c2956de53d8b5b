import ParamShareEngine
import Testing
import TestSupport

@Suite("Pooling and reshaping")
struct PoolingTests {
    @Test("max pool backward matches central differences", arguments: [(2, 2), (3, 2), (2, 1)])
    func maxPoolGradients(kernel: Int, stride: Int) {
        let report = GradientCheck().run(MaxPool2D<Double>(name: "pool", kernelSize: kernel, stride: stride), inputShape: [2, 3, 7, 6])
        #expect(report.worst < 1e-6, "\(report)")
    }

    /// ResNet-18's stem pool: 3×3 windows at stride 2 over a padding of 1, which no window picks.
    @Test("a strided, padded max pool's backward matches central differences", arguments: [ImageLayout.channelsFirst, .channelsLast])
    func paddedMaxPoolGradients(layout: ImageLayout) {
        let layer = MaxPool2D<Double>(name: "pool", kernelSize: 3, stride: 2, padding: 1, layout: layout)
        let report = GradientCheck().run(layer, inputShape: layout == .channelsFirst ? [2, 3, 7, 6] : [2, 7, 6, 3])
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("a padded max pool ignores its padding, even where every value is negative", arguments: [ImageLayout.channelsFirst, .channelsLast])
    func paddedMaxPoolValues(layout: ImageLayout) {
        // One channel, so both layouts hold the same 3×4 plane.
        let input = Tensor<Float>(shape: layout == .channelsFirst ? [1, 1, 3, 4] : [1, 3, 4, 1],
                                  scalars: [-1, -5, -2, -9,
                                            -7, -3, -8, -4,
                                            -6, -2, -9, -1])
        let output = MaxPool2D<Float>(name: "pool", kernelSize: 3, stride: 2, padding: 1, layout: layout).forward(input, mode: .training)
        #expect(output.shape == (layout == .channelsFirst ? [1, 1, 2, 2] : [1, 2, 2, 1]))
        #expect(output.scalars == [-1, -2, -2, -1])
    }

    @Test("max pool picks each window's maximum")
    func maxPoolValues() {
        let input = Tensor<Float>(shape: [1, 1, 2, 4], scalars: [1, 5, -1, -3, 2, 0, -2, -4])
        let output = MaxPool2D<Float>(name: "pool", kernelSize: 2).forward(input, mode: .training)
        #expect(output.shape == [1, 1, 1, 2])
        #expect(output.scalars == [5, -1])
    }

    @Test("max pool propagates a NaN wherever it sits in the window, as PyTorch does", arguments: [ImageLayout.channelsFirst, .channelsLast])
    func maxPoolNaN(layout: ImageLayout) {
        // One channel, so both layouts hold the same four windows: NaN first, third, last, absent.
        let nan = Float.nan
        let input = Tensor<Float>(shape: layout == .channelsFirst ? [1, 1, 2, 8] : [1, 2, 8, 1],
                                  scalars: [nan, 1, 2, 3, 4, 5, 6, 7,
                                            8, 9, nan, 10, 11, nan, 12, 0])
        let layer = MaxPool2D<Float>(name: "pool", kernelSize: 2, layout: layout)
        let output = layer.forward(input, mode: .training)
        #expect(output.scalars[0].isNaN && output.scalars[1].isNaN && output.scalars[2].isNaN)
        #expect(output.scalars[3] == 12)
        // The gradient goes to the NaN's position.
        let gradient = layer.backward(Tensor<Float>(shape: output.shape, scalars: [1, 2, 3, 4]))
        #expect(gradient.scalars[0] == 1 && gradient.scalars[10] == 2 && gradient.scalars[13] == 3 && gradient.scalars[14] == 4)
    }

    @Test("average pool backward matches central differences", arguments: [(2, 2), (3, 1)])
    func averagePoolGradients(kernel: Int, stride: Int) {
        let report = GradientCheck().run(AveragePool2D<Double>(name: "pool", kernelSize: kernel, stride: stride), inputShape: [2, 2, 5, 6])
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("average pool averages each window")
    func averagePoolValues() {
        let input = Tensor<Float>(shape: [1, 1, 2, 4], scalars: [1, 5, -1, -3, 2, 0, -2, -4])
        let output = AveragePool2D<Float>(name: "pool", kernelSize: 2).forward(input, mode: .training)
        #expect(output.scalars == [2, -2.5])
    }

    @Test("global average pool backward matches central differences")
    func globalAveragePoolGradients() {
        let report = GradientCheck().run(GlobalAveragePool<Double>(name: "gap"), inputShape: [3, 4, 3, 5])
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("flatten is a view in both directions")
    func flatten() {
        let layer = Flatten<Double>(name: "flatten")
        let report = GradientCheck().run(layer, inputShape: [2, 3, 2, 2])
        #expect(report.worst < 1e-6, "\(report)")
        let input = Tensor<Double>(shape: [2, 3, 2, 2])
        let output = layer.forward(input, mode: .training)
        #expect(output.shape == [2, 12])
        #expect(output.data == input.data)
        #expect(layer.backward(output).shape == [2, 3, 2, 2])
    }
}
