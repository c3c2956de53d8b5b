import ParamShareEngine
import Testing
import TestSupport

@Suite("Linear")
struct LinearTests {
    @Test("backward matches central differences", arguments: [(1, 3, 2, true), (4, 7, 5, true), (5, 6, 3, false)])
    func gradients(items: Int, inFeatures: Int, outFeatures: Int, hasBias: Bool) {
        let layer = Linear<Double>(name: "fc", inFeatures: inFeatures, outFeatures: outFeatures, hasBias: hasBias,
                                   random: RandomSource(seed: 3))
        let report = GradientCheck().run(layer, inputShape: [items, inFeatures])
        #expect(report.errors.count == (hasBias ? 3 : 2))
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("forward is x·Wᵀ + b")
    func forwardValues() {
        let layer = Linear<Double>(name: "fc", inFeatures: 2, outFeatures: 3, random: RandomSource(seed: 1))
        let weight = layer.weightSource.weight()
        for (i, value) in [1.0, 2, 3, 4, 5, 6].enumerated() { weight[i] = value }
        for (i, value) in [0.5, -1, 2].enumerated() { layer.bias!.value[i] = value }
        let output = layer.forward(Tensor(shape: [1, 2], scalars: [1, -1]), mode: .training)
        // rows of W: (1, 2), (3, 4), (5, 6); x = (1, −1)
        let expected: [Double] = [-0.5, -2, 1]  // (1 − 2 + 0.5, 3 − 4 − 1, 5 − 6 + 2)
        #expect(output.scalars == expected)
    }
}
