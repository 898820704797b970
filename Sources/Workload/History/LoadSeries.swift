/// A load history: one count per fixed interval, with a mask of missing
/// intervals and optional exogenous columns.
///
/// Timestamps are seconds on the UTC time line (`0` = 1970-01-01 00:00 UTC);
/// the reader maps relative timestamps onto it (see ``LoadSeriesCSV``) so
/// calendar features (hour of day, day of week) are always defined.
///
/// ```swift
/// let series = try LoadSeriesCSV.read(path: "history.csv")
/// series.count            // intervals
/// series.imputed(season: 24)  // counts with missing intervals filled
/// ```
package struct LoadSeries: Sendable, Equatable {
    /// A name for reports (usually the file name without directory).
    package var name: String
    /// Start of each interval, seconds since 1970-01-01 00:00 UTC.
    package var timestamps: [Double]
    /// Interval length in seconds.
    package var interval: Double
    /// Count per interval (the value of a missing interval is meaningless).
    package var values: [Double]
    /// `true` where the interval is missing: never scored, never a target.
    package var missing: [Bool]
    /// Names of the exogenous columns, in file order.
    package var exogenousNames: [String]
    /// One array per exogenous column, aligned with `values`.
    package var exogenous: [[Double]]
    /// Seconds east of UTC of the clock whose hours and days the calendar
    /// features read (`--timezone`, or the history's own offset); 0: UTC.
    package var utcOffset: Double

    /// A series from its parts; all arrays must have the same length.
    package init(name: String, timestamps: [Double], interval: Double, values: [Double],
                missing: [Bool]? = nil, exogenousNames: [String] = [], exogenous: [[Double]] = [], utcOffset: Double = 0) {
        precondition(timestamps.count == values.count, "timestamps and values differ in length")
        precondition(exogenous.allSatisfy { $0.count == values.count }, "an exogenous column differs in length")
        self.name = name
        self.timestamps = timestamps
        self.interval = interval
        self.values = values
        self.missing = missing ?? Array(repeating: false, count: values.count)
        self.exogenousNames = exogenousNames
        self.exogenous = exogenous
        self.utcOffset = utcOffset
    }

    /// Number of intervals.
    package var count: Int { values.count }

    /// Number of missing intervals.
    package var missingCount: Int { missing.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Intervals per day (rounded; at least 1).
    package var intervalsPerDay: Int { max(1, Int((86_400 / interval).rounded())) }

    /// The first `n` intervals.
    package func prefix(_ n: Int) -> LoadSeries {
        LoadSeries(name: name, timestamps: Array(timestamps.prefix(n)), interval: interval,
                   values: Array(values.prefix(n)), missing: Array(missing.prefix(n)),
                   exogenousNames: exogenousNames, exogenous: exogenous.map { Array($0.prefix(n)) }, utcOffset: utcOffset)
    }

    /// The intervals that end at or before `time` (seconds since 1970): what
    /// had been fully observed by then.
    package func ending(atOrBefore time: Double) -> LoadSeries {
        prefix(timestamps.firstIndex { $0 + interval > time + 1e-9 } ?? count)
    }

    /// Counts with each missing interval replaced by the (imputed) value one
    /// season earlier, or the previous value when there is none; used for
    /// model inputs and fitting only, never for scoring.
    ///
    /// - Complexity: O(n).
    package func imputed(season: Int) -> [Double] {
        var y = values
        let firstKnown = missing.firstIndex(of: false).map { values[$0] } ?? 0
        for t in y.indices where missing[t] {
            if season > 0 && t >= season {
                y[t] = y[t - season]
            } else {
                y[t] = t > 0 ? y[t - 1] : firstKnown
            }
        }
        return y
    }

    /// Hour of day (0..<24, fractional) of interval `t`'s start, on the
    /// clock `utcOffset` east of UTC.
    package func hourOfDay(_ t: Int) -> Double {
        LoadSeries.hourOfDay(seconds: timestamp(t) + utcOffset)
    }

    /// Day of week of interval `t`'s start, Monday = 0 ... Sunday = 6, on
    /// the clock `utcOffset` east of UTC.
    package func dayOfWeek(_ t: Int) -> Int {
        LoadSeries.dayOfWeek(seconds: timestamp(t) + utcOffset)
    }

    /// The start of interval `t`, extrapolated past either end of the series.
    package func timestamp(_ t: Int) -> Double {
        if t >= 0 && t < timestamps.count { return timestamps[t] }
        let base = timestamps.first ?? 0
        return base + Double(t) * interval
    }

    /// Hour of day (fractional) of a UTC time in seconds.
    package static func hourOfDay(seconds: Double) -> Double {
        let day = 86_400.0
        let s = seconds - (seconds / day).rounded(.down) * day
        return s / 3_600
    }

    /// Day of week (Monday = 0) of a UTC time in seconds; 1970-01-01 was a Thursday.
    package static func dayOfWeek(seconds: Double) -> Int {
        let days = Int((seconds / 86_400).rounded(.down))
        return ((days + 3) % 7 + 7) % 7
    }
}
