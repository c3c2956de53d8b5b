@testable import ParamShareEngine
import Testing

/// The memory that buffers of a pass give back (`RecycledMemory`), reused by byte count. The
/// counts are odd ones no layer of the other suites asks for, since suites run at once and share
/// the pool.
@Suite("recycled memory")
struct RecycledMemoryTests {
    @Test("a freed recycled tensor's memory is the next one of the same byte count, and not one of another")
    func reusedBySize() {
        let address: UInt
        do {
            let first = Tensor<Float>(recycledShape: [3, 1_009])
            address = UInt(bitPattern: first.data)
        }
        do {
            let same = Tensor<Float>(recycledShape: [1_009, 3])
            #expect(UInt(bitPattern: same.data) == address)
        }
        // The block is kept, so the allocator cannot hand it out either.
        let other = Tensor<Float>(recycledShape: [1_013])
        #expect(UInt(bitPattern: other.data) != address)
    }
}
