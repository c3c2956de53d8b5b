@testable import ParamShareEngine
import Testing
import TestSupport

/// A linear layer's products where oneDNN's `sgemm` takes some of them (AVX-512 CPUs): the same
/// values as the Double layer, and the same bits on any thread count, on whichever GEMM this CPU
/// takes.
@Suite("Linear GEMM choice")
struct LinearGEMMTests {
    // (rows, inputs, outputs). 200×512×128: the weight gradient (64×512×200) and the input
    // gradient (64×512×128) are of the shapes oneDNN takes on AVX-512, the forward runs in row
    // blocks. 130×256×600: the forward runs in column blocks of 256 (oneDNN matrix products), the
    // last one partial (`linearGEMM`).
    static let shapes = [(200, 512, 128), (130, 256, 600)]

    @Test("forward and backward match the Double layer", arguments: shapes)
    func matchesDouble(items: Int, inFeatures: Int, outFeatures: Int) {
        let layer = Linear<Float>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: RandomSource(seed: 2))
        let reference = Linear<Double>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: RandomSource(seed: 2))
        let input = Tensor<Float>.random(shape: [items, inFeatures], random: RandomSource(seed: 4))
        let outputGradient = Tensor<Float>.random(shape: [items, outFeatures], random: RandomSource(seed: 5))
        let output = layer.forward(input, mode: .training)
        let inputGradient = layer.backward(outputGradient)
        let expectedOutput = reference.forward(double(input), mode: .training)
        let expectedInputGradient = reference.backward(double(outputGradient))
        // Sums of 130 to 512 Float products of values of order 1: a few ulps of 10.
        #expect(double(output).maxAbsoluteDifference(expectedOutput) < 1e-4)
        #expect(double(inputGradient).maxAbsoluteDifference(expectedInputGradient) < 1e-4)
        #expect(double(layer.parameters[0].gradient).maxAbsoluteDifference(reference.parameters[0].gradient) < 1e-4)
    }

    @Test("oneDNN takes the wide backward products and the forward's column blocks exactly on AVX-512 CPUs")
    func choice() {
        let avx512 = OneDNNGEMM.hasAVX512
        #expect(OneDNNGEMM.isFaster(transposeA: true, transposeB: false, m: 64, n: 512, k: 200) == avx512, "weight gradient")
        #expect(OneDNNGEMM.isFaster(transposeA: false, transposeB: false, m: 64, n: 512, k: 128) == avx512, "input gradient")
        #expect(!OneDNNGEMM.isFaster(transposeA: false, transposeB: false, m: 64, n: 256, k: 10), "narrow sums stay on OpenBLAS")
        #expect(OneDNNGEMM.forwardTakesColumnBlocks(items: 130, inFeatures: 256, outFeatures: 600) == avx512)
        #expect(!OneDNNGEMM.forwardTakesColumnBlocks(items: 130, inFeatures: 256, outFeatures: 300), "one full block only")
        #expect(!OneDNNGEMM.forwardTakesColumnBlocks(items: 200, inFeatures: 512, outFeatures: 128), "one block only")
        #expect(!OneDNNGEMM.forwardTakesColumnBlocks(items: 64, inFeatures: 512, outFeatures: 512), "too few rows")
    }

    @Test("a forward in column blocks multiplies its full blocks by oneDNN's Float matrix product")
    func columnBlocksTakeTheMatrixProduct() {
        let layer = Linear<Float>(name: "fc", inFeatures: 256, outFeatures: 600, random: RandomSource(seed: 2))
        _ = layer.forward(Tensor<Float>.random(shape: [130, 256], random: RandomSource(seed: 4)), mode: .inference)
        let product = layer.madeColumnProduct?.product
        #expect((product != nil) == OneDNNGEMM.hasAVX512)
        if let product { #expect(product.implementation.contains("avx512"), "\(product.implementation)") }
    }

    @Test("the products give the same bits on 1, 2 and 3 threads", arguments: shapes)
    func threadIndependence(items: Int, inFeatures: Int, outFeatures: Int) {
        func pass() -> [[UInt32]] {
            let random = RandomSource(seed: 6)
            let layer = Linear<Float>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: random)
            let output = layer.forward(Tensor<Float>.random(shape: [items, inFeatures], random: random), mode: .training)
            let inputGradient = layer.backward(Tensor<Float>.random(shape: output.shape, random: random))
            return [output, inputGradient, layer.parameters[0].gradient, layer.parameters[1].gradient].map { $0.scalars.map(\.bitPattern) }
        }
        let one = ThreadCountOverride.run(threads: 1, pass)
        for threads in [2, 3] {
            #expect(ThreadCountOverride.run(threads: threads, pass) == one, "\(threads) threads")
        }
    }
}
