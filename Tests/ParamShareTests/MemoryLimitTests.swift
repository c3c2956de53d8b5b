@testable import ParamShare
import Testing

@Suite("Memory limit")
struct MemoryLimitTests {
    private static let gib = Double(1 << 30)

    @Test("the least of the machine's memory, the address space left and the control group's limit, named")
    func leastLimitIsNamed() {
        let machine = MemoryLimit.least(physical: 24 * Self.gib, addressSpaceLeft: nil, controlGroup: nil)
        #expect(machine.bytes == 24 * Self.gib && machine.source == "this machine's 24.0 GiB")
        let group = MemoryLimit.least(physical: 24 * Self.gib, addressSpaceLeft: 30 * Self.gib, controlGroup: 8 * Self.gib)
        #expect(group.bytes == 8 * Self.gib && group.source.contains("control group") && group.source.contains("8.0 GiB"))
        let address = MemoryLimit.least(physical: 24 * Self.gib, addressSpaceLeft: 2.5 * Self.gib, controlGroup: 8 * Self.gib)
        #expect(address.bytes == 2.5 * Self.gib && address.source.contains("ulimit -v") && address.source.contains("2.5 GiB"))
    }
}
