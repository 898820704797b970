import Calibration
import Foundation
import ServingModel
import Workload

/// Reads the two inputs of `headroom calibrate`, reporting every bad cell as
/// `FILE:LINE: column 'NAME': expected ..., got '...'` (up to 20 problems,
/// all in one ``ScenarioError``). Blank lines and lines starting with `#`
/// are skipped; the header names the columns, in any order.
///
/// - Measured iterations, `prefill_tokens,decode_sequences,kv_tokens,prefill_pairs,iteration_seconds`
///   (the `models/hardware/*_iterations.csv` format): see ``iterations(path:)``.
/// - Serving observations, `offered_rps,ttft_p50,tpot_p50[,ttft_p90,tpot_p90,ttft_p99,tpot_p99,ttft_p999,tpot_p999]`:
///   see ``observations(path:)``.
public enum CalibrationCSV {
    /// The columns of a measured-iterations file, in the order written.
    public static let iterationColumns = ["prefill_tokens", "decode_sequences", "kv_tokens", "prefill_pairs", "iteration_seconds"]

    /// Most problems reported from one file.
    static let maxIssues = 20

    /// Reads measured iterations. Token counts are integers >= 0,
    /// `prefill_pairs` a number >= 0, `iteration_seconds` a duration > 0
    /// (seconds, or with a unit such as `9.7ms`); a row needs at least one
    /// batched token.
    public static func iterations(path: String) throws -> [IterationTimeFit.Sample] {
        var samples: [IterationTimeFit.Sample] = []
        try read(path: path, required: iterationColumns, optional: []) { row in
            let prefill = row.count("prefill_tokens"), decode = row.count("decode_sequences")
            let kv = row.count("kv_tokens")
            let pairs = row.number("prefill_pairs")
            let seconds = row.duration("iteration_seconds")
            if let prefill, let decode, prefill + decode == 0 {
                row.fail("decode_sequences", "expected prefill_tokens + decode_sequences >= 1 (an iteration batches at least one token)", got: "0")
            }
            if let prefill, let decode, let kv, let pairs, let seconds, prefill + decode > 0 {
                samples.append(.init(prefillTokens: prefill, decodeSequences: decode, kvTokens: kv,
                                     prefillPairs: pairs, seconds: seconds))
            }
        }
        return samples
    }

    /// The latency columns an observations file may have, `ttft_p50` ... `tpot_p999`.
    public static var observationColumns: [String] {
        ServingCalibration.Percentile.allCases.flatMap { p in
            ServingCalibration.Metric.allCases.map { "\($0.rawValue)_\(p.rawValue)" }
        }
    }

    /// Reads serving observations: `offered_rps` a rate > 0 (requests per
    /// second, or with a unit such as `720/min`), latency percentiles
    /// durations > 0 (seconds, or `250ms`). `ttft_p50` and `tpot_p50` are
    /// required; the other percentile columns are optional and may be left
    /// empty in a row.
    public static func observations(path: String) throws -> [ServingCalibration.Observation] {
        var rows: [ServingCalibration.Observation] = []
        let optional = observationColumns.filter { $0 != "ttft_p50" && $0 != "tpot_p50" }
        try read(path: path, required: ["offered_rps", "ttft_p50", "tpot_p50"], optional: optional) { row in
            let rate = row.rate("offered_rps")
            var targets: [ServingCalibration.Target] = []
            var complete = true
            for p in ServingCalibration.Percentile.allCases {
                for m in ServingCalibration.Metric.allCases {
                    let name = "\(m.rawValue)_\(p.rawValue)"
                    guard p == .p50 || row.has(name) else { continue }
                    guard let v = row.duration(name) else { complete = false; continue }
                    targets.append(.init(metric: m, percentile: p, seconds: v))
                }
            }
            if let rate, complete { rows.append(.init(offeredRate: rate, targets: targets)) }
        }
        return rows
    }

    /// One data row: its cells by column, converting values and recording problems.
    final class Row {
        let file: String
        let line: Int
        let cells: [String: String]
        private(set) var issues: [ScenarioIssue] = []

        init(file: String, line: Int, cells: [String: String]) {
            self.file = file
            self.line = line
            self.cells = cells
        }

