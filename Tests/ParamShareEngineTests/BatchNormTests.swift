import ParamShareEngine
import Testing
import TestSupport

@Suite("BatchNorm")
struct BatchNormTests {
    @Test("training backward matches central differences", arguments: [[4, 3], [2, 3, 3, 5], [3, 2, 1, 1], [1, 4, 3, 3]])
    func trainingGradients(shape: [Int]) {
        let layer = BatchNorm<Double>(name: "bn", channels: shape[1])
        randomizeAffine(layer, seed: 4)
        let report = GradientCheck().run(layer, inputShape: shape)
        #expect(report.errors.count == 3)
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("evaluation backward matches central differences")
    func evaluationGradients() {
        let layer = BatchNorm<Double>(name: "bn", channels: 3)
        randomizeAffine(layer, seed: 7)
        for c in 0..<3 {
            layer.runningMean[c] = Double(c) - 0.5
            layer.runningVariance[c] = 0.5 + Double(c)
        }
        let report = GradientCheck(mode: .evaluation).run(layer, inputShape: [2, 3, 2, 3])
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("training normalises with batch statistics and moves the running ones")
    func trainingSemantics() {
        let layer = BatchNorm<Double>(name: "bn", channels: 2)
        // Channel 0 holds 1, 2, 3, 4 over two items and a 1×2 plane; channel 1 holds 10, 10, 10, 14.
        let input = Tensor<Double>(shape: [2, 2, 1, 2], scalars: [1, 2, 10, 10, 3, 4, 10, 14])
        let output = layer.forward(input, mode: .training)
        let rstd0 = 1 / (1.25 + 1e-5).squareRoot()  // biased variance of 1, 2, 3, 4 is 1.25
        #expect(abs(output[0] - (1 - 2.5) * rstd0) < 1e-12)
        #expect(abs(output[5] - (4 - 2.5) * rstd0) < 1e-12)
        // running = 0.9 · initial + 0.1 · batch, with the unbiased variance (n − 1 = 3).
        #expect(abs(layer.runningMean[0] - 0.25) < 1e-12)
        #expect(abs(layer.runningMean[1] - 1.1) < 1e-12)
        #expect(abs(layer.runningVariance[0] - (0.9 + 0.1 * 5.0 / 3)) < 1e-12)
        #expect(abs(layer.runningVariance[1] - (0.9 + 0.1 * 12.0 / 3)) < 1e-12)
    }

    @Test("evaluation uses the running statistics and leaves them alone")
    func evaluationSemantics() {
        let layer = BatchNorm<Double>(name: "bn", channels: 1)
        layer.runningMean[0] = 2
        layer.runningVariance[0] = 4
        layer.gamma.value[0] = 3
        layer.beta.value[0] = 1
        let output = layer.forward(Tensor(shape: [3, 1], scalars: [2, 4, 0]), mode: .evaluation)
        let s = 3 / (4 + 1e-5).squareRoot()
        #expect(zip(output.scalars, [1, 1 + 2 * s, 1 - 2 * s]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(layer.runningMean[0] == 2 && layer.runningVariance[0] == 4)
    }

    @Test("a training batch comes out with zero mean and unit variance per channel")
    func normalisedOutput() {
        let layer = BatchNorm<Float>(name: "bn", channels: 3)
        let input = Tensor<Float>.random(shape: [8, 3, 4, 4], random: RandomSource(seed: 3))
        for i in 0..<input.count { input[i] = input[i] * 5 + 7 }
        let output = layer.forward(input, mode: .training)
        for c in 0..<3 {
            let values = (0..<8).flatMap { n in (0..<16).map { Double(output[(n * 3 + c) * 16 + $0]) } }
            let mean = values.reduce(0, +) / 128
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 128
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
    }

    private func randomizeAffine(_ layer: BatchNorm<Double>, seed: UInt64) {
        let random = RandomSource(seed: seed)
        for c in 0..<layer.channels {
            layer.gamma.value[c] = 1 + random.gaussian(standardDeviation: 0.3)
            layer.beta.value[c] = random.gaussian(standardDeviation: 0.3)
        }
    }
}
