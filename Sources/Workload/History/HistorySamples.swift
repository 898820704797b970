import Foundation

/// Samples of one or more series as a metrics system exports them
/// (``PrometheusMatrix``, ``GrafanaCSV``), before they become a
/// ``LoadSeries`` of requests per planning interval.
///
/// **Times** are the end of the window each value describes, as Prometheus
/// stamps `rate(x[w])` and `increase(x[w])`: the value at `t` covers
/// `(t − step, t]`. Every series lies on one grid of `step` seconds
/// (15 s to 1 h, the median gap between sample times).
///
/// **Resampling** (``series(values:interval:zone:)``): each step's value
/// becomes a count (rate × step; a count as it is; a counter's rise since the
/// step before, a fall read as a restart from 0, as Prometheus's
/// `increase()` reads it), the series are summed step by step, and the
/// steps are summed into intervals of the planning interval (a multiple of
/// the step), aligned to the time zone's clock (hours start at :00 local).
/// An interval with any step missing (no sample, `NaN`, `±Inf`, a counter's
/// first sample after a gap) is missing, never zero; incomplete intervals
/// at either end are dropped.
package struct HistorySamples: Sendable {
    /// One series: its samples in time order.
    package struct Series: Sendable {
        /// Its labels, for notes (`{instance="a"}`).
        package var labels: String
        /// Sample times, s since 1970.
        package var times: [Double]
        /// Values; `NaN` (also for `±Inf`) is missing.
        package var values: [Double]
        /// Where each sample is, for errors (`12` or `data.result[0].values[3]`).
        package var locations: [String]

        /// A series.
        package init(labels: String, times: [Double], values: [Double], locations: [String]) {
            self.labels = labels
            self.times = times
            self.values = values
            self.locations = locations
        }
    }

    /// The file, for errors.
    package var file: String
    /// A name for reports.
    package var name: String
    /// The query or column header the values came from.
    package var label: String
    /// The series (summed when more than one).
    package var series: [Series]
    /// The history's own time zone, when its timestamps carry an offset.
    package var zone: HistoryTimeZone?
    /// Notes for stderr gathered while reading (zone-less times, NaN samples).
    package var notes: [String] = []

    /// Shortest and longest step read: 15 s and 1 h.
    package static let stepRange = 15.0...3600.0

    /// Samples read from `file`.
    package init(file: String, name: String, label: String, series: [Series], zone: HistoryTimeZone?, notes: [String] = []) {
        self.file = file
        self.name = name
        self.label = label
        self.series = series
        self.zone = zone
        self.notes = notes
    }

    /// The step: the median gap between consecutive sample times of all series.
    package func step() throws -> Double {
        let times = Array(Set(series.flatMap(\.times))).sorted()
        guard times.count >= 2 else {
            throw HistoryFormatError(file: file, "expected at least 2 samples to tell the step, got \(times.count)")
        }
        var gaps: [Double] = []
        for i in 1..<times.count { gaps.append(times[i] - times[i - 1]) }
        let step = (gaps.sorted()[gaps.count / 2] * 1000).rounded() / 1000
        guard HistorySamples.stepRange.contains(step) else {
            throw HistoryFormatError(file: file, "expected samples every 15 s to 1 h (the step), got one every \(LoadSeriesCSV.formatSeconds(step))")
        }
        return step
    }

    /// Requests per interval of `interval` seconds (default: the step when it
    /// is 1 h, else 1 h), read as `values`; `zone` aligns intervals to its clock.
    package func series(values meaning: HistoryValues, interval wanted: Double?, zone: HistoryTimeZone) throws -> LoadSeries {
        let step = try step()
        let interval = wanted ?? max(step, 3600)
        let ratio = interval / step
        let m = Int(ratio.rounded())
        guard m >= 1, abs(ratio - Double(m)) < 1e-9 * ratio, interval <= LoadSeriesCSV.maxInterval else {
            throw HistoryFormatError(file: file, "expected a planning interval that is a whole number of the \(LoadSeriesCSV.formatSeconds(step)) step, got \(LoadSeriesCSV.formatSeconds(interval))")
        }
        // Over every sample, not each series' first and last: an unordered
        // series is refused below, at its first time out of order, and no
        // time may index outside the grid before that.
        guard let t0 = series.lazy.flatMap(\.times).min(), let tEnd = series.lazy.flatMap(\.times).max() else {
            throw HistoryFormatError(file: file, "expected samples, got none")
        }
        let n = Int(((tEnd - t0) / step).rounded()) + 1
        guard n <= LoadSeriesCSV.maxIntervals else {
            throw HistoryFormatError(file: file, "expected at most \(LoadSeriesCSV.maxIntervals) steps, got \(n)")
        }
        // Per-step counts, summed over the series; NaN where no series has one.
        var total = [Double](repeating: .nan, count: n)
        for s in series {
            var previous: (k: Int, v: Double)?
            for i in s.times.indices {
                let exact = (s.times[i] - t0) / step
                let k = Int(exact.rounded())
                guard abs(exact - Double(k)) * step < 0.002 + 1e-9 * step else {
                    throw HistoryFormatError(file: file, location: s.locations[i],
                                             "expected a sample time on the \(LoadSeriesCSV.formatSeconds(step)) grid from \(LoadSeriesCSV.formatISO8601(t0)), got \(s.times[i])")
                }
                if i > 0, s.times[i] <= s.times[i - 1] {
                    throw HistoryFormatError(file: file, location: s.locations[i], "expected a time after the previous sample's, got \(s.times[i])")
                }
                let v = s.values[i]
                guard v.isFinite else { previous = nil; continue }
                guard v >= 0 else {
                    throw HistoryFormatError(file: file, location: s.locations[i], "expected a value >= 0 (requests never run backwards), got \(v)")
                }
                let count: Double?
                switch meaning {
                case .rate: count = v * step
                case .count: count = v
                case .counter:
                    if let p = previous, p.k == k - 1 { count = v >= p.v ? v - p.v : v } else { count = nil }
                    previous = (k, v)
                }
                guard let count else { continue }
                guard count <= LoadSeriesCSV.maxCount else {
                    throw HistoryFormatError(file: file, location: s.locations[i], "expected at most 1e12 requests per step, got \(count)")
                }
                total[k] = total[k].isNaN ? count : total[k] + count
            }
        }
        // Steps into intervals: step k covers (t0 + k·step − step, t0 + k·step].
        let offset = zone.offset(at: t0)
        func intervalStart(_ k: Int) -> Double {
            let windowStart = t0 + Double(k) * step - step
            return ((windowStart + offset) / interval).rounded(.down) * interval - offset
        }
        let firstStart = intervalStart(0), lastStart = intervalStart(n - 1)
        let slots = Int(((lastStart - firstStart) / interval).rounded()) + 1
        var sums = [Double](repeating: 0, count: slots), seen = [Int](repeating: 0, count: slots), bad = [Bool](repeating: false, count: slots)
        for k in 0..<n {
            let j = Int(((intervalStart(k) - firstStart) / interval).rounded())
            seen[j] += 1
            if total[k].isNaN { bad[j] = true } else { sums[j] += total[k] }
        }
        let complete = (0..<slots).map { seen[$0] == m && !bad[$0] }
        guard let first = complete.firstIndex(of: true), let last = complete.lastIndex(of: true) else {
            throw HistoryFormatError(file: file, "no data: no \(LoadSeriesCSV.formatSeconds(interval)) interval has every \(LoadSeriesCSV.formatSeconds(step)) step"
                                         + (meaning == .counter ? " (a counter's first sample, and the one after each gap, only sets where counting starts)" : ""))
        }
        let range = first...last
        return LoadSeries(name: name, timestamps: range.map { firstStart + Double($0) * interval }, interval: interval,
                          values: range.map { complete[$0] ? sums[$0] : 0 }, missing: range.map { !complete[$0] })
    }
}
