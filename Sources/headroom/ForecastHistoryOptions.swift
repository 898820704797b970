import ArgumentParser
import Foundation
import Workload

/// How `forecast` commands read history CSVs.
struct ForecastHistoryOptions: ParsableArguments {
    @Option(help: "Timestamp column (default: timestamp, timestamp_s, time, ts or date).")
    var timestampColumn: String?
    @Option(help: "Count column (default: requests, count, value or y).")
    var countColumn: String?
    @Option(help: "Comma-separated exogenous columns to use as inputs (e.g. holiday,event).")
    var exogenous: String?
    @Option(help: "Interval with a unit (600s, 10m, 1h); default: inferred from the timestamps.")
    var interval: String?
    @Flag(help: "Treat a count of exactly 0 as a missing interval.")
    var zeroIsMissing = false

    func validate() throws {
        if let interval, ForecastHistoryOptions.seconds(interval) == nil {
            throw ValidationError("--interval: expected a duration such as 600s, 10m or 1h, got '\(interval)'")
        }
    }

    /// The reader options these flags describe.
    var readOptions: LoadSeriesCSV.Options {
        var o = LoadSeriesCSV.Options()
        o.timestampColumn = timestampColumn
        o.countColumn = countColumn
        o.exogenousColumns = exogenous.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        o.interval = interval.flatMap(ForecastHistoryOptions.seconds)
        o.zeroIsMissing = zeroIsMissing
        return o
    }

    /// Reads one history file.
    func read(_ path: String) throws -> LoadSeries {
        try LoadSeriesCSV.read(path: path, options: readOptions)
    }

    /// Seconds in a duration such as `250ms`, `600s`, `10m`, `1h`, `1d` (a bare number is seconds).
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let v = Double(text.dropLast(suffix.count)), v > 0 { return v * factor }
        }
        return Double(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
