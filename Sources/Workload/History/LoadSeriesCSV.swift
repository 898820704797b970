import Foundation

/// Reads and writes history CSVs: a timestamp column, a count column per
/// interval, and optional exogenous columns.
///
/// **Format**: one row per line, `\n` or `\r\n` endings, an optional UTF-8
/// byte-order mark, RFC 4180 quoted cells (``CSVLine``); a gzip-compressed
/// file is read as it is decompressed (``LineReader``).
///
/// **Timestamps** are ISO-8601 (`2024-01-01T13:00:00Z`, `2024-01-01 13:00`,
/// an optional `±HH:MM` offset; no offset means UTC) or seconds. Seconds of
/// 10⁹ or more are Unix time; smaller values are relative and are placed on
/// the calendar with `0` = Monday 2024-01-01 00:00 UTC (ServeGen's convention:
/// hour of day is real, day of week is relative). Every time must fall in
/// 1970-01-01 ... 2199-12-31 (``earliestTime`` ..< ``latestTime``); a date
/// that does not exist (February 30) is refused.
///
/// **Interval**: given, or inferred as the median gap between rows; from
/// ``minInterval`` (1 s) to ``maxInterval`` (366 days). A gap of k intervals
/// inserts k − 1 missing intervals, at most ``maxGap`` per gap, and the
/// whole series holds at most ``maxIntervals``: the memory a history takes
/// follows its rows, never a timestamp's magnitude.
///
/// **Counts** are numbers from 0 to ``maxCount``; exogenous values lie within
/// ±``maxCount``.
///
/// **Missing intervals**: an empty count cell, a `zero_windows` cell > 0
/// (ServeGen hourly files), or, with `zeroIsMissing`, a count of exactly 0.
/// A history whose every interval is missing is refused.
///
/// ```swift
/// var options = LoadSeriesCSV.Options()
/// options.exogenousColumns = ["holiday"]
/// let series = try LoadSeriesCSV.read(path: "history.csv", options: options)
/// ```
package enum LoadSeriesCSV {
    /// How to read a history file.
    package struct Options: Sendable, Equatable {
        /// Timestamp column; `nil` picks the first of `timestamp`, `timestamp_s`, `time`, `ts`, `date`.
        package var timestampColumn: String?
        /// Count column; `nil` picks the first of `requests`, `count`, `value`, `y`.
        package var countColumn: String?
        /// Columns to carry as exogenous inputs (empty cells read as 0).
        package var exogenousColumns: [String] = []
        /// Interval in seconds; `nil` infers it.
        package var interval: Double?
        /// Treat a count of exactly 0 as a missing interval.
        package var zeroIsMissing = false

        /// Default options.
        package init() {}
    }

    /// Seconds from 1970-01-01 to Monday 2024-01-01 00:00 UTC, where relative timestamps start.
    package static let relativeEpoch = 1_704_067_200.0
    /// Earliest time a history may hold: 1970-01-01 00:00 UTC.
    package static let earliestTime = 0.0
    /// End of the times a history may hold: 2200-01-01 00:00 UTC (exclusive).
    package static let latestTime = Double(CivilDate.daysFromCivil(year: 2200, month: 1, day: 1)) * 86_400
    /// Shortest interval: 1 s.
    package static let minInterval = 1.0
    /// Longest interval: 366 days.
    package static let maxInterval = 366 * 86_400.0
    /// Most intervals a history may hold, missing ones included (10⁷: 19 years of minutes).
    package static let maxIntervals = 10_000_000
    /// Most missing intervals one gap between consecutive rows may insert (10⁶).
    package static let maxGap = 1_000_000
    /// Largest count (or exogenous value magnitude) per interval: 10¹².
    package static let maxCount = 1e12

    static let timestampNames = ["timestamp", "timestamp_s", "time", "ts", "date"]
    static let countNames = ["requests", "count", "value", "y"]

    /// Reads the file at `path` (plain or gzip-compressed), streaming its lines.
    package static func read(path: String, options: Options = Options()) throws -> LoadSeries {
        let reader: LineReader
        do {
            reader = try LineReader(path: path)
        } catch let error as WorkloadError {
            throw LoadSeriesError.unreadable(file: path, reason: error.message.replacingOccurrences(of: "cannot read: ", with: ""))
        }
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
        name = (name as NSString).deletingPathExtension
        return try parse(lines: {
            do {
                guard let line = try reader.next() else { return nil }
                return (reader.lineNumber, line)
            } catch let error as WorkloadError {
                throw LoadSeriesError.unreadable(file: error.location, reason: error.message)
            }
        }, file: path, name: name, options: options)
    }

    /// Parses CSV text; `file` is used in error messages only.
    package static func parse(text: String, file: String, name: String? = nil,
                             options: Options = Options()) throws -> LoadSeries {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .makeIterator()
        var number = 0
        return try parse(lines: {
            guard let line = lines.next() else { return nil }
            number += 1
            return (number, line)
        }, file: file, name: name, options: options)
    }

    /// Parses lines handed out by `nextLine` (its number and text, without the line ending).
    static func parse(lines nextLine: () throws -> (Int, Substring)?, file: String, name: String?,
                      options: Options) throws -> LoadSeries {
        if let interval = options.interval, !(interval >= minInterval && interval <= maxInterval) {
            throw LoadSeriesError.invalidInterval(file: file, seconds: interval, inferred: false)
        }
        func cells(_ number: Int, _ line: Substring) throws -> [String]? {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return nil }
            guard let cells = CSVLine.split(line) else {
                throw LoadSeriesError.malformedLine(file: file, line: number, reason: CSVLine.unterminatedQuote)
            }
            return cells
        }
        var headerCells: [String]?
        while headerCells == nil, case let (number, line)? = try nextLine() { headerCells = try cells(number, line) }
        guard let headerCells else { throw LoadSeriesError.empty(file: file) }
        let columns = headerCells.map { $0.lowercased() }
        func column(_ wanted: String?, defaults: [String]) throws -> Int {
            if let wanted {
                guard let i = columns.firstIndex(of: wanted.lowercased()) else {
                    throw LoadSeriesError.missingColumn(file: file, column: wanted, available: headerCells)
                }
                return i
            }
            for d in defaults { if let i = columns.firstIndex(of: d) { return i } }
            throw LoadSeriesError.missingColumn(file: file, column: defaults.joined(separator: "|"), available: headerCells)
        }
        let tCol = try column(options.timestampColumn, defaults: timestampNames)
        let yCol = try column(options.countColumn, defaults: countNames)
        let zeroWindowsCol = columns.firstIndex(of: "zero_windows")
        let exoCols = try options.exogenousColumns.map { try column($0, defaults: []) }

        var times: [Double] = [], values: [Double] = [], missing: [Bool] = [], lineOf: [Int] = [], timeTexts: [String] = []
        var exo = Array(repeating: [Double](), count: exoCols.count)
        let needed = ([tCol, yCol] + exoCols + (zeroWindowsCol.map { [$0] } ?? [])).max()! + 1
        while case let (number, line)? = try nextLine() {
            guard let cells = try cells(number, line) else { continue }
            guard cells.count >= needed else {
                throw LoadSeriesError.shortLine(file: file, line: number, cells: cells.count, expected: headerCells.count)
            }
            guard times.count < maxIntervals else {
                throw LoadSeriesError.tooManyIntervals(file: file, line: number, limit: maxIntervals)
            }
            let tText = cells[tCol]
            guard let raw = parseTimestampUnchecked(tText) else {
                throw LoadSeriesError.invalidCell(file: file, line: number, column: headerCells[tCol], value: tText,
                                                  expected: "an ISO-8601 time (a date that exists) or seconds")
            }
            guard raw >= earliestTime && raw < latestTime else {
                throw LoadSeriesError.invalidCell(file: file, line: number, column: headerCells[tCol], value: tText,
                                                  expected: "a time from 1970-01-01 to 2199-12-31 (seconds below 1e9 count from "
                                                      + "2024-01-01, from 1e9 up are Unix time, at most 7258118399)")
            }
            let yText = cells[yCol]
            var isMissing = false
            var y = 0.0
            if yText.isEmpty {
                isMissing = true
            } else if let v = Double(yText), v.isFinite, v >= 0, v <= maxCount {
                y = v
                if options.zeroIsMissing && v == 0 { isMissing = true }
            } else {
                throw LoadSeriesError.invalidCell(file: file, line: number, column: headerCells[yCol], value: yText,
                                                  expected: Double(yText) == nil ? "a number" : "a number from 0 to 1e12")
            }
            if let z = zeroWindowsCol, !cells[z].isEmpty {
                guard let zw = Double(cells[z]), zw.isFinite else {
                    throw LoadSeriesError.invalidCell(file: file, line: number, column: headerCells[z], value: cells[z],
                                                      expected: "a number")
                }
                if zw > 0 { isMissing = true }
            }
            for (k, c) in exoCols.enumerated() {
                let text = cells[c]
                if text.isEmpty { exo[k].append(0); continue }
                guard let v = Double(text), v.isFinite, abs(v) <= maxCount else {
                    throw LoadSeriesError.invalidCell(file: file, line: number, column: headerCells[c], value: text,
                                                      expected: Double(text) == nil ? "a number" : "a number within ±1e12")
                }
                exo[k].append(v)
            }
            times.append(raw); values.append(y); missing.append(isMissing); lineOf.append(number); timeTexts.append(tText)
        }
        guard !times.isEmpty else { throw LoadSeriesError.empty(file: file) }
        return try regularise(file: file, name: name ?? file, times: times, values: values, missing: missing,
                              exogenousNames: exoCols.map { headerCells[$0] }, exogenous: exo,
                              lineOf: lineOf, timeTexts: timeTexts, interval: options.interval)
    }

    /// Puts rows on a regular grid, inserting missing intervals for gaps.
    static func regularise(file: String, name: String, times: [Double], values: [Double], missing: [Bool],
                           exogenousNames: [String], exogenous: [[Double]], lineOf: [Int], timeTexts: [String],
                           interval given: Double?) throws -> LoadSeries {
        var gaps: [Double] = []
        for i in 1..<max(1, times.count) {
            let d = times[i] - times[i - 1]
            guard d > 0 else {
                throw LoadSeriesError.irregularTimestamp(file: file, line: lineOf[i], value: timeTexts[i],
                                                         expected: "a time after the previous row's")
            }
            gaps.append(d)
        }
        let interval: Double
        if let given {
            interval = given
        } else if gaps.isEmpty {
            throw LoadSeriesError.tooFewPoints(file: file, count: times.count, needed: 2, purpose: "inferring the interval")
        } else {
            interval = gaps.sorted()[gaps.count / 2]
        }
        guard interval >= minInterval && interval <= maxInterval else {
            throw LoadSeriesError.invalidInterval(file: file, seconds: interval, inferred: given == nil)
        }
        // Steps between rows, checked before anything is allocated for them.
        var steps = [Int](repeating: 1, count: times.count)
        var total = times.isEmpty ? 0 : 1
        for i in 1..<max(1, times.count) {
            let exact = (times[i] - times[i - 1]) / interval
            guard exact <= Double(maxGap + 1) else {
                throw LoadSeriesError.irregularTimestamp(
                    file: file, line: lineOf[i], value: timeTexts[i],
                    expected: "at most \(maxGap) missing intervals after the previous row (this gap spans "
                        + "\(String(format: "%.3g", exact)) intervals of \(formatSeconds(interval)))")
            }
            let k = Int(exact.rounded())
            guard k >= 1, abs(exact - Double(k)) < 1e-6 * max(1, exact) else {
                throw LoadSeriesError.irregularTimestamp(
                    file: file, line: lineOf[i], value: timeTexts[i],
                    expected: "a whole number of \(formatSeconds(interval)) intervals after the previous row")
            }
            total += k
            guard total <= maxIntervals else {
                throw LoadSeriesError.tooManyIntervals(file: file, line: lineOf[i], limit: maxIntervals)
            }
            steps[i] = k
        }
        guard missing.contains(false) else { throw LoadSeriesError.noData(file: file) }
        var ts: [Double] = [], ys: [Double] = [], ms: [Bool] = []
        ts.reserveCapacity(total); ys.reserveCapacity(total); ms.reserveCapacity(total)
        var ex = Array(repeating: [Double](), count: exogenous.count)
        for c in ex.indices { ex[c].reserveCapacity(total) }
        for i in times.indices {
            if i > 0 {
                for j in 1..<steps[i] {
                    ts.append(times[i - 1] + Double(j) * interval); ys.append(0); ms.append(true)
                    for c in ex.indices { ex[c].append(0) }
                }
            }
            ts.append(times[i]); ys.append(values[i]); ms.append(missing[i])
            for c in ex.indices { ex[c].append(exogenous[c][i]) }
        }
        return LoadSeries(name: name, timestamps: ts, interval: interval, values: ys, missing: ms,
                          exogenousNames: exogenousNames, exogenous: ex)
    }

    /// Writes `series` as CSV (`timestamp,requests[,exogenous...]`, ISO-8601
    /// UTC times, missing counts as empty cells) to a temporary file renamed
    /// into place.
    package static func write(_ series: LoadSeries, to path: String) throws {
        try AtomicFile.write(render(series), to: path)
    }

    /// The CSV text `write` produces.
    package static func render(_ series: LoadSeries) -> String {
        var out = (["timestamp", "requests"] + series.exogenousNames).joined(separator: ",") + "\n"
        for t in 0..<series.count {
            var cells = [formatISO8601(series.timestamps[t]), series.missing[t] ? "" : formatNumber(series.values[t])]
            for column in series.exogenous { cells.append(formatNumber(column[t])) }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Seconds since 1970 for an ISO-8601 time or a number of seconds (see
    /// the type's notes), or `nil` when it is neither or lies outside
    /// 1970-01-01 ..< 2200-01-01.
    package static func parseTimestamp(_ text: String) -> Double? {
        guard let t = parseTimestampUnchecked(text), t >= earliestTime, t < latestTime else { return nil }
        return t
    }

    /// ``parseTimestamp(_:)`` without the range check.
    static func parseTimestampUnchecked(_ text: String) -> Double? {
        if let s = Double(text) {
            guard s.isFinite else { return nil }
            return s >= 1e9 ? s : s + relativeEpoch
        }
        return parseISO8601(text)
    }

    /// Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]`; no offset means UTC.
    static func parseISO8601(_ text: String) -> Double? {
        let u = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= u.count else { return nil }
            var v = 0
            for k in 0..<digits {
                let c = u[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += digits
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < u.count, u[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              CivilDate.isValid(year: year, month: month, day: day) else { return nil }
        var seconds = Double(CivilDate.daysFromCivil(year: year, month: month, day: day)) * 86_400
        if i < u.count && (u[i] == 84 || u[i] == 32) {
            i += 1
            guard let hour = number(2), expect(58), let minute = number(2), hour < 24, minute < 60 else { return nil }
            seconds += Double(hour * 3600 + minute * 60)
            if expect(58) {
                guard let sec = number(2), sec < 61 else { return nil }
                seconds += Double(sec)
                if expect(46) {
                    var scale = 0.1
                    var any = false
                    while i < u.count, u[i] >= 48, u[i] <= 57 {
                        seconds += Double(u[i] - 48) * scale; scale /= 10; i += 1; any = true
                    }
                    guard any else { return nil }
                }
            }
        }
        if i < u.count {
            if u[i] == 90 {  // Z
                i += 1
            } else if u[i] == 43 || u[i] == 45 {  // + or -
                let sign = u[i] == 43 ? 1.0 : -1.0
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(58)
                guard let om = number(2) else { return nil }
                seconds -= sign * Double(oh * 3600 + om * 60)
            }
        }
        return i == u.count ? seconds : nil
    }

    /// An ISO-8601 UTC time (`2024-01-01T13:00:00Z`) for seconds since 1970.
    package static func formatISO8601(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let rest = whole - days * 86_400
        let (y, m, d) = civilFromDays(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }

    static func formatNumber(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    static func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s))-s" : "\(s)-s"
    }

    /// The date of a day count since 1970-01-01.
    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
