@testable import ParamShare
import Testing

/// The processor a run records (`cpu_model`), from `/proc/cpuinfo`'s text.
@Suite("Processor")
struct ProcessorTests {
    @Test("the first processor's model name, vendor, family and model number; later processors are not read")
    func firstProcessor() {
        let text = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 207
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu avx2 avx512_bf16

            processor\t: 1
            vendor_id\t: AuthenticAMD
            cpu family\t: 25
            model\t\t: 17
            model name\t: AMD EPYC 9R14

            """
        #expect(Processor.describe(cpuinfo: text) == "Intel(R) Xeon(R) Processor (GenuineIntel family 6 model 207)")
    }

    @Test("a model name alone, an identity alone, and nothing at all")
    func partialDescriptions() {
        #expect(Processor.describe(cpuinfo: "model name\t: AMD EPYC 9R14\n") == "AMD EPYC 9R14")
        #expect(Processor.describe(cpuinfo: "vendor_id\t: AuthenticAMD\ncpu family\t: 25\n") == "AuthenticAMD family 25")
        #expect(Processor.describe(cpuinfo: "") == "unknown")
    }
}
