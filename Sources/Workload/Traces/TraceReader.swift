import Foundation

/// Streams the records of a trace file one at a time, in any ``TraceFormat``,
/// with times rebased so the first record arrives at 0. Errors name the file
/// and line and say what was expected.
///
/// CSV traces may use `\r\n` line endings, a UTF-8 byte-order mark and
/// RFC 4180 quoted cells (``CSVLine``); any trace may be gzip-compressed
/// (``LineReader``). Token counts are integers from 0 to ``maxTokens``;
/// timestamps in seconds (CSV) or milliseconds (Mooncake) lie within
/// ±``maxSeconds`` s, Azure times between the years 1970 and 2200.
///
/// ```swift
/// let reader = try TraceReader(path: "AzureLLMInferenceTrace_conv.csv", format: .azure)
/// while let r = try reader.next() { ... }
/// ```
package final class TraceReader {
    /// The format being read.
    package let format: TraceFormat
    private let lines: LineReader
    private var origin: Double?
    private var lastTime = -Double.infinity
    private var columns = (time: 0, prompt: 1, output: 2)

    /// Largest token count a record may have: ``RequestSize/maxTokens``
    /// (10⁸, above any model's context), so every record the reader returns
    /// fits the engine's fields and its consumers need not check again.
    package static let maxTokens = RequestSize.maxTokens
    /// Largest timestamp magnitude, in seconds (10¹⁰ s, about 317 years).
    package static let maxSeconds = 1e10

    /// Opens a trace; reads the header line of CSV formats.
    package init(path: String, format: TraceFormat) throws {
        self.format = format
        self.lines = try LineReader(path: path)
        switch format {
        case .azure, .csv:
            guard let header = try lines.next() else { throw WorkloadError(path, "the trace is empty (expected a header line)") }
            let names = try CSVLine.cells(header, at: lines.location).map { $0.lowercased() }
            let wanted = format == .azure
                ? ["timestamp", "contexttokens", "generatedtokens"]
                : ["timestamp", "prompt_tokens", "output_tokens"]
            var found: [Int] = []
            for name in wanted {
                guard let i = names.firstIndex(of: name) else {
                    throw WorkloadError(lines.location, "missing column '\(name)' (expected a header with \(wanted.joined(separator: ",")))")
                }
                found.append(i)
            }
            columns = (found[0], found[1], found[2])
        case .mooncake:
            break
        }
    }

    /// The next record, or `nil` at the end. Blank lines are skipped.
    package func next() throws -> TraceRecord? {
        while let line = try lines.next() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            var record = try parse(line)
            if origin == nil { origin = record.time }
            record.time -= origin!
            guard record.time >= lastTime else {
                throw WorkloadError(lines.location, "timestamps must not decrease (this one is \(record.time) s after the first, the previous \(lastTime) s)")
            }
            lastTime = record.time
            return record
        }
        return nil
    }

    /// Reads every remaining record (for size distributions and tests).
    package func readAll() throws -> [TraceRecord] {
        var out: [TraceRecord] = []
        while let r = try next() { out.append(r) }
        return out
    }

    private func parse(_ line: Substring) throws -> TraceRecord {
        switch format {
        case .azure, .csv:
            let cells = try CSVLine.cells(line, at: lines.location)
            let need = max(columns.time, columns.prompt, columns.output) + 1
            guard cells.count >= need else {
                throw WorkloadError(lines.location, "expected \(need) comma-separated cells, found \(cells.count)")
            }
            let time = format == .azure
                ? try parseAzureTimestamp(cells[columns.time])
                : try number(cells[columns.time], "timestamp")
            return TraceRecord(time: time, promptTokens: try tokens(cells[columns.prompt], format == .azure ? "ContextTokens" : "prompt_tokens"),
                               outputTokens: try tokens(cells[columns.output], format == .azure ? "GeneratedTokens" : "output_tokens"))
        case .mooncake:
            return try parseMooncake(line)
        }
    }

    private func number(_ cell: String, _ column: String) throws -> Double {
        guard let v = Double(cell), v.isFinite, abs(v) <= Self.maxSeconds else {
            throw WorkloadError(lines.location, "column '\(column)': expected a number of seconds within ±1e10, got '\(cell)'")
        }
        return v
    }

    private func tokens(_ cell: String, _ column: String) throws -> Int {
        guard let v = Int(cell), v >= 0, v <= Self.maxTokens else {
            throw WorkloadError(lines.location, "column '\(column)': expected a token count from 0 to \(Self.maxTokens), got '\(cell)'")
        }
        return v
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.fffffff]` into seconds since 1970 (UTC).
    private func parseAzureTimestamp(_ cell: String) throws -> Double {
        let s = Array(cell.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let d = Int(s[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard s.count >= 19, s[4] == 45, s[7] == 45, s[10] == 32 || s[10] == 84, s[13] == 58, s[16] == 58,
              let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2),
              let h = digits(11, 2), let mi = digits(14, 2), let se = digits(17, 2),
              h < 24, mi < 60, se < 61
        else {
            throw WorkloadError(lines.location, "column 'TIMESTAMP': expected 'YYYY-MM-DD HH:MM:SS.fffffff', got '\(cell)'")
        }
        guard CivilDate.isValid(year: y, month: mo, day: d), (1970..<2200).contains(y) else {
            throw WorkloadError(lines.location, "column 'TIMESTAMP': \(String(cell.prefix(10))) is not a date between 1970 and 2199, got '\(cell)'")
        }
        var fraction = 0.0
        if s.count > 20 && s[19] == 46 {
            var scale = 0.1
            for c in s[20...] {
                let digit = Int(c) - 48
                guard digit >= 0 && digit <= 9 else {
                    throw WorkloadError(lines.location, "column 'TIMESTAMP': bad fractional seconds in '\(cell)'")
                }
                fraction += Double(digit) * scale
                scale /= 10
            }
        }
        return Double(CivilDate.daysFromCivil(year: y, month: mo, day: d)) * 86_400
            + Double(h * 3600 + mi * 60 + se) + fraction
    }

    /// Parses one Mooncake JSON line (keys `timestamp` in ms, `input_length`,
    /// `output_length`, optional `hash_ids`).
    private func parseMooncake(_ line: Substring) throws -> TraceRecord {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw WorkloadError(lines.location, "expected one JSON object per line")
        }
        func int(_ key: String) throws -> Int {
            guard let v = object[key] as? NSNumber, v.doubleValue >= 0, v.doubleValue <= Double(Self.maxTokens),
                  v.doubleValue == v.doubleValue.rounded() else {
                throw WorkloadError(lines.location, "key '\(key)': expected an integer from 0 to \(Self.maxTokens), got \(object[key].map { "\($0)" } ?? "nothing")")
            }
            return v.intValue
        }
        guard let ts = object["timestamp"] as? NSNumber, ts.doubleValue.isFinite, abs(ts.doubleValue) <= Self.maxSeconds * 1000 else {
            throw WorkloadError(lines.location, "key 'timestamp': expected milliseconds as a number within ±1e13, got \(object["timestamp"].map { "\($0)" } ?? "nothing")")
        }
        var blocks: [Int] = []
        if let ids = object["hash_ids"], !(ids is NSNull) {
            guard let list = ids as? [NSNumber],
                  list.allSatisfy({ $0.doubleValue.isFinite && abs($0.doubleValue) < 9e15 && $0.doubleValue == $0.doubleValue.rounded() }) else {
                throw WorkloadError(lines.location, "key 'hash_ids': expected a list of integers")
            }
            blocks = list.map(\.intValue)
        }
        return TraceRecord(time: ts.doubleValue / 1000, promptTokens: try int("input_length"),
                           outputTokens: try int("output_length"), prefixBlocks: blocks)
    }
}
