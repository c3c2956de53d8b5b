import ParamShareEngine
import Testing
import TestSupport

@Suite("Softmax cross-entropy")
struct SoftmaxCrossEntropyTests {
    @Test("the logits gradient matches central differences", arguments: [0.0, 0.1])
    func gradients(labelSmoothing: Double) {
        let loss = SoftmaxCrossEntropy<Double>(labelSmoothing: labelSmoothing)
        let logits = Tensor<Double>.random(shape: [4, 5], random: RandomSource(seed: 2))
        for i in 0..<logits.count { logits[i] *= 3 }
        let labels: [Int32] = [0, 4, 2, 2]
        _ = loss.forward(logits: logits, labels: labels)
        let analytic = Tensor<Double>(shape: [4, 5])
        analytic.copy(from: loss.logitsGradient!)
        let error = GradientCheck().compare(analytic: analytic, perturbing: logits) {
            loss.forward(logits: logits, labels: labels).loss
        }
        #expect(error < 1e-7)
    }

    @Test("loss and accuracy against a hand computation")
    func values() {
        // Row 0: logits (0, ln 3) → p = (1/4, 3/4), label 1 (correct). Row 1: (2, 2), label 0: p = 1/2, a tie counts as class 0.
        let logits = Tensor<Double>(shape: [2, 2], scalars: [0, Double.log(3), 2, 2])
        let plain = SoftmaxCrossEntropy<Double>().forward(logits: logits, labels: [1, 0])
        #expect(abs(plain.loss - (-Double.log(0.75) - Double.log(0.5)) / 2) < 1e-12)
        #expect(plain.correct == 2)
        // With ε = 0.2 and K = 2 the targets are 0.9 / 0.1.
        let smoothed = SoftmaxCrossEntropy<Double>(labelSmoothing: 0.2).forward(logits: logits, labels: [1, 0])
        let row0 = -(0.1 * Double.log(0.25) + 0.9 * Double.log(0.75)), row1 = -Double.log(0.5)
        #expect(abs(smoothed.loss - (row0 + row1) / 2) < 1e-12)
    }

    @Test("huge logits do not overflow")
    func stability() {
        let logits = Tensor<Float>(shape: [1, 3], scalars: [1000, 0, -1000])
        let result = SoftmaxCrossEntropy<Float>().forward(logits: logits, labels: [0])
        #expect(result.loss.isFinite && result.loss < 1e-6)
    }
}
