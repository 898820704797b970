import Foundation

/// Reads a `--history` file in whichever of the three formats it is:
///
/// - a Prometheus `query_range` response (JSON; ``PrometheusMatrix``),
/// - a Grafana panel CSV export (`Time` and one value column; ``GrafanaCSV``),
/// - the history CSV (``LoadSeriesCSV``): read exactly as before when its
///   column holds counts.
///
/// and turns its values into requests per interval as ``HistoryValues``
/// says: given (`--history-values`), or inferred from the query or column
/// header when that is unambiguous, and otherwise refused with a message
/// naming `--history-values` — a rate read as a count plans a cluster
/// hundreds of times too small. Everything assumed on the way (the values'
/// meaning, the series summed, the time zone, the resampling) comes back in
/// ``Loaded/notes`` for the command to print on stderr.
package enum HistoryFile {
    /// The three formats.
    package enum Format: String, Sendable {
        case csv, prometheus, grafana
    }

    /// How to read a history.
    package struct Options: Sendable {
        /// The history CSV's columns, interval and missing-value rule.
        package var csv = LoadSeriesCSV.Options()
        /// What the values are (`--history-values`); `nil` infers it or refuses.
        package var values: HistoryValues?
        /// The zone of local days (`--timezone`); `nil`: the history's own offset, else UTC.
        package var zone: HistoryTimeZone?
        /// The planning interval Prometheus and Grafana steps are summed into
        /// (s); `nil`: `csv.interval`, else 1 h (or the step when longer).
        package var interval: Double?
        /// The option that sets `interval` (`--interval`), named in the note on resampling; `nil` names none.
        package var intervalOption: String?

        /// Default options.
        package init() {}
    }

    /// A history read.
    package struct Loaded: Sendable {
        /// Requests per interval.
        package var series: LoadSeries
        /// The format it was in.
        package var format: Format
        /// How its values were read.
        package var values: HistoryValues
        /// The zone its local days are in.
        package var zone: HistoryTimeZone
        /// What was assumed or done, one line each, for stderr.
        package var notes: [String]
    }

    /// Reads `path`.
    package static func read(path: String, options: Options = Options()) throws -> Loaded {
        switch try sniff(path: path) {
        case .prometheus:
            return try fromSamples(PrometheusMatrix.read(path: path), format: .prometheus, options: options)
        case .grafana:
            return try fromSamples(GrafanaCSV.read(path: path, zone: options.zone), format: .grafana, options: options)
        case .csv:
            return try fromCSV(path: path, options: options)
        }
    }

    /// The format of the file at `path`, from its first bytes and header line.
    package static func sniff(path: String) throws -> Format {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoadSeriesError.unreadable(file: path, reason: "no such file or not readable")
        }
        let head = handle.readData(ofLength: 4096)
        try? handle.close()
        var bytes = Array(head)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") { return .prometheus }
        guard let reader = try? LineReader(path: path) else { return .csv }
        while let line = try? reader.next() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if line.hasPrefix("sep=") { return .grafana }
            if let cells = CSVLine.split(line), GrafanaCSV.looksLikeGrafana(header: cells) { return .grafana }
            return .csv
        }
        return .csv
    }

    /// The message that refuses a column whose meaning cannot be told.
    static func refusal(file: String, what: String) -> HistoryFormatError {
        HistoryFormatError(file: file, "\(what) does not say whether its numbers are requests per second, requests per interval or a "
                           + "running counter, and reading one as another plans a cluster hundreds of times too small or large: pass "
                           + "--history-values rate (per-second, e.g. sum(rate(x[5m]))), count (requests in each step or interval, e.g. "
                           + "increase(x[STEP])) or counter (a raw _total counter)")
    }

    static func fromSamples(_ samples: HistorySamples, format: Format, options: Options) throws -> Loaded {
        var notes = samples.notes
        let meaning: HistoryValues
        if let given = options.values {
            meaning = given
        } else if let inferred = HistoryValues.infer(from: samples.label) {
            if inferred.values == .count, let window = inferred.window {
                let step = try samples.step()
                guard abs(window - step) < 1e-6 else {
                    throw HistoryFormatError(file: samples.file,
                                             "'\(samples.label)' counts \(LoadSeriesCSV.formatSeconds(window)) windows sampled every "
                                             + "\(LoadSeriesCSV.formatSeconds(step)): the windows overlap or leave gaps, so the values are not counts per step; "
                                             + "query increase(x[\(Int(step))s]) or rate(x[...]) instead, or pass --history-values to say how to read them")
                }
            }
            meaning = inferred.values
            notes.append("\(samples.file): values read as \(describe(inferred.values)): \(inferred.reason) (--history-values to override)")
        } else {
            let what = format == .prometheus
                ? "the response (its series carry no __name__ ending in _total, and the file holds no \"query\")"
                : "the column '\(samples.label)'"
            throw refusal(file: samples.file, what: what)
        }
        let zone = options.zone ?? samples.zone ?? .utc
        var series = try samples.series(values: meaning, interval: options.interval ?? options.csv.interval, zone: zone)
        let step = try samples.step()
        if series.interval != step {
            notes.append("\(samples.file): \(LoadSeriesCSV.formatSeconds(step)) steps summed into \(LoadSeriesCSV.formatSeconds(series.interval)) intervals"
                         + (options.intervalOption.map { " (\($0) to change)" } ?? ""))
        }
        if series.missingCount > 0 {
            notes.append("\(samples.file): \(series.missingCount) of \(series.count) intervals lack a step and are missing (never read as zero)")
        }
        finish(&series, zone: zone, notes: &notes, own: samples.zone != nil)
        return Loaded(series: series, format: format, values: meaning, zone: zone, notes: notes)
    }

    static func fromCSV(path: String, options: Options) throws -> Loaded {
        // The header and first row, for the value column's name and the times' offset.
        var header: [String] = [], firstRow: [String]?
        if let reader = try? LineReader(path: path) {
            while let line = try? reader.next() {
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                guard let cells = CSVLine.split(line) else { break }
                if header.isEmpty { header = cells } else { firstRow = cells; break }
            }
        }
        let lower = header.map { $0.lowercased() }
        let yIndex = options.csv.countColumn.flatMap { lower.firstIndex(of: $0.lowercased()) }
            ?? LoadSeriesCSV.countNames.lazy.compactMap { lower.firstIndex(of: $0) }.first
        let tIndex = options.csv.timestampColumn.flatMap { lower.firstIndex(of: $0.lowercased()) }
            ?? LoadSeriesCSV.timestampNames.lazy.compactMap { lower.firstIndex(of: $0) }.first
        var notes: [String] = []
        var meaning = HistoryValues.count
        if let given = options.values {
            meaning = given
        } else if let y = yIndex {
            if let inferred = HistoryValues.infer(from: header[y]) {
                meaning = inferred.values
                if inferred.values != .count || options.csv.countColumn != nil && lower[y] != "requests" && lower[y] != "count" {
                    notes.append("\(path): values read as \(describe(inferred.values)): \(inferred.reason) (--history-values to override)")
                }
            } else if options.csv.countColumn == nil {
                throw refusal(file: path, what: "the column '\(header[y])'")
            }
        }
        var series = try LoadSeriesCSV.read(path: path, options: options.csv)
        var own: HistoryTimeZone?
        if let t = tIndex, let row = firstRow, t < row.count, Double(row[t]) == nil {
            if let offset = GrafanaCSV.offset(of: row[t]) {
                own = HistoryTimeZone(offset: offset)
            } else if let zone = options.zone {
                series.timestamps = series.timestamps.map { zone.utc(fromLocal: $0) }
                notes.append("\(path): times without an offset are read in \(zone)")
            } else {
                notes.append("\(path): times have no UTC offset: read as UTC (say which zone they are in with --timezone)")
            }
        }
        switch meaning {
        case .count: break
        case .rate:
            series.values = series.values.map { $0 * series.interval }
        case .counter:
            guard series.count >= 2 else {
                throw LoadSeriesError.tooFewPoints(file: path, count: series.count, needed: 2, purpose: "differencing a counter")
            }
            var values: [Double] = [], missing: [Bool] = []
            for i in 0..<(series.count - 1) {
                let (a, b) = (series.values[i], series.values[i + 1])
                missing.append(series.missing[i] || series.missing[i + 1])
                values.append(b >= a ? b - a : b)
            }
            series = LoadSeries(name: series.name, timestamps: Array(series.timestamps.dropLast()), interval: series.interval,
                                values: values, missing: missing, exogenousNames: series.exogenousNames,
                                exogenous: series.exogenous.map { Array($0.dropLast()) })
            guard series.missing.contains(false) else { throw LoadSeriesError.noData(file: path) }
        }
        let zone = options.zone ?? own ?? .utc
        finish(&series, zone: zone, notes: &notes, own: own != nil)
        return Loaded(series: series, format: .csv, values: meaning, zone: zone, notes: notes)
    }

    /// Sets the series' UTC offset for its calendar features and notes a zone whose offset changes.
    static func finish(_ series: inout LoadSeries, zone: HistoryTimeZone, notes: inout [String], own: Bool) {
        guard let first = series.timestamps.first, let last = series.timestamps.last else { return }
        series.utcOffset = zone.offset(at: last)
        if zone.changes(from: first, to: last) {
            notes.append("\(series.name): \(zone) changes its UTC offset within the history; hours and days are read at "
                         + "\(HistoryTimeZone.formatOffset(series.utcOffset)), its offset at the end")
        }
    }

    static func describe(_ v: HistoryValues) -> String {
        switch v {
        case .rate: return "per-second rates"
        case .count: return "counts per step"
        case .counter: return "a running counter"
        }
    }
}
