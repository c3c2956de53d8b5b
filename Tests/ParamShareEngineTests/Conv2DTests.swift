import ParamShareEngine
import Testing
import TestSupport

/// One convolution case: sizes of the input and the window.
struct ConvolutionCase: CustomTestStringConvertible, Sendable {
    var items: Int, inChannels: Int, outChannels: Int, height: Int, width: Int
    var kernelSize: Int, stride: Int, padding: Int, hasBias: Bool

    var testDescription: String {
        "N\(items) C\(inChannels)→\(outChannels) \(height)×\(width) k\(kernelSize) s\(stride) p\(padding)\(hasBias ? " bias" : "")"
    }

    /// Stride 1 and 2, padding 0 and 1, 1×1 and 3×3 kernels, odd sizes, batches above 1.
    static let all: [ConvolutionCase] = [
        .init(items: 2, inChannels: 3, outChannels: 4, height: 5, width: 5, kernelSize: 3, stride: 1, padding: 1, hasBias: false),
        .init(items: 3, inChannels: 2, outChannels: 3, height: 7, width: 5, kernelSize: 3, stride: 2, padding: 1, hasBias: true),
        .init(items: 2, inChannels: 2, outChannels: 2, height: 5, width: 7, kernelSize: 3, stride: 1, padding: 0, hasBias: true),
        .init(items: 2, inChannels: 3, outChannels: 2, height: 7, width: 7, kernelSize: 3, stride: 2, padding: 0, hasBias: false),
        .init(items: 3, inChannels: 4, outChannels: 3, height: 5, width: 3, kernelSize: 1, stride: 1, padding: 0, hasBias: false),
        .init(items: 2, inChannels: 3, outChannels: 5, height: 5, width: 5, kernelSize: 1, stride: 2, padding: 0, hasBias: true),
        .init(items: 2, inChannels: 2, outChannels: 3, height: 3, width: 5, kernelSize: 1, stride: 1, padding: 1, hasBias: false),
        .init(items: 2, inChannels: 1, outChannels: 2, height: 9, width: 9, kernelSize: 5, stride: 2, padding: 2, hasBias: true),
        .init(items: 2, inChannels: 2, outChannels: 3, height: 7, width: 5, kernelSize: 3, stride: 1, padding: 1, hasBias: false),
        .init(items: 2, inChannels: 2, outChannels: 2, height: 5, width: 7, kernelSize: 5, stride: 1, padding: 2, hasBias: true),
        .init(items: 1, inChannels: 1, outChannels: 2, height: 3, width: 3, kernelSize: 5, stride: 1, padding: 2, hasBias: false),
    ]

    func makeLayer<Scalar: EngineScalar>(seed: UInt64) -> Conv2D<Scalar> {
        Conv2D(name: "conv", inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
               padding: padding, hasBias: hasBias, random: RandomSource(seed: seed))
    }
}

@Suite("Conv2D")
struct Conv2DTests {
    // Channels-last, through the direct reference convolution that Double takes (oneDNN computes no Double).
    @Test("backward matches central differences, channels-first and channels-last", arguments: ConvolutionCase.all, [ImageLayout.channelsFirst, .channelsLast])
    func gradients(_ c: ConvolutionCase, layout: ImageLayout) {
        let layer: Conv2D<Double> = layout == .channelsFirst ? c.makeLayer(seed: 5) : c.makeChannelsLastLayer(seed: 5)
        let report = GradientCheck().run(layer, inputShape: layout.shape(items: c.items, channels: c.inChannels, height: c.height, width: c.width))
        #expect(report.errors.count == (c.hasBias ? 3 : 2))
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("forward matches a naive seven-loop convolution", arguments: ConvolutionCase.all)
    func forwardAgainstNaive(_ c: ConvolutionCase) {
        let layer: Conv2D<Float> = c.makeLayer(seed: 9)
        let input = Tensor<Float>.random(shape: [c.items, c.inChannels, c.height, c.width], random: RandomSource(seed: 2))
        let output = layer.forward(input, mode: .training)
        let expected = naiveConvolution(input, weight: layer.weightSource.weight(), bias: layer.bias?.value,
                                        stride: c.stride, padding: c.padding)
        #expect(output.shape == expected.shape)
        // Float32 sums of at most 45 products of unit-scale values: 1e-5 is ~100 ulps of headroom.
        #expect(output.maxAbsoluteDifference(expected) < 1e-5)
    }

    @Test("the thread count changes the split, not the result")
    func threadIndependence() {
        let c = ConvolutionCase.all[1]
        let oneThread = ThreadCountOverride.run(threads: 1) { () -> ([Double], [Double]) in
            let layer: Conv2D<Double> = c.makeLayer(seed: 4)
            return convolutionPass(layer, c)
        }
        let twoThreads = ThreadCountOverride.run(threads: 2) { () -> ([Double], [Double]) in
            let layer: Conv2D<Double> = c.makeLayer(seed: 4)
            return convolutionPass(layer, c)
        }
        #expect(zip(oneThread.0, twoThreads.0).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(oneThread.1, twoThreads.1).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}

/// Forward and backward once; returns the output and the weight gradient.
private func convolutionPass(_ layer: Conv2D<Double>, _ c: ConvolutionCase) -> ([Double], [Double]) {
    let input = Tensor<Double>.random(shape: [c.items, c.inChannels, c.height, c.width], random: RandomSource(seed: 8))
    let output = layer.forward(input, mode: .training)
    _ = layer.backward(Tensor<Double>.random(shape: output.shape, random: RandomSource(seed: 6)))
    return (output.scalars, layer.parameters[0].gradient.scalars)
}

/// The definition of a 2-d cross-correlation with zero padding, one output element at a time.
func naiveConvolution(_ x: Tensor<Float>, weight w: Tensor<Float>, bias: Tensor<Float>?, stride: Int, padding: Int) -> Tensor<Float> {
    let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, k) = (w.shape[0], w.shape[2])
    let oh = (h + 2 * padding - k) / stride + 1, ow = (wd + 2 * padding - k) / stride + 1
    let y = Tensor<Float>(shape: [n, cout, oh, ow])
    for item in 0..<n {
        for o in 0..<cout {
            for i in 0..<oh {
                for j in 0..<ow {
                    var sum = Double(bias?[o] ?? 0)
                    for c in 0..<cin {
                        for ki in 0..<k {
                            for kj in 0..<k {
                                let r = i * stride - padding + ki, s = j * stride - padding + kj
                                guard r >= 0, r < h, s >= 0, s < wd else { continue }
                                sum += Double(x[((item * cin + c) * h + r) * wd + s]) * Double(w[((o * cin + c) * k + ki) * k + kj])
                            }
                        }
                    }
                    y[((item * cout + o) * oh + i) * ow + j] = Float(sum)
                }
            }
        }
    }
    return y
}
