import CZlib
import Foundation

/// Reads a whole data file into memory, inflating it first if it is gzip-compressed.
///
/// Data sets are published both raw and gzipped (MNIST's official files are `.gz`; a browser
/// may have already unpacked them), so loaders accept either without caring which. The choice
/// is made from the file's first bytes, not its name, because names and contents disagree in
/// the wild. A gzip stream is read to its end, trailer included, so a damaged or cut-off
/// download is reported instead of yielding a short buffer that looks plausible.
@_spi(Fuzzing) public enum GzipFileReader {
    /// The two bytes every gzip member starts with (RFC 1952).
    private static let magic: [UInt8] = [0x1f, 0x8b]

    /// The bytes of the file at `path`, decompressed if it is gzip.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - remedy: A sentence telling the user how to obtain a good copy of this file; it ends
    ///     the message of every error thrown, since only the caller knows where the file comes from.
    /// - Throws: `DatasetError` with kind `.missingFile` if there is no file at `path`,
    ///   `.unreadable` if it cannot be read, and `.corruptCompression` if it is gzip but does
    ///   not inflate cleanly to the end.
    static func contents(ofFile path: String, remedy: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(.missingFile, path: path, detail: "no such file", fix: remedy)
        }
        guard !isDirectory.boolValue else {
            throw DatasetError(.unreadable, path: path, detail: "is a folder; expected a data file", fix: remedy)
        }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DatasetError(.unreadable, path: path, detail: "could not be read (\(error.localizedDescription))",
                               fix: "Check the file's permissions. \(remedy)")
        }
        return try decoded(bytes, path: path, remedy: remedy)
    }

    /// `bytes` inflated if they are gzip, as they are otherwise; `path` and `remedy` name them in errors.
    @_spi(Fuzzing) public static func decoded(_ bytes: [UInt8], path: String, remedy: String) throws -> [UInt8] {
        guard bytes.starts(with: magic) else { return bytes }
        return try inflateGzip(bytes, path: path, remedy: remedy)
    }

    /// Inflates every gzip member in `compressed`, which starts with the gzip magic.
    ///
    /// Concatenated members are joined, as `gunzip` does, because `cat a.gz b.gz` is a valid
    /// gzip file. Anything after the last member other than another member is an error: it
    /// means the file is not what it claims to be.
    private static func inflateGzip(_ compressed: [UInt8], path: String, remedy: String) throws -> [UInt8] {
        let damaged = "Test it with `gzip -t \(path)`; the download is damaged or incomplete. \(remedy)"
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DatasetError(.unreadable, path: path,
                               detail: "zlib could not start inflating this gzip file (status \(initStatus))",
                               fix: "Check that zlib \(ZLIB_VERSION) or a compatible version is installed. \(remedy)")
        }
        defer { inflateEnd(&stream) }

        var output = [UInt8]()
        output.reserveCapacity(expectedSize(ofGzip: compressed))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        try compressed.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            // zlib counts input in 32-bit units, so a larger file is handed over in pieces.
            var handedOver = 0
            while true {
                if stream.avail_in == 0 && handedOver < input.count {
                    let piece = min(input.count - handedOver, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: base + handedOver)
                    stream.avail_in = uInt(piece)
                    handedOver += piece
                }
                let status = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[..<(chunk.count - Int(stream.avail_out))])
                let unread = Int(stream.avail_in) + input.count - handedOver
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END where unread == 0:
                    return
                case Z_STREAM_END:
                    let next = input.count - unread
                    guard input[next...].starts(with: magic) else {
                        throw DatasetError(.corruptCompression, path: path,
                                           detail: "has \(unread) bytes after the end of its gzip data that are not "
                                               + "another gzip member; expected the file to end there",
                                           fix: damaged)
                    }
                    inflateReset(&stream)
                case Z_BUF_ERROR where unread == 0:
                    throw DatasetError(.corruptCompression, path: path,
                                       detail: "gzip data ends early, after \(compressed.count) bytes and \(output.count) "
                                           + "inflated bytes; expected the rest of the stream and its 8-byte trailer",
                                       fix: damaged)
                case Z_MEM_ERROR:
                    throw DatasetError(.unreadable, path: path,
                                       detail: "ran out of memory after inflating \(output.count) bytes",
                                       fix: "Free some memory and try again.")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DatasetError(.corruptCompression, path: path,
                                       detail: "is not valid gzip data (\(reason)) at compressed byte "
                                           + "\(input.count - unread); expected a deflate stream that inflates to the end",
                                       fix: damaged)
                }
            }
        }
        return output
    }

    /// The inflated size that the last gzip member's trailer records, as a capacity hint.
    ///
    /// The trailer stores the size modulo 2³² and is unverified until inflation ends, so the
    /// hint is ignored when deflate could not possibly have produced it (ratio above 1032:1).
    private static func expectedSize(ofGzip compressed: [UInt8]) -> Int {
        guard compressed.count >= 18 else { return 0 }
        let trailer = compressed.suffix(4)
        let size = trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
        return size <= compressed.count * 1032 ? size : 0
    }
}
