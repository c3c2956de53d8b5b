@testable import ParamShareEngine
import Testing
import TestSupport

/// `sgdStep` runs one loop per combination of momentum, Nesterov and step scale, so that each
/// vectorises. Every combination must give the bits of the one per-element expression it stands
/// for: studies resume from snapshots written by builds with the single loop.
@Suite("SGD step loops")
struct SGDStepTests {
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
}
