import ParamShareEngine
import Testing
import TestSupport

@Suite("ReLU")
struct ReLUTests {
    @Test("backward matches central differences", arguments: [[3, 5], [2, 3, 4, 5]])
    func gradients(shape: [Int]) {
        let report = GradientCheck().run(ReLU<Double>(name: "relu"), inputShape: shape)
        #expect(report.worst < 1e-6, "\(report)")
    }

    @Test("forward clamps negatives to zero")
    func forwardValues() {
        let output = ReLU<Float>(name: "relu").forward(Tensor(shape: [1, 4], scalars: [-2, 0, 0.5, 3]), mode: .training)
        #expect(output.scalars == [0, 0, 0.5, 3])
    }
}
