import Foundation

/// Reads a text file line by line through a fixed buffer, so traces of any
/// length stream in constant memory. Strips `\r\n` and `\n` endings.
///
/// - Complexity: O(bytes); one allocation per line handed out.
public final class LineReader {
    /// The file being read.
    public let path: String
    /// 1-based number of the line last returned (0 before the first).
    public private(set) var lineNumber = 0
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    /// Opens `path` for reading.
    public init(path: String) throws {
        guard let f = fopen(path, "rb") else {
            throw WorkloadError(path, "cannot open file (\(String(cString: strerror(errno))))")
        }
        self.path = path
        self.file = f
    }

    deinit {
        fclose(file)
        free(buffer)
    }

    /// The next line without its line ending, or `nil` at end of file.
    public func next() -> Substring? {
        let n = getline(&buffer, &capacity, file)
        guard n >= 0, let buffer else { return nil }
        lineNumber += 1
        var length = n
        while length > 0 && (buffer[length - 1] == 0x0A || buffer[length - 1] == 0x0D) { length -= 1 }
        let raw = UnsafeRawBufferPointer(start: buffer, count: length)
        return Substring(String(decoding: raw, as: UTF8.self))
    }

    /// `path:line` of the line last returned, for error messages.
    public var location: String { "\(path):\(lineNumber)" }
}
