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
    // blocks (in inference, three full ones on oneDNN's packed product and a partial one). 130×256×600: the forward runs in column blocks of 256 (oneDNN matrix products), the
    // last one partial (`linearGEMM`). 70×1024×600: too few rows for oneDNN's column blocks, but a
    // weight of 2.3 MiB, so column blocks on `linearGEMM` on any CPU.
    static let shapes = [(200, 512, 128), (130, 256, 600), (70, 1024, 600)]

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
        // A weight of 2 MiB or more is read in shares on any CPU, on whichever library multiplies the blocks.
        #expect(OneDNNGEMM.forwardTakesColumnBlocks(items: 64, inFeatures: 1024, outFeatures: 512), "a 2 MiB weight")
        #expect(!OneDNNGEMM.forwardColumnsOnOneDNN(items: 64, inFeatures: 1024), "too few rows for oneDNN's blocks")
        #expect(OneDNNGEMM.forwardTakesColumnBlocks(items: 128, inFeatures: 3072, outFeatures: 512), "the MLP's first layer")
        #expect(OneDNNGEMM.forwardColumnsOnOneDNN(items: 128, inFeatures: 3072) == avx512)
        #expect(!OneDNNGEMM.forwardTakesColumnBlocks(items: 128, inFeatures: 512, outFeatures: 256), "the MLP's second layer")
        #expect(OneDNNGEMM.inferenceRowsOnOneDNN(inFeatures: 512, outFeatures: 256) == avx512, "the MLP's second layer")
        #expect(!OneDNNGEMM.inferenceRowsOnOneDNN(inFeatures: 400, outFeatures: 120), "LeNet-5's first linear layer")
        #expect(!OneDNNGEMM.inferenceRowsOnOneDNN(inFeatures: 128, outFeatures: 512), "short sums")
    }

    @Test("a forward in column blocks multiplies its full blocks by oneDNN's Float matrix product, packed in inference")
    func columnBlocksTakeTheMatrixProduct() {
        let layer = Linear<Float>(name: "fc", inFeatures: 256, outFeatures: 600, random: RandomSource(seed: 2))
        let input = Tensor<Float>.random(shape: [130, 256], random: RandomSource(seed: 4))
        for mode in [ForwardMode.training, .inference] {
            _ = layer.forward(input, mode: mode)
            let product = layer.madeColumnProducts[mode == .inference]?.product
            #expect((product != nil) == OneDNNGEMM.hasAVX512, "\(mode)")
            if let product { #expect(product.implementation.contains("avx512"), "\(product.implementation)") }
        }
        // Column blocks of a large weight on too few rows for oneDNN's make no oneDNN product.
        let large = Linear<Float>(name: "fc", inFeatures: 1024, outFeatures: 600, random: RandomSource(seed: 2))
        _ = large.forward(Tensor<Float>.random(shape: [70, 1024], random: RandomSource(seed: 4)), mode: .inference)
        #expect(large.madeColumnProducts.isEmpty)
    }

    @Test("a forward in row blocks multiplies its full blocks by oneDNN's packed Float matrix product in inference only")
    func rowBlocksTakeThePackedProduct() {
        let layer = Linear<Float>(name: "fc", inFeatures: 512, outFeatures: 256, random: RandomSource(seed: 2))
        let input = Tensor<Float>.random(shape: [130, 512], random: RandomSource(seed: 4))
        for mode in [ForwardMode.training, .evaluation] { _ = layer.forward(input, mode: mode) }
        #expect(layer.madeRowProduct == nil, "training and evaluation")
        _ = layer.forward(input, mode: .inference)
        let product = layer.madeRowProduct?.product
        #expect((product != nil) == OneDNNGEMM.hasAVX512)
        if let product { #expect(product.implementation.contains("avx512"), "\(product.implementation)") }
    }

    // (rows, inputs, outputs): the forward in column blocks, and in row blocks, each with a partial last block.
    @Test("inference on packed weights matches the Double layer, and packs again after any other pass, whatever its path",
          arguments: [(130, 256, 600), (130, 512, 256)])
    func packedInference(items: Int, inFeatures: Int, outFeatures: Int) {
        let layer = Linear<Float>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: RandomSource(seed: 2))
        let input = Tensor<Float>.random(shape: [items, inFeatures], random: RandomSource(seed: 4))
        func expected() -> Tensor<Double> {
            let reference = Linear<Double>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: RandomSource(seed: 2))
            for (target, source) in zip(reference.parameters, layer.parameters) {
                for i in 0..<source.value.count { target.value.data[i] = Double(source.value.data[i]) }
            }
            return reference.forward(double(input), mode: .inference)
        }
        #expect(double(layer.forward(input, mode: .inference)).maxAbsoluteDifference(expected()) < 1e-4)
        #expect(double(layer.forward(input, mode: .inference)).maxAbsoluteDifference(expected()) < 1e-4, "the packing reused")
        // A training pass (on a batch too small for column blocks, so on the row path of either
        // shape); an optimiser step would then change the weight in place, as this does.
        _ = layer.forward(Tensor<Float>.random(shape: [64, inFeatures], random: RandomSource(seed: 5)), mode: .training)
        let weight = layer.parameters[0].value
        for i in 0..<weight.count { weight.data[i] = -weight.data[i] * 0.5 + 0.01 }
        #expect(double(layer.forward(input, mode: .inference)).maxAbsoluteDifference(expected()) < 1e-4, "the new weight, packed again")
    }

    @Test("the products give the same bits on 1, 2 and 3 threads", arguments: shapes)
    func threadIndependence(items: Int, inFeatures: Int, outFeatures: Int) {
        func pass() -> [[UInt32]] {
            let random = RandomSource(seed: 6)
            let layer = Linear<Float>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, random: random)
            let input = Tensor<Float>.random(shape: [items, inFeatures], random: random)
            let inferred = layer.forward(input, mode: .inference).scalars.map(\.bitPattern)
            let output = layer.forward(input, mode: .training)
            let inputGradient = layer.backward(Tensor<Float>.random(shape: output.shape, random: random))
            return [inferred] + [output, inputGradient, layer.parameters[0].gradient, layer.parameters[1].gradient].map { $0.scalars.map(\.bitPattern) }
        }
        let one = ThreadCountOverride.run(threads: 1, pass)
        for threads in [2, 3] {
            #expect(ThreadCountOverride.run(threads: threads, pass) == one, "\(threads) threads")
        }
    }
}
