@testable import ParamShareEngine
import Testing
import TestSupport

/// The engine's results do not depend on how many threads compute them.
@Suite("Thread independence")
struct ThreadIndependenceTests {
    /// Forward and backward of `layer` on fixed data with `threads` threads: the output, the input
    /// gradient and every parameter gradient, as bit patterns.
    private func passes(_ layer: any Layer<Float>, input: Tensor<Float>, outputGradient: Tensor<Float>, threads: Int) -> [[UInt32]] {
        ThreadCountOverride.run(threads: threads) {
            for parameter in layer.parameters { parameter.zeroGradient() }
            let output = layer.forward(input, mode: .training).scalars.map(\.bitPattern)
            let inputGradient = layer.backward(outputGradient).scalars.map(\.bitPattern)
            return [output, inputGradient] + layer.parameters.map { $0.gradient.scalars.map(\.bitPattern) }
        }
    }

    // A batch of 32 split into 16-row halves gave other bits than one 32-row GEMM; 200 rows span several blocks.
    @Test("Linear gives the same bits on 1, 2 and 3 threads", arguments: [32, 200])
    func linear(batch: Int) {
        let random = RandomSource(seed: 4)
        let layer = Linear<Float>(name: "fc", inFeatures: 64, outFeatures: 64, random: random)
        let input = Tensor<Float>.random(shape: [batch, 64], random: random)
        let outputGradient = Tensor<Float>.random(shape: [batch, 64], random: random)
        let reference = passes(layer, input: input, outputGradient: outputGradient, threads: 1)
        for threads in [2, 3] {
            #expect(passes(layer, input: input, outputGradient: outputGradient, threads: threads) == reference, "\(threads) threads")
        }
    }

    @Test("work below its threshold stays on one thread, and from it on takes every thread")
    func threadsForWork() {
        ThreadCountOverride.run(threads: 3) {
            #expect(EngineThreads.threads(for: 99, fewestInParallel: 100) == 1)
            #expect(EngineThreads.threads(for: 100, fewestInParallel: 100) == 3)
        }
    }

    @Test("Conv2D over several image groups gives the same bits on 1, 2 and 3 threads")
    func convolution() {
        let random = RandomSource(seed: 5)
        let layer = Conv2D<Float>(name: "conv", inChannels: 3, outChannels: 8, kernelSize: 3, stride: 1, padding: 1, random: random)
        let input = Tensor<Float>.random(shape: [21, 3, 7, 7], random: random)
        let outputGradient = Tensor<Float>.random(shape: [21, 8, 7, 7], random: random)
        let reference = passes(layer, input: input, outputGradient: outputGradient, threads: 1)
        for threads in [2, 3] {
            #expect(passes(layer, input: input, outputGradient: outputGradient, threads: threads) == reference, "\(threads) threads")
        }
    }
}
