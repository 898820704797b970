import Foundation

/// The time zone whose local days a history is planned and forecast in:
/// a fixed offset (`+02:00`, `-05:30`, `UTC`) or an IANA name
/// (`Europe/Berlin`), given with `--timezone` or taken from the history's
/// own timestamps.
package struct HistoryTimeZone: Sendable, Equatable, CustomStringConvertible {
    /// The name as given (`Europe/Berlin`, `+02:00`).
    package let name: String
    let fixedOffset: Double?

    /// UTC.
    package static let utc = HistoryTimeZone(name: "UTC", fixedOffset: 0)

    init(name: String, fixedOffset: Double?) {
        self.name = name
        self.fixedOffset = fixedOffset
    }

    /// A fixed offset east of UTC, in seconds.
    package init(offset seconds: Double) {
        self.init(name: HistoryTimeZone.formatOffset(seconds), fixedOffset: seconds)
    }

    /// `UTC`, `Z`, `±HH:MM`, `±HHMM`, `±HH` or an IANA name; `nil` when it is none of them.
    package init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "UTC" || t == "Z" || t == "utc" { self = .utc; return }
        if let first = t.first, first == "+" || first == "-" {
            let digits = t.dropFirst().filter { $0 != ":" }
            guard digits.allSatisfy(\.isNumber), digits.count == 2 || digits.count == 4,
                  let h = Int(digits.prefix(2)), let m = Int(digits.count == 4 ? digits.suffix(2) : "0"),
                  h <= 14, m < 60 else { return nil }
            self.init(offset: (first == "+" ? 1 : -1) * Double(h * 3600 + m * 60))
            return
        }
        guard t.contains("/") || t == "GMT", let zone = TimeZone(identifier: t) else { return nil }
        self.init(name: zone.identifier, fixedOffset: nil)
    }

    /// Seconds east of UTC at `time` (seconds since 1970).
    package func offset(at time: Double) -> Double {
        if let fixedOffset { return fixedOffset }
        guard let zone = TimeZone(identifier: name) else { return 0 }
        return Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: time)))
    }

    /// The UTC time of a wall-clock time read in this zone (`local` as if it were UTC).
    package func utc(fromLocal local: Double) -> Double {
        let guess = local - offset(at: local)
        return local - offset(at: guess)
    }

    /// Seconds since 1970 of an ISO-8601 date or time (`2024-01-09`,
    /// `2024-01-09T06:00`, `2024-01-09T06:00:00+02:00`), read on this zone's
    /// clock when it carries no offset; `nil` when it is not one.
    package func parse(_ text: String) -> Double? {
        guard let t = LoadSeriesCSV.parseISO8601(text) else { return nil }
        return GrafanaCSV.offset(of: text) == nil ? utc(fromLocal: t) : t
    }

    /// Whether the offset differs anywhere in `start ... end` (daylight saving).
    package func changes(from start: Double, to end: Double) -> Bool {
        guard fixedOffset == nil, end > start else { return false }
        let first = offset(at: start)
        var t = start
        while t < end {
            if offset(at: t) != first { return true }
            t += 86_400
        }
        return offset(at: end) != first
    }

    package var description: String { name }

    /// `+02:00`, `-05:30`, `+00:00`.
    package static func formatOffset(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        let a = abs(s)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return (s < 0 ? "-" : "+") + two(a / 3600) + ":" + two(a % 3600 / 60)
    }

    /// `2024-01-09T14:00:00+02:00`: a UTC time shown on this zone's clock.
    package func format(_ time: Double) -> String {
        let o = offset(at: time)
        let iso = LoadSeriesCSV.formatISO8601(time + o)
        return String(iso.dropLast()) + HistoryTimeZone.formatOffset(o)
    }

    /// `2024-01-09`: the local date of a UTC time.
    package func date(_ time: Double) -> String {
        String(LoadSeriesCSV.formatISO8601(time + offset(at: time)).prefix(10))
    }

    /// `Tuesday`: the local weekday of a UTC time.
    package func weekday(_ time: Double) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][
            LoadSeries.dayOfWeek(seconds: time + offset(at: time))]
    }
}
