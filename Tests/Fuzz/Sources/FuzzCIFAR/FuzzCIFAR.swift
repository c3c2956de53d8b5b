@_spi(Fuzzing) import ParamShare

/// Bytes as a CIFAR-10 batch and as a CIFAR-100 one.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    _ = try? CIFARLoader.batch(in: bytes, path: "fuzz.bin", cifar100: false)
    _ = try? CIFARLoader.batch(in: bytes, path: "fuzz.bin", cifar100: true)
    return 0
}
