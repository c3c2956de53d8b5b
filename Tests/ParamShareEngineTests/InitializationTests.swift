import ParamShareEngine
import Testing

@Suite("Initialisation and random numbers")
struct InitializationTests {
    @Test("Kaiming standard deviations follow PyTorch's formulas")
    func formulas() {
        let fans = Fans(weightShape: [64, 32, 3, 3])
        #expect(fans == Fans(fanIn: 288, fanOut: 576))
        #expect(abs(KaimingInitialization(distribution: .normal).standardDeviation(fans: fans) - (2.0 / 288).squareRoot()) < 1e-15)
        #expect(abs(KaimingInitialization(distribution: .normal, mode: .fanOut).standardDeviation(fans: fans) - (2.0 / 576).squareRoot()) < 1e-15)
        // PyTorch's default (a = √5) gives the uniform bound 1/√fan-in.
        let bound = 3.0.squareRoot() * KaimingInitialization.pytorchDefault.standardDeviation(fans: fans)
        #expect(abs(bound - 1 / 288.0.squareRoot()) < 1e-15)
    }

    @Test("drawn weights have the intended spread", arguments: [KaimingInitialization.Distribution.normal, .uniform])
    func sampleStatistics(distribution: KaimingInitialization.Distribution) {
        let initialization = KaimingInitialization(distribution: distribution)
        let tensor = Tensor<Double>(shape: [256, 64, 3, 3])
        let fans = Fans(weightShape: tensor.shape)
        initialization.fill(tensor, fans: fans, random: RandomSource(seed: 1))
        let values = tensor.scalars
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        let expected = initialization.standardDeviation(fans: fans)
        // 147,456 draws: the sample std is within 1 % of the true one with overwhelming probability.
        #expect(abs(std / expected - 1) < 0.01)
        #expect(abs(mean) < 0.01 * expected)
        if distribution == .uniform { #expect(values.allSatisfy { abs($0) <= 3.0.squareRoot() * expected }) }
    }

    @Test("a seed fixes the stream; another seed changes it")
    func seeding() {
        let a = RandomSource(seed: 42), b = RandomSource(seed: 42), c = RandomSource(seed: 43)
        let drawsA = (0..<100).map { _ in a.gaussian() }, drawsB = (0..<100).map { _ in b.gaussian() }
        let drawsC = (0..<100).map { _ in c.gaussian() }
        #expect(drawsA == drawsB)
        #expect(drawsA != drawsC)
        #expect(a.permutation(of: 50) == b.permutation(of: 50))
        #expect(Set(c.permutation(of: 50)) == Set(0..<50))
    }

    @Test("mt19937 seeded with 4357 gives GSL's documented first output")
    func gslReferenceValue() {
        // GSL's reference test (randist/test.c, rng/test.c) expects 1186927261 as the
        // 1000th output of mt19937 with seed 4357; here we check the same through the uniform draw.
        let random = RandomSource(seed: 4357)
        var last = 0.0
        for _ in 0..<1000 { last = random.uniform(in: 0..<1) }
        #expect(last == 1186927261.0 / 4294967296.0)
    }
}
