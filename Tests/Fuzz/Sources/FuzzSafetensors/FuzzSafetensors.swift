import Foundation
import ParamShare

/// Bytes as a safetensors file: the header's length, its JSON, every shape and byte range.
/// What decodes must encode again to a file that decodes to the same tensors and metadata.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    guard let file = try? SafetensorsFile(bytes: Data(bytes: data, count: count), path: "fuzz.safetensors") else { return 0 }
    guard let again = try? SafetensorsFile(bytes: file.encoded(), path: "fuzz.safetensors"),
          again.metadata == file.metadata, contents(of: again) == contents(of: file) else {
        fatalError("a decoded file did not survive encoding and decoding again")
    }
    return 0
}

/// Each tensor's shape and value bits by name: tensors of no bytes share an offset, so their
/// order in a file is not defined, and NaN values compare by bits.
private func contents(of file: SafetensorsFile) -> [String: [[Int]]] {
    Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, [$0.entry.shape, $0.entry.values.map { Int($0.bitPattern) }]) })
}
