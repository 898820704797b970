import CZlib
import Foundation

/// Reads a text file line by line through a fixed buffer, so traces of any
/// length stream in constant memory. Strips `\r\n` and `\n` endings and a
/// UTF-8 byte-order mark at the start of the file.
///
/// A gzip file (recognised by its content, whatever its name) is
/// decompressed in-process by zlib as it is read: no temporary file, no
/// child process. Two limits keep a bad input from running away:
///
/// - ``maxLineBytes`` (4 MiB): a longer line is refused, so a file without
///   line breaks (a binary file, a gzip bomb of zeros) never fills memory;
/// - ``maxDecompressedBytes`` (1 GiB): a gzip input that decompresses to more
///   is refused. Decompress a larger file yourself and pass the plain file,
///   which has no size limit.
///
/// - Complexity: O(bytes); one allocation per line handed out.
package final class LineReader {
    /// Longest line read, in bytes (4 MiB).
    package static let maxLineBytes = 4 << 20
    /// Most bytes a gzip input may decompress to (1 GiB).
    package static let maxDecompressedBytes = 1 << 30

    /// The file being read.
    package let path: String
    /// 1-based number of the line last returned (0 before the first).
    package private(set) var lineNumber = 0
    /// Whether the file is gzip-compressed.
    package let isCompressed: Bool
    private let file: gzFile
    private let limit: Int
    private let chunk: UnsafeMutablePointer<UInt8>
    private static let chunkSize = 1 << 16
    private var start = 0, end = 0
    private var atEnd = false
    private var total = 0
    private var line: [UInt8] = []

    /// Opens `path` for reading; `maxDecompressedBytes` lowers the gzip limit
    /// (for tests).
    ///
    /// - Throws: ``WorkloadError`` when the file cannot be opened, is a
    ///   directory, or is not a readable gzip stream.
    package init(path: String, maxDecompressedBytes: Int = LineReader.maxDecompressedBytes) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WorkloadError(path, "cannot read: \(Self.reason(errno))") }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw WorkloadError(path, "cannot read: is a directory, expected a file")
        }
        guard let gz = gzdopen(fd, "rb") else {
            close(fd)
            throw WorkloadError(path, "cannot read: out of memory opening the file")
        }
        gzbuffer(gz, 1 << 17)
        self.path = path
        self.file = gz
        self.limit = maxDecompressedBytes
        self.isCompressed = gzdirect(gz) == 0
        self.chunk = .allocate(capacity: Self.chunkSize)
    }

    deinit {
        gzclose_r(file)
        chunk.deallocate()
    }

    /// The next line without its line ending, or `nil` at end of file.
    ///
    /// - Throws: ``WorkloadError`` for a line over ``maxLineBytes``, a gzip
    ///   input over its decompressed limit, corrupt or truncated gzip data, or
    ///   a read error.
    package func next() throws -> Substring? {
        line.removeAll(keepingCapacity: true)
        var any = false
        while true {
            if start == end {
                if atEnd { break }
                try fill()
                if start == end { break }
            }
            let from = chunk + start
            let available = end - start
            if let hit = memchr(from, 0x0A, available) {
                let length = UnsafeMutableRawPointer(mutating: hit) - UnsafeMutableRawPointer(from)
                try append(from, length)
                start += length + 1
                any = true
                break
            }
            try append(from, available)
            start = end
            any = true
        }
        guard any else { return nil }
        lineNumber += 1
        var length = line.count
        while length > 0 && (line[length - 1] == 0x0A || line[length - 1] == 0x0D) { length -= 1 }
        var first = 0
        if lineNumber == 1 && length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF { first = 3 }
        return line.withUnsafeBufferPointer { Substring(String(decoding: $0[first..<length], as: UTF8.self)) }
    }

    /// `path:line` of the line last returned, for error messages.
    package var location: String { "\(path):\(lineNumber)" }

    private func append(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) throws {
        guard line.count + count <= Self.maxLineBytes else {
            throw WorkloadError("\(path):\(lineNumber + 1)",
                                "line longer than \(Self.maxLineBytes >> 20) MiB (expected a text file of lines)")
        }
        line.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Reads the next chunk; sets `atEnd` at the end of the data.
    private func fill() throws {
        let n = gzread(file, chunk, UInt32(Self.chunkSize))
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
        if n < 0 || (code != Z_OK && code != Z_STREAM_END) {
            if code == Z_ERRNO {
                throw WorkloadError(path, "cannot read: \(Self.reason(errno))")
            }
            if code == Z_BUF_ERROR {
                throw WorkloadError(path, "the gzip data ends early (a truncated .gz file)")
            }
            throw WorkloadError(path, "not readable gzip data (\(message.isEmpty ? "zlib error \(code)" : message))")
        }
        start = 0
        end = Int(n)
        if n == 0 { atEnd = true }
        total += Int(n)
        if isCompressed && total > limit {
            throw WorkloadError(path, "decompresses to more than \(Self.size(limit)), the limit for gzip input "
                                + "(decompress it yourself and give the plain file if it really is this large)")
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB"
            : bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    /// Plain words for an `errno` of open or read.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "is a directory, expected a file"
        default: return String(cString: strerror(code))
        }
    }
}
