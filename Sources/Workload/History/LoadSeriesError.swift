import Foundation

/// Why a history CSV could not be read or written; each case names the file,
/// the line or column, the bad value and what was expected.
public enum LoadSeriesError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The file has no header line or no data lines.
    case empty(file: String)
    /// A column the reader needs is absent from the header.
    case missingColumn(file: String, column: String, available: [String])
    /// A cell holds something other than what its column expects.
    case invalidCell(file: String, line: Int, column: String, value: String, expected: String)
    /// A data line has fewer cells than the header.
    case shortLine(file: String, line: Int, cells: Int, expected: Int)
    /// Timestamps do not increase, or do not sit on the interval grid.
    case irregularTimestamp(file: String, line: Int, value: String, expected: String)
    /// The series is too short for what was asked.
    case tooFewPoints(file: String, count: Int, needed: Int, purpose: String)
    /// The output file could not be written.
    case unwritable(file: String, reason: String)

    /// The message the CLI prints: `file:line: column 'x': expected ..., got '...'` and the like.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .empty(file):
            return "\(file): expected a header line and at least one data line, got none"
        case let .missingColumn(file, column, available):
            return "\(file):1: no column '\(column)' (columns: \(available.joined(separator: ", ")))"
        case let .invalidCell(file, line, column, value, expected):
            return "\(file):\(line): column '\(column)': expected \(expected), got '\(value)'"
        case let .shortLine(file, line, cells, expected):
            return "\(file):\(line): expected \(expected) cells, got \(cells)"
        case let .irregularTimestamp(file, line, value, expected):
            return "\(file):\(line): timestamp '\(value)': expected \(expected)"
        case let .tooFewPoints(file, count, needed, purpose):
            return "\(file): \(count) intervals, but \(purpose) needs at least \(needed)"
        case let .unwritable(file, reason):
            return "\(file): cannot write: \(reason)"
        }
    }

    /// Same as ``description``, for `localizedDescription`.
    public var errorDescription: String? { description }
}
