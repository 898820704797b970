import ArgumentParser
import Foundation
import Workload

/// How every command that takes `--history` (`plan`, `plan backtest`,
/// `forecast train/evaluate/predict`) reads what the history's values mean
/// and which clock its days are on. The format (history CSV, Prometheus
/// `query_range` JSON, Grafana CSV export) is told from the file itself.
struct HistoryOptions: ParsableArguments {
    @Option(name: .customLong("history-values"),
            help: "What the history's values are: rate (requests/s, e.g. rate(...)), count (requests per interval) or counter (a running _total); default: inferred from the query or column header, refused when it cannot be told.")
    var historyValues: String?
    @Option(help: "Time zone of the history's local days (IANA name such as Europe/Berlin, or ±HH:MM); default: the history's own offset, else UTC.")
    var timezone: String?

    func validate() throws {
        if let historyValues, HistoryValues(rawValue: historyValues) == nil {
            throw ValidationError("--history-values: expected rate, count or counter, got '\(historyValues)'")
        }
        if let timezone, HistoryTimeZone(parsing: timezone) == nil {
            throw ValidationError("--timezone: expected an IANA name (Europe/Berlin), UTC or an offset (+02:00), got '\(timezone)'")
        }
    }

    /// The zone given, if any.
    var zone: HistoryTimeZone? { timezone.flatMap(HistoryTimeZone.init(parsing:)) }

    /// Reads `path` with the history CSV options `csv`, Prometheus and
    /// Grafana steps summed into `interval` seconds (default: `csv.interval`,
    /// else 1 h); prints what was assumed on stderr.
    func load(_ path: String, csv: LoadSeriesCSV.Options = LoadSeriesCSV.Options(), interval: Double? = nil,
              intervalOption: String? = nil) throws -> HistoryFile.Loaded {
        var options = HistoryFile.Options()
        options.csv = csv
        options.values = historyValues.flatMap(HistoryValues.init(rawValue:))
        options.zone = zone
        options.interval = interval
        options.intervalOption = intervalOption
        let loaded = try HistoryFile.read(path: path, options: options)
        for note in loaded.notes { FileHandle.standardError.write(Data("headroom: note: \(note)\n".utf8)) }
        return loaded
    }
}
