import Foundation

/// A CSV file with a header row, read row by row with every problem kept:
/// `FILE:LINE: column 'NAME': expected ..., got '...'` (up to 20, all in one
/// ``InputError``). Blank lines and lines starting with `#` are skipped;
/// the header names the columns, in any order. Lines may end in `\r\n`, the
/// file may start with a UTF-8 byte-order mark or be gzip-compressed
/// (``LineReader``), and cells may be quoted as RFC 4180 says (``CSVLine``).
/// Calibration inputs, replica schedules and reference tables use it.
/// Durations and rates take the units ``Units`` reads.
package enum CSVTable {
    /// Most problems reported from one file.
    static let maxIssues = 20

    /// One data row: its cells by column, converting values and recording problems.
    package final class Row {
        /// The file.
        package let file: String
        /// The row's line in it.
        package let line: Int
        /// Its cells by column name, as written.
        package let cells: [String: String]
        private(set) var issues: [InputIssue] = []

        init(file: String, line: Int, cells: [String: String]) {
            self.file = file
            self.line = line
            self.cells = cells
        }

        /// Records a problem in `column`.
        package func fail(_ column: String, _ expected: String, got text: String) {
            issues.append(InputIssue(file: file, line: line, key: "column '\(column)'", message: "\(expected), got '\(text)'"))
        }

        /// Whether `column` has a value (optional columns may be empty).
        package func has(_ column: String) -> Bool { !(cells[column] ?? "").isEmpty }

        package func value<T>(_ column: String, _ expected: String, _ parse: (String) -> T?) -> T? {
            let text = cells[column] ?? ""
            guard let v = parse(text) else {
                fail(column, "expected \(expected)", got: text)
                return nil
            }
            return v
        }

        /// An integer >= 0 (a whole number such as `64.0` is accepted), at
        /// most `max` when given (so sums of counts cannot overflow).
        package func count(_ column: String, max: Int? = nil) -> Int? {
            value(column, max.map { "an integer from 0 to \($0)" } ?? "an integer >= 0") { text in
                let limit = max ?? Int.max
                if let i = Int(text) { return i >= 0 && i <= limit ? i : nil }
                guard let d = Double(text), d.isFinite, d >= 0, d == d.rounded(), d < 1e15, d <= Double(limit) else { return nil }
                return Int(d)
            }
        }

        /// A finite number >= 0, at most `max` when given.
        package func number(_ column: String, max: Double? = nil) -> Double? {
            value(column, max.map { "a number from 0 to \($0)" } ?? "a number >= 0") {
                Double($0).flatMap { $0.isFinite && $0 >= 0 && $0 <= (max ?? .infinity) ? $0 : nil }
            }
        }

        /// A duration > 0 in seconds, at most a day (a latency or an iteration time).
        package func duration(_ column: String) -> Double? {
            value(column, "a duration > 0 in seconds (or with a unit such as 250ms), at most 1 day") {
                Units.duration($0).flatMap { $0 > 0 && $0 <= 86_400 ? $0 : nil }
            }
        }

        /// A rate > 0 in requests per second, at most 10⁷/s.
        package func rate(_ column: String) -> Double? {
            value(column, "a rate > 0 in requests per second (or with a unit such as 720/min), at most 10000000/s") {
                Units.rate($0).flatMap { $0 > 0 && $0 <= 1e7 ? $0 : nil }
            }
        }
    }

    /// Streams `path`: checks the header has every `required` column and no
    /// column outside `required` + `optional`, then hands each data row to
    /// `handle`. Throws every problem found (at most ``maxIssues``).
    package static func read(path: String, required: [String], optional: [String], _ handle: (Row) -> Void) throws {
        let reader: LineReader
        do {
            reader = try LineReader(path: path)
        } catch let error as WorkloadError {
            throw InputError(issues: [InputIssue(file: path, line: nil, key: "", message: error.message)])
        }
        var header: [String]?
        var issues: [InputIssue] = []
        var dataRows = 0
        let known = required + optional
        while issues.count < maxIssues {
            let raw: Substring?
            do {
                raw = try reader.next()
            } catch let error as WorkloadError {
                throw InputError(issues: issues + [InputIssue(file: error.location, line: nil, key: "", message: error.message)])
            }
            guard let raw else { break }
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let fields = CSVLine.split(line) else {
                issues.append(InputIssue(file: path, line: reader.lineNumber, key: "", message: CSVLine.unterminatedQuote))
                continue
            }
            guard let columns = header else {
                let expected = "(expected \(required.joined(separator: ","))\(optional.isEmpty ? "" : " and optionally \(optional.joined(separator: ","))"))"
                for name in fields where !known.contains(name) {
                    issues.append(InputIssue(file: path, line: reader.lineNumber, key: "header", message: "unknown column '\(name)' \(expected)"))
                }
                for name in required where !fields.contains(name) {
                    issues.append(InputIssue(file: path, line: reader.lineNumber, key: "header", message: "missing column '\(name)' \(expected)"))
                }
                for name in Set(fields).sorted() where fields.filter({ $0 == name }).count > 1 {
                    issues.append(InputIssue(file: path, line: reader.lineNumber, key: "header", message: "column '\(name)' appears more than once"))
                }
                if !issues.isEmpty { throw InputError(issues: issues) }
                header = fields
                continue
            }
            guard fields.count == columns.count else {
                issues.append(InputIssue(file: path, line: reader.lineNumber, key: "",
                                            message: "expected \(columns.count) comma-separated values (\(columns.joined(separator: ","))), got \(fields.count)"))
                continue
            }
            let row = Row(file: path, line: reader.lineNumber, cells: Dictionary(uniqueKeysWithValues: zip(columns, fields)))
            handle(row)
            issues += row.issues
            dataRows += 1
        }
        if header == nil {
            issues.append(InputIssue(file: path, line: nil, key: "", message: "empty file; expected a header line \(required.joined(separator: ","))"))
        } else if dataRows == 0 && issues.isEmpty {
            issues.append(InputIssue(file: path, line: nil, key: "", message: "no data rows after the header"))
        }
        if !issues.isEmpty { throw InputError(issues: Array(issues.prefix(maxIssues))) }
    }
}
