import Foundation

/// Why a Prometheus or Grafana history, or the meaning of a history's
/// values, was refused: the file, where in it (`line 12`, or a JSON path
/// such as `data.result[0].values[12]`), and what was expected there.
public struct HistoryFormatError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The file.
    public var file: String
    /// `12` for a line, `data.result[0].values[3][1]` for a JSON value; empty for the whole file.
    public var location: String
    /// What was expected, and what was found.
    public var message: String

    /// An error at a place in `file`.
    public init(file: String, location: String = "", _ message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    /// `FILE:LINE: message` or `FILE: PATH: message`.
    public var description: String {
        if location.isEmpty { return "\(file): \(message)" }
        if location.allSatisfy(\.isNumber) { return "\(file):\(location): \(message)" }
        return "\(file): \(location): \(message)"
    }

    public var errorDescription: String? { description }
}
