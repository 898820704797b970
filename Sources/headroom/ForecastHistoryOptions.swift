import ArgumentParser
import Foundation
import Scenario
import Workload

/// How `forecast` commands read histories (a history CSV, a Prometheus
/// `query_range` response or a Grafana CSV export).
struct ForecastHistoryOptions: ParsableArguments {
    /// `--history-values` and `--timezone`.
    @OptionGroup var source: HistoryOptions
    @Option(help: "Timestamp column (default: timestamp, timestamp_s, time, ts or date).")
    var timestampColumn: String?
    @Option(help: "Count column (default: requests, count, value or y).")
    var countColumn: String?
    @Option(help: "Comma-separated exogenous columns to use as inputs (e.g. holiday,event).")
    var exogenous: String?
    @Option(help: "Interval with a unit (600s, 10m, 1h); default: inferred from a history CSV's timestamps; Prometheus and Grafana steps are summed into it (default 1h).")
    var interval: String?
    @Flag(help: "Treat a count of exactly 0 as a missing interval.")
    var zeroIsMissing = false

    func validate() throws {
        if let interval, Self.seconds(interval) == nil {
            throw ValidationError("--interval: expected a duration such as 600s, 10m or 1h, got '\(interval)'")
        }
    }

    /// The reader options these flags describe.
    var readOptions: LoadSeriesCSV.Options {
        var o = LoadSeriesCSV.Options()
        o.timestampColumn = timestampColumn
        o.countColumn = countColumn
        o.exogenousColumns = exogenous.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        o.interval = interval.flatMap(Self.seconds)
        o.zeroIsMissing = zeroIsMissing
        return o
    }

    /// Reads one history file; Prometheus and Grafana steps are summed into
    /// `--interval`, else `interval` (a model's), else 1 h.
    func read(_ path: String, interval: Double? = nil) throws -> LoadSeries {
        try load(path, interval: interval).series
    }

    /// ``read(_:interval:)`` with the zone its times are printed in.
    func load(_ path: String, interval: Double? = nil) throws -> HistoryFile.Loaded {
        try source.load(path, csv: readOptions, interval: readOptions.interval ?? interval, intervalOption: "--interval")
    }

    /// Seconds in a positive duration (`Units.duration`: `600s`, `10m`, `1h`).
    static func seconds(_ text: String) -> Double? {
        Units.duration(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
