import ParamShareEngine
import Testing

@Suite("Optimisers")
struct OptimizerTests {
    /// A one-element parameter with value `w`, whose gradient is set before each step.
    private func scalarParameter(_ w: Double, role: ParameterRole = .weight) -> Parameter<Double> {
        let parameter = Parameter<Double>(name: "w", role: role, shape: [1])
        parameter.value[0] = w
        return parameter
    }

    @Test("plain SGD with weight decay: w ← w − lr·(g + λw)")
    func plainSGD() {
        let p = scalarParameter(2)
        let sgd = SGD(groups: [ParameterGroup(parameters: [p], weightDecay: 0.1)], learningRate: 0.5)
        p.gradient[0] = 1
        sgd.step()
        #expect(abs(p.value[0] - (2 - 0.5 * (1 + 0.2))) < 1e-15)
    }

    @Test("SGD momentum and Nesterov over two steps, as torch.optim.SGD")
    func momentumSGD() {
        for nesterov in [false, true] {
            let p = scalarParameter(1)
            let sgd = SGD(groups: [ParameterGroup(parameters: [p], weightDecay: 0.01)], learningRate: 0.1, momentum: 0.9,
                          nesterov: nesterov)
            // Step 1: g = 0.5 + 0.01·1 = 0.51; b = g; update = g + 0.9b (Nesterov) or b.
            p.gradient[0] = 0.5
            sgd.step()
            let g1 = 0.51, b1 = g1
            let w1 = 1 - 0.1 * (nesterov ? g1 + 0.9 * b1 : b1)
            #expect(abs(p.value[0] - w1) < 1e-15)
            // Step 2: g = −0.2 + 0.01·w1; b = 0.9·b1 + g.
            p.gradient[0] = -0.2
            sgd.step()
            let g2 = -0.2 + 0.01 * w1, b2 = 0.9 * b1 + g2
            let w2 = w1 - 0.1 * (nesterov ? g2 + 0.9 * b2 : b2)
            #expect(abs(p.value[0] - w2) < 1e-15)
        }
    }

    @Test("AdamW over two steps, as torch.optim.AdamW")
    func adamW() {
        let p = scalarParameter(1)
        let adam = AdamW(groups: [ParameterGroup(parameters: [p], weightDecay: 0.1)], learningRate: 0.01)
        var w = 1.0, m = 0.0, v = 0.0
        for (t, g) in [0.3, -0.1].enumerated() {
            p.gradient[0] = g
            adam.step()
            w *= 1 - 0.01 * 0.1
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mHat = m / (1 - Double.pow(0.9, t + 1)), vHat = v / (1 - Double.pow(0.999, t + 1))
            w -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            #expect(abs(p.value[0] - w) < 1e-15)
        }
    }

    @Test("the standard groups exempt batch norm, biases and parameters that carry their own decay from weight decay")
    func standardGroups() {
        let selfDecaying = scalarParameter(1, role: .bank)
        selfDecaying.decaysInOptimizer = false
        let parameters = [scalarParameter(1, role: .weight), scalarParameter(1, role: .bias),
                          scalarParameter(1, role: .normalization), scalarParameter(1, role: .bank), selfDecaying]
        let groups = ParameterGroup.standard(parameters, weightDecay: 5e-4)
        #expect(groups[0].parameters.map(\.role) == [.weight, .bank] && groups[0].weightDecay == 5e-4)
        #expect(groups[1].parameters.map(\.role) == [.bias, .normalization, .bank] && groups[1].weightDecay == 0)
        #expect(groups[1].parameters.last === selfDecaying)
    }
}
