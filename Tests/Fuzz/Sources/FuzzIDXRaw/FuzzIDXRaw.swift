@_spi(Fuzzing) import ParamShare

/// Raw IDX bytes, read both as an images file and as a labels file: every input must either
/// parse or throw a `DatasetError`, never trap.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    _ = try? IDXLoader.images(in: bytes, path: "fuzz-images")
    _ = try? IDXLoader.labels(in: bytes, path: "fuzz-labels")
    return 0
}