        /// Records a problem in `column`.
        func fail(_ column: String, _ expected: String, got text: String) {
            issues.append(ScenarioIssue(file: file, line: line, key: "column '\(column)'", message: "\(expected), got '\(text)'"))
        }

        /// Whether `column` has a value (optional columns may be empty).
        func has(_ column: String) -> Bool { !(cells[column] ?? "").isEmpty }

        func value<T>(_ column: String, _ expected: String, _ parse: (String) -> T?) -> T? {
            let text = cells[column] ?? ""
            guard let v = parse(text) else {
                fail(column, "expected \(expected)", got: text)
                return nil
            }
            return v
        }

        /// An integer >= 0 (a whole number such as `64.0` is accepted).
        func count(_ column: String) -> Int? {
            value(column, "an integer >= 0") { text in
                if let i = Int(text) { return i >= 0 ? i : nil }
                guard let d = Double(text), d.isFinite, d >= 0, d == d.rounded(), d < 1e15 else { return nil }
                return Int(d)
            }
        }

        /// A finite number >= 0.
        func number(_ column: String) -> Double? {
            value(column, "a number >= 0") { Double($0).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
        }

        /// A duration > 0 in seconds.
        func duration(_ column: String) -> Double? {
            value(column, "a duration > 0 in seconds (or with a unit such as 250ms)") { Units.duration($0).flatMap { $0 > 0 ? $0 : nil } }
        }

        /// A rate > 0 in requests per second.
        func rate(_ column: String) -> Double? {
            value(column, "a rate > 0 in requests per second (or with a unit such as 720/min)") { Units.rate($0).flatMap { $0 > 0 ? $0 : nil } }
        }
    }

    /// Streams `path`: checks the header has every `required` column and no
    /// column outside `required` + `optional`, then hands each data row to
    /// `handle`. Throws every problem found (at most ``maxIssues``).
    static func read(path: String, required: [String], optional: [String], _ handle: (Row) -> Void) throws {
        let reader: LineReader
        do {
            reader = try LineReader(path: path)
        } catch let error as WorkloadError {
            throw ScenarioError(issues: [ScenarioIssue(file: path, line: nil, key: "", message: error.message)])
        }
        var header: [String]?
        var issues: [ScenarioIssue] = []
        var dataRows = 0
        let known = required + optional
        while let raw = reader.next(), issues.count < maxIssues {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let columns = header else {
                let expected = "(expected \(required.joined(separator: ","))\(optional.isEmpty ? "" : " and optionally \(optional.joined(separator: ","))"))"
                for name in fields where !known.contains(name) {
                    issues.append(ScenarioIssue(file: path, line: reader.lineNumber, key: "header", message: "unknown column '\(name)' \(expected)"))
                }
                for name in required where !fields.contains(name) {
                    issues.append(ScenarioIssue(file: path, line: reader.lineNumber, key: "header", message: "missing column '\(name)' \(expected)"))
                }
                for name in Set(fields).sorted() where fields.filter({ $0 == name }).count > 1 {
                    issues.append(ScenarioIssue(file: path, line: reader.lineNumber, key: "header", message: "column '\(name)' appears more than once"))
                }
                if !issues.isEmpty { throw ScenarioError(issues: issues) }
                header = fields
                continue
            }
            guard fields.count == columns.count else {
                issues.append(ScenarioIssue(file: path, line: reader.lineNumber, key: "",
                                            message: "expected \(columns.count) comma-separated values (\(columns.joined(separator: ","))), got \(fields.count)"))
                continue
            }
            let row = Row(file: path, line: reader.lineNumber, cells: Dictionary(uniqueKeysWithValues: zip(columns, fields)))
            handle(row)
            issues += row.issues
            dataRows += 1
        }
        if header == nil {
            issues.append(ScenarioIssue(file: path, line: nil, key: "", message: "empty file; expected a header line \(required.joined(separator: ","))"))
        } else if dataRows == 0 && issues.isEmpty {
            issues.append(ScenarioIssue(file: path, line: nil, key: "", message: "no data rows after the header"))
        }
        if !issues.isEmpty { throw ScenarioError(issues: Array(issues.prefix(maxIssues))) }
    }
}
