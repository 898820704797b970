import Foundation

/// Reads a Grafana panel's CSV export (Inspect → Data → Download CSV): a
/// `Time` column and one value column, as Grafana's `toCSV` writes them:
///
/// ```csv
/// "Time","sum(rate(vllm:request_success_total[5m]))"
/// 1704067500000,205.35
/// ```
///
/// - An optional byte-order mark and `sep=,` line (Download for Excel);
///   quoted or bare cells; `\r\n` or `\n` line ends.
/// - `Time`: epoch milliseconds (Formatted data off), epoch seconds, or
///   ISO-8601 (`2024-01-01T00:00:00+02:00`, `2024-01-01 00:00:00`) — a time
///   without an offset is read in `--timezone`, else as UTC, with a note.
///   Each time is the end of the window its value covers, as Prometheus
///   stamps `rate()` and `increase()`.
/// - One value column: plain numbers (a formatted value such as `205 req/s`
///   is refused: export with Formatted data off); an empty cell, `NaN` or
///   `±Inf` is missing. Its header (the series name or the query) says what
///   the values are when it can (``HistoryValues/infer(from:)``).
///
/// A file is taken for a Grafana export when it starts with `sep=` or its
/// header is exactly `Time` and one other column (``looksLikeGrafana(header:)``).
package enum GrafanaCSV {
    /// Whether a header line (cells) is a Grafana export's.
    package static func looksLikeGrafana(header cells: [String]) -> Bool {
        cells.count == 2 && cells[0] == "Time"
    }

    /// Reads the export at `path`; `zone` (`--timezone`) places times written without an offset.
    package static func read(path: String, zone given: HistoryTimeZone?) throws -> HistorySamples {
        let reader: LineReader
        do {
            reader = try LineReader(path: path)
        } catch let error as WorkloadError {
            throw HistoryFormatError(file: path, error.message)
        }
        var lines: [(Int, Substring)] = []
        do {
            while let line = try reader.next() {
                lines.append((reader.lineNumber, line))
                guard lines.count <= LoadSeriesCSV.maxIntervals else {
                    throw HistoryFormatError(file: path, location: "\(reader.lineNumber)", "expected at most \(LoadSeriesCSV.maxIntervals) rows")
                }
            }
        } catch let error as WorkloadError {
            throw HistoryFormatError(file: path, error.message)
        }
        return try parse(lines: lines, file: path, zone: given)
    }

    /// Parses CSV text; `file` names it in errors.
    package static func parse(text: String, file: String, zone: HistoryTimeZone?) throws -> HistorySamples {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        return try parse(lines: lines.enumerated().map { ($0.offset + 1, $0.element) }, file: file, zone: zone)
    }

    static func parse(lines: [(Int, Substring)], file: String, zone given: HistoryTimeZone?) throws -> HistorySamples {
        func fail(_ line: Int, _ message: String) -> HistoryFormatError { HistoryFormatError(file: file, location: "\(line)", message) }
        var i = 0
        func skipBlank() { while i < lines.count, lines[i].1.allSatisfy({ $0 == " " || $0 == "\t" }) { i += 1 } }
        skipBlank()
        if i < lines.count, lines[i].1.hasPrefix("sep=") { i += 1; skipBlank() }
        guard i < lines.count, let header = CSVLine.split(lines[i].1) else {
            throw HistoryFormatError(file: file, "expected a header line (\"Time\",\"<series>\"), got none")
        }
        let headerLine = lines[i].0
        guard header.count == 2, header[0] == "Time" else {
            throw fail(headerLine, "expected a Time column and one value column, got \(header.count) columns (\(header.joined(separator: ", ")))"
                       + (header.count > 2 ? ": export one series (sum them in the query), or pick one with Grafana's 'Filter by name' transformation" : ""))
        }
        i += 1
        var times: [Double] = [], values: [Double] = [], locations: [String] = []
        var zone: HistoryTimeZone?
        var zoneless = 0, nonFinite = 0
        while i < lines.count {
            let (number, line) = lines[i]
            i += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            guard let cells = CSVLine.split(line) else { throw fail(number, CSVLine.unterminatedQuote) }
            guard cells.count == 2 else { throw fail(number, "expected 2 cells (Time, value), got \(cells.count)") }
            let tText = cells[0]
            let t: Double
            if let n = Double(tText), n.isFinite {
                if n >= 1e11 { t = n / 1000 } else if n >= 1e9 { t = n } else {
                    throw fail(number, "column 'Time': expected epoch milliseconds, Unix seconds or an ISO-8601 time, got '\(tText)'")
                }
            } else if let parsed = LoadSeriesCSV.parseISO8601(tText) {
                if let offset = offset(of: tText) {
                    if zone == nil { zone = HistoryTimeZone(offset: offset) }
                    t = parsed
                } else {
                    zoneless += 1
                    t = (given ?? .utc).utc(fromLocal: parsed)
                }
            } else {
                throw fail(number, "column 'Time': expected epoch milliseconds, Unix seconds or an ISO-8601 time (a date that exists), got '\(tText)'")
            }
            guard t >= LoadSeriesCSV.earliestTime && t < LoadSeriesCSV.latestTime else {
                throw fail(number, "column 'Time': expected a time from 1970 to 2199, got '\(tText)'")
            }
            let vText = cells[1]
            let v: Double
            switch vText {
            case "", "NaN", "nan", "+Inf", "-Inf", "Inf", "null", "undefined": v = .nan; nonFinite += 1
            default:
                guard let d = Double(vText), d.isFinite else {
                    throw fail(number, "column '\(header[1])': expected a plain number, got '\(vText)'"
                               + (vText.contains(where: \.isLetter) ? " (export with 'Formatted data' off: values carry no units)" : ""))
                }
                v = d
            }
            times.append(t); values.append(v); locations.append("\(number)")
        }
        guard !times.isEmpty else { throw HistoryFormatError(file: file, "expected data lines after the header, got none") }
        var notes: [String] = []
        if zoneless > 0 {
            notes.append(given.map { "\(file): times without an offset are read in \($0)" }
                ?? "\(file): times have no UTC offset: read as UTC (say which zone they are in with --timezone)")
        }
        if nonFinite > 0 { notes.append("\(file): \(nonFinite) values are empty, NaN or ±Inf: read as missing") }
        var name = (file as NSString).lastPathComponent
        if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
        name = (name as NSString).deletingPathExtension
        return HistorySamples(file: file, name: name, label: header[1],
                              series: [.init(labels: header[1], times: times, values: values, locations: locations)],
                              zone: zone ?? (zoneless > 0 ? given : nil), notes: notes)
    }

    /// The UTC offset an ISO-8601 time carries (`Z` → 0, `+02:00` → 7200), or `nil` when none.
    package static func offset(of text: String) -> Double? {
        let u = Array(text.utf8)
        guard u.count > 10 else { return nil }
        if u.last == UInt8(ascii: "Z") { return 0 }
        // ±HH:MM or ±HHMM or ±HH after the time of day.
        for length in [6, 5, 3] where u.count - length > 10 {
            let s = u.count - length
            let sign = u[s]
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { continue }
            let digits = u[(s + 1)...].filter { $0 != UInt8(ascii: ":") }
            guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), let h = Int(String(decoding: digits.prefix(2), as: UTF8.self)) else { continue }
            let m = digits.count == 4 ? Int(String(decoding: digits.suffix(2), as: UTF8.self)) ?? 0 : 0
            return (sign == UInt8(ascii: "+") ? 1 : -1) * Double(h * 3600 + m * 60)
        }
        return nil
    }
}
