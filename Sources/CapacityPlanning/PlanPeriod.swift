import Foundation
import Workload

/// The stretch of time a plan covers, and why that one: the history's
/// busiest day (no forecast), the period the user named (`--from/--to`),
/// or the forecast after the history. Days are local days of the history's
/// time zone (``HistoryTimeZone``); every plan summary names the period.
///
/// ```swift
/// let p = PlanPeriod.busiestDay(of: series, zone: .utc)
/// p.label        // "Tuesday 2024-01-09 (UTC)"
/// series.values[p.range]
/// ```
package struct PlanPeriod: Sendable, Equatable {
    /// Why this period.
    package enum Basis: String, Sendable, Equatable, Encodable {
        /// The local day of the history with the highest interval (ties: more requests, then later).
        case busiestDay = "busiest_day"
        /// The period named with `--from`/`--to`.
        case named
        /// The forecast after the history's end.
        case forecast
    }

    /// Why this period.
    package var basis: Basis
    /// First interval, an index into the history (the history's count for a forecast).
    package var start: Int
    /// Intervals.
    package var count: Int
    /// Start of the first interval, s since 1970.
    package var origin: Double
    /// Interval width (s).
    package var interval: Double
    /// The zone the period's days are named in.
    package var zone: HistoryTimeZone

    /// The intervals of the history it covers (empty for a forecast).
    package var range: Range<Int> { basis == .forecast ? start..<start : start..<(start + count) }
    /// End (exclusive), s since 1970.
    package var end: Double { origin + Double(count) * interval }

    /// `Tuesday 2024-01-09 (UTC)`, or `2024-01-09 00:00 – 2024-01-10 12:00 (+02:00)` for a period other than one whole local day.
    package var label: String {
        let zoneName = zone.name
        if isWholeDay { return "\(zone.weekday(origin)) \(zone.date(origin)) (\(zoneName))" }
        func short(_ t: Double) -> String { String(zone.format(t).prefix(16)).replacingOccurrences(of: "T", with: " ") }
        return "\(short(origin)) – \(short(end)) (\(zoneName))"
    }

    /// Whether it is exactly one local day, midnight to midnight.
    package var isWholeDay: Bool {
        let startLocal = origin + zone.offset(at: origin)
        let endLocal = end + zone.offset(at: end)
        return abs(startLocal.truncatingRemainder(dividingBy: 86_400)) < 1e-6 && abs(endLocal - startLocal - 86_400) < 1e-6
    }

    /// A period.
    package init(basis: Basis, start: Int, count: Int, origin: Double, interval: Double, zone: HistoryTimeZone) {
        self.basis = basis
        self.start = start
        self.count = count
        self.origin = origin
        self.interval = interval
        self.zone = zone
    }

    /// The busiest local day of `series`: among its whole days (every
    /// interval present in the series; all days when none is whole), the one
    /// with the highest interval, ties going to the one with more requests,
    /// then the later one. Missing intervals count as `load` has them
    /// (imputed). The period starts at that day's first interval and runs
    /// `horizon` intervals (default: a day), moved earlier when it would run
    /// past the history's end.
    package static func busiestDay(of series: LoadSeries, load: [Double], zone: HistoryTimeZone, horizon: Int? = nil) -> PlanPeriod {
        precondition(load.count == series.count && series.count > 0, "load and series differ in length")
        var days: [(day: Int, first: Int, n: Int, peak: Double, total: Double)] = []
        for t in 0..<series.count {
            let ts = series.timestamps[t]
            let day = Int(((ts + zone.offset(at: ts)) / 86_400).rounded(.down))
            if days.last?.day != day { days.append((day, t, 0, -.infinity, 0)) }
            days[days.count - 1].n += 1
            days[days.count - 1].peak = max(days[days.count - 1].peak, load[t])
            days[days.count - 1].total += load[t]
        }
        let perDay = series.intervalsPerDay
        let whole = days.filter { $0.n >= perDay }
        let candidates = whole.isEmpty ? days : whole
        let best = candidates.max { a, b in (a.peak, a.total, a.day) < (b.peak, b.total, b.day) }!
        let n = min(horizon ?? perDay, series.count)
        let start = max(0, min(best.first, series.count - n))
        return PlanPeriod(basis: .busiestDay, start: start, count: n, origin: series.timestamps[start], interval: series.interval, zone: zone)
    }

    /// The intervals of `series` starting in `from ..< to` (s since 1970).
    package static func named(from: Double, to: Double, in series: LoadSeries, zone: HistoryTimeZone) throws -> PlanPeriod {
        guard to > from else {
            throw PlanningError("--to", "expected a time after --from (\(zone.format(from))), got \(zone.format(to))")
        }
        guard let first = series.timestamps.firstIndex(where: { $0 >= from - 1e-6 }),
              let last = series.timestamps.lastIndex(where: { $0 < to - 1e-6 }), last >= first else {
            let a = series.timestamps.first.map(zone.format) ?? "?", b = series.timestamps.last.map { zone.format($0 + series.interval) } ?? "?"
            throw PlanningError("--from", "expected a period within the history (\(a) to \(b)), got \(zone.format(from)) to \(zone.format(to))")
        }
        return PlanPeriod(basis: .named, start: first, count: last - first + 1, origin: series.timestamps[first],
                          interval: series.interval, zone: zone)
    }

    /// The forecast of `count` intervals after `series`.
    package static func forecast(after series: LoadSeries, count: Int, origin: Double, zone: HistoryTimeZone) -> PlanPeriod {
        PlanPeriod(basis: .forecast, start: series.count, count: count, origin: origin, interval: series.interval, zone: zone)
    }

    /// Seconds since 1970 of a `--from`/`--to` value: a date (`2024-01-09`,
    /// local midnight) or an ISO-8601 time, read in `zone` when it carries no
    /// offset; `nil` when it is neither.
    package static func parseTime(_ text: String, zone: HistoryTimeZone) -> Double? {
        zone.parse(text)
    }

    /// What `plan.json` says about the period.
    package var document: PlanDocument.Period {
        PlanDocument.Period(basis: basis, start: zone.format(origin), end: zone.format(end), day: zone.date(origin),
                            weekday: zone.weekday(origin), timeZone: zone.name, intervals: count)
    }
}
