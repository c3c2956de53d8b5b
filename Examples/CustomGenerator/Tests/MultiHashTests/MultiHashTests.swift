import MultiHash
import ParamShare
import ParamShareTesting
import Testing

@Suite("Multi-hash generator")
struct MultiHashTests {
    @Test("its vector–Jacobian product matches central differences", arguments: [1, 2, 4])
    func vectorJacobianProduct(hashes: Int) throws {
        for budget in [1, 17, 60, 200] {
            let error = try GeneratorCheck.vectorJacobianError(MultiHashGenerator(hashes: hashes), layers: GeneratorCheck.sampleLayers,
                                                               budget: budget)
            #expect(error < 1e-7, "budget \(budget): \(error)")
        }
    }

    @Test("its bank learns: training it beats the same run with the bank frozen")
    func bankLearns() throws {
        let result = try BankLearningCheck().run(MultiHashGenerator())
        #expect(result.bankLearned, "\(result)")
    }

    @Test("its descriptor registers beside the built-ins, with its option validated")
    func registers() throws {
        var registry = GeneratorRegistry.builtIn
        try registry.register(MultiHashGenerator.descriptor)
        #expect(registry.optionColumns.contains("multihash.hashes"))
        #expect(throws: GeneratorRegistryError.self) { try GeneratorSetting(MultiHashGenerator.descriptor, options: ["hashes": "5"]) }
    }
}
