import Foundation

/// Why a Prometheus or Grafana history, or the meaning of a history's
/// values, was refused: the file, where in it (`line 12`, or a JSON path
/// such as `data.result[0].values[12]`), and what was expected there.
package struct HistoryFormatError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The file.
    package var file: String
    /// `12` for a line, `data.result[0].values[3][1]` for a JSON value; empty for the whole file.
    package var location: String
    /// What was expected, and what was found.
    package var message: String

    /// An error at a place in `file`.
    package init(file: String, location: String = "", _ message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    /// `FILE:LINE: message` or `FILE: PATH: message`.
    package var description: String {
        if location.isEmpty { return "\(file): \(message)" }
        if location.allSatisfy(\.isNumber) { return "\(file):\(location): \(message)" }
        return "\(file): \(location): \(message)"
    }

    package var errorDescription: String? { description }
}
