import Foundation

/// A safetensors file of 32-bit float tensors: an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range (and a `__metadata__` map of
/// strings), then the raw little-endian data, as Hugging Face's `safetensors` package reads
/// and writes it.
///
/// ParamShare stores only `F32` tensors; a file with another dtype is refused by name.
public struct SafetensorsFile: Equatable, Sendable {
    /// A tensor's shape and values, in row-major order.
    public struct Entry: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Float]

        public init(shape: [Int], values: [Float]) {
            precondition(Self.valueCount(ofShape: shape) == values.count, "a tensor of shape \(shape) cannot hold \(values.count) values")
            self.shape = shape
            self.values = values
        }

        /// The values a tensor of `shape` holds; `nil` for a negative dimension or a count no
        /// `Int` holds. Checked, since a file's header can name any dimensions.
        static func valueCount(ofShape shape: [Int]) -> Int? {
            guard shape.allSatisfy({ $0 >= 0 }) else { return nil }
            guard !shape.contains(0) else { return 0 }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else { return nil }
                count = product
            }
            return count
        }
    }

    /// The tensors by name, in the order their data is laid out.
    public var tensors: [(name: String, entry: Entry)]
    /// Free-form strings: the `__metadata__` block of the header.
    public var metadata: [String: String]

    public init(tensors: [(name: String, entry: Entry)] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if the file holds one.
    public subscript(name: String) -> Entry? {
        tensors.first { $0.name == name }?.entry
    }

    public static func == (lhs: SafetensorsFile, rhs: SafetensorsFile) -> Bool {
        lhs.metadata == rhs.metadata && lhs.tensors.map(\.name) == rhs.tensors.map(\.name)
            && lhs.tensors.map(\.entry) == rhs.tensors.map(\.entry)
    }

    /// The file's bytes.
    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for (name, entry) in tensors {
            header[name] = ["dtype": "F32", "shape": entry.shape, "data_offsets": [offset, offset + 4 * entry.values.count]]
            offset += 4 * entry.values.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // The data starts on an 8-byte boundary; the format pads the header with spaces.
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var bytes = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(json)
        for (_, entry) in tensors {
            entry.values.withUnsafeBufferPointer { values in
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            }
        }
        return bytes
    }

    /// Writes the file at `path` whole or not at all: into a temporary file beside it, flushed
    /// to disk, then renamed over it in one step, so that a kill or a power loss at any moment
    /// leaves either the former file or the new one under `path`, never a part or none.
    public func write(to path: String) throws {
        let temporary = Self.temporaryPrefix(of: path) + "\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try encoded().write(to: URL(fileURLWithPath: temporary))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try handle.synchronize()
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)  // our own temporary file, never the user's
            throw FileError(path: path, problem: "it could not be written (\(error.localizedDescription))",
                            fix: "Check that its folder exists and is writable, and that the disk has room.")
        }
        // Earlier writers' temporaries are ours too, never the user's, and the file is written:
        // one that cannot be removed now is left for the next write.
        try? Self.removeTemporariesOfEndedWriters(of: path)
    }

    /// What the temporary files of ``write(to:)`` for `path` are called, up to the writer's process id.
    static func temporaryPrefix(of path: String) -> String {
        path + ".partial-"
    }

    /// Deletes the temporary files of `path` whose writers have ended (killed mid-write; their
    /// process ids name no process now), so that a later write of a file cleans up after an
    /// earlier one. A temporary of a live process may be another writer's, and stays.
    static func removeTemporariesOfEndedWriters(of path: String) throws {
        try removeTemporaries(of: path) { writer in writer.map { kill($0, 0) != 0 && errno == ESRCH } ?? false }
    }

    /// Deletes the temporary files a writer of `path` left when it was killed mid-write: every
    /// one, or those whose writer's process id (`nil` if the name holds none) `isStale` picks.
    ///
    /// Without `isStale`, only for a file no other process writes at the same time, whose
    /// temporaries are then stale.
    static func removeTemporaries(of path: String, where isStale: (Int32?) -> Bool = { _ in true }) throws {
        let folder = path.parentFolder, prefix = (temporaryPrefix(of: path) as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        for name in names where name.hasPrefix(prefix) && isStale(Int32(name.dropFirst(prefix.count))) {
            try FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }

    /// Reads the safetensors file at `path`.
    ///
    /// - Throws: ``FileError`` naming the file and what is wrong: missing, truncated, a
    ///   header that is not the format's JSON, a dtype other than F32, or byte ranges that do
    ///   not match their shapes or the file.
    public init(contentsOf path: String) throws {
        let bytes = try FileContents.readExisting(path, kind: "file", folderFix: "Give the path of a .safetensors file in it.")
        try self.init(bytes: bytes, path: path)
    }

    /// The bytes of an F32 tensor of `shape`: 4 per value; `nil` for a negative dimension or a
    /// size no `Int` holds.
    static func byteCount(ofShape shape: [Int]) -> Int? {
        guard let values = Entry.valueCount(ofShape: shape) else { return nil }
        let (bytes, overflow) = values.multipliedReportingOverflow(by: 4)
        return overflow ? nil : bytes
    }

    /// Decodes `bytes`, read from `path` (for messages).
    public init(bytes: Data, path: String) throws {
        func corrupt(_ problem: String) -> FileError {
            FileError(path: path, problem: problem, fix: "Write it again; a safetensors file cannot be repaired.")
        }
        guard bytes.count >= 8 else { throw corrupt("it is \(bytes.count) bytes long, shorter than the 8-byte header length") }
        let headerLength = bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw corrupt("it announces a \(headerLength)-byte header but holds \(bytes.count - 8) bytes after the length: truncated, or not safetensors")
        }
        let dataStart = 8 + Int(headerLength)
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<dataStart)) } catch {
            throw corrupt("its header is not JSON (\(error.localizedDescription)): not a safetensors file")
        }
        guard let header = parsed as? [String: Any] else { throw corrupt("its header is not a JSON object: not a safetensors file") }
        var metadata: [String: String] = [:]
        if let block = header["__metadata__"] {
            guard let strings = block as? [String: String] else { throw corrupt("its __metadata__ block is not a map of strings") }
            metadata = strings
        }
        let dataLength = bytes.count - dataStart
        var ranges: [(name: String, shape: [Int], start: Int, end: Int)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int], offsets.count == 2 else {
                throw corrupt("it describes tensor '\(name)' without a dtype, a shape and two data offsets")
            }
            guard dtype == "F32" else {
                throw FileError(path: path, problem: "it holds tensor '\(name)' as \(dtype); ParamShare reads F32 only",
                                fix: "Convert it to float32 (in Python: tensor.float()) and save it again.")
            }
            // A crafted header can name any integers: every product and difference is checked,
            // so that one too large for an Int is refused rather than trapping.
            guard let bytesNeeded = Self.byteCount(ofShape: shape), offsets[0] >= 0, offsets[0] <= offsets[1],
                  offsets[1] <= dataLength, offsets[1] - offsets[0] == bytesNeeded else {
                throw corrupt("it gives tensor '\(name)' of shape \(shape) the bytes \(offsets[0])..<\(offsets[1]) of \(dataLength): "
                              + "they do not hold 4 bytes per value within the file")
            }
            ranges.append((name, shape, offsets[0], offsets[1]))
        }
        ranges.sort { $0.start < $1.start }
        var expected = 0
        for range in ranges {
            guard range.start == expected else { throw corrupt("it leaves a gap or an overlap before tensor '\(range.name)'") }
            expected = range.end
        }
        guard expected == dataLength else { throw corrupt("it has \(dataLength - expected) bytes after its last tensor") }
        tensors = ranges.map { range in
            let values = bytes.withUnsafeBytes { raw in
                (0..<(range.end - range.start) / 4).map { index in
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + range.start + 4 * index, as: UInt32.self)))
                }
            }
            return (range.name, Entry(shape: range.shape, values: values))
        }
        self.metadata = metadata
    }
}
