@_spi(Fuzzing) import ParamShare

/// Bytes as the loader reads a `.gz` file: inflated through zlib when they carry the gzip
/// magic, then parsed as IDX images and labels.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let inflated = try? GzipFileReader.decoded(bytes, path: "fuzz.gz", remedy: IDXLoader.downloadAdvice) else { return 0 }
    _ = try? IDXLoader.images(in: inflated, path: "fuzz.gz")
    _ = try? IDXLoader.labels(in: inflated, path: "fuzz.gz")
    return 0
}
