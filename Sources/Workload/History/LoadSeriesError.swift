import Foundation

/// Why a history CSV could not be read or written; each case names the file,
/// the line or column, the bad value and what was expected.
package enum LoadSeriesError: Error, Equatable, LocalizedError, CustomStringConvertible {
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
    /// A line that is not CSV (a quoted cell left open).
    case malformedLine(file: String, line: Int, reason: String)
    /// The interval, given or inferred, is outside what a history may have.
    case invalidInterval(file: String, seconds: Double, inferred: Bool)
    /// The rows and the missing intervals between them exceed the longest history read.
    case tooManyIntervals(file: String, line: Int, limit: Int)
    /// Every interval is missing: there is nothing to forecast or plan from.
    case noData(file: String)

    /// The message the CLI prints: `file:line: column 'x': expected ..., got '...'` and the like.
    package var description: String {
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
        case let .malformedLine(file, line, reason):
            return "\(file):\(line): \(reason)"
        case let .invalidInterval(file, seconds, inferred):
            return "\(file): interval \(seconds) s\(inferred ? " (the median gap between rows)" : ""): expected "
                + "at least 1 s and at most 366 days"
        case let .tooManyIntervals(file, line, limit):
            return "\(file):\(line): the history reaches more than \(limit) intervals here (rows and the missing "
                + "intervals between them); expected at most \(limit)"
        case let .noData(file):
            return "\(file): no data: every interval is missing (an empty count, a zero_windows cell > 0, "
                + "or a 0 read as missing)"
        }
    }

    /// Same as ``description``, for `localizedDescription`.
    package var errorDescription: String? { description }
}
