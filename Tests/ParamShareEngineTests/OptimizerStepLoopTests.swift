@testable import ParamShareEngine
import Testing
import TestSupport

/// `sgdStep` runs one loop per combination of momentum, Nesterov and step scale, so that each
/// vectorises. Every loop must give the bits of the one per-element expression it stands for:
/// studies resume from snapshots written by builds with the single loop. `adamWStep`, one loop
/// still (with four pointers, the compiler does not vectorise it either way), is pinned to its
/// expression too, so that a change to it that changes bits fails here.
@Suite("Optimiser step loops")
struct OptimizerStepLoopTests {
    @Test("each loop gives the bits of the per-element update, w ← w − lr·s·g with s = 1 without a step scale, over a vector body and its remainder",
          arguments: [0.0, 0.9], [false, true])
    func sameBitsAsPerElementExpression(momentum: Float, scaled: Bool) {
        for (nesterov, isFirstStep) in [(false, false), (true, false), (false, true), (true, true)] {
            let count = 37, random = RandomSource(seed: 91)
            let weights = Tensor<Float>.random(shape: [count], random: random)
            let gradient = Tensor<Float>.random(shape: [count], random: random)
            let buffer = Tensor<Float>.random(shape: [count], random: random)
            let scale = Tensor<Float>.random(shape: [count], random: random)
            let (learningRate, dampening, weightDecay): (Float, Float, Float) = (0.37, 0.1, 5e-4)
            var w = weights.scalars, b = buffer.scalars
            let keep = isFirstStep ? 0 : momentum, add = isFirstStep ? 1 : 1 - dampening
            for i in 0..<count {
                let s: Float = scaled ? scale[i] : 1
                let g = gradient[i] + weightDecay * w[i]
                if momentum == 0 {
                    w[i] -= learningRate * s * g
                    continue
                }
                b[i] = keep * b[i] + add * g
                w[i] -= learningRate * s * (nesterov ? g + momentum * b[i] : b[i])
            }
            sgdStep(weights: weights.data, gradient: gradient.data, momentumBuffer: buffer.data, count: count,
                    learningRate: learningRate, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                    nesterov: nesterov, isFirstStep: isFirstStep, stepScale: scaled ? UnsafePointer(scale.data) : nil)
            #expect(weights.scalars.map(\.bitPattern) == w.map(\.bitPattern), "Nesterov \(nesterov), first step \(isFirstStep)")
            #expect(buffer.scalars.map(\.bitPattern) == b.map(\.bitPattern), "Nesterov \(nesterov), first step \(isFirstStep)")
        }
    }

    @Test("AdamW's loops give the bits of the per-element update with s = 1 without a step scale", arguments: [false, true])
    func adamWSameBitsAsPerElementExpression(scaled: Bool) {
        let count = 37, random = RandomSource(seed: 93)
        let weights = Tensor<Float>.random(shape: [count], random: random)
        let gradient = Tensor<Float>.random(shape: [count], random: random)
        let first = Tensor<Float>.random(shape: [count], random: random)
        let second = Tensor<Float>(shape: [count], scalars: Tensor<Float>.random(shape: [count], random: random).scalars.map(abs))
        let scale = Tensor<Float>.random(shape: [count], random: random)
        let (lr, beta1, beta2, epsilon, decay, c1, c2): (Float, Float, Float, Float, Float, Float, Float) = (
            0.003, 0.9, 0.999, 1e-8, 0.01, 0.19, 0.002)
        var w = weights.scalars, m = first.scalars, v = second.scalars
        for i in 0..<count {
            let s: Float = scaled ? scale[i] : 1, g = gradient[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            let denominator = v[i].squareRoot() / c2.squareRoot() + epsilon
            w[i] = w[i] * (1 - lr * decay * s) - s * (lr / c1) * m[i] / denominator
        }
        adamWStep(weights: weights.data, gradient: gradient.data, firstMoment: first.data, secondMoment: second.data,
                  count: count, learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: decay,
                  biasCorrection1: c1, biasCorrection2: c2, stepScale: scaled ? UnsafePointer(scale.data) : nil)
        #expect(weights.scalars.map(\.bitPattern) == w.map(\.bitPattern))
        #expect(first.scalars.map(\.bitPattern) == m.map(\.bitPattern))
        #expect(second.scalars.map(\.bitPattern) == v.map(\.bitPattern))
    }
}
