import Foundation

/// Parsing of the unit-carrying values users write in scenarios and flags:
/// durations (`250ms`, `1.5s`, `10m`, `2h`, `7d`), rates (`120/s`,
/// `3200/min`, `50/h`), percentages (`0.1%`) and multipliers (`3x`).
/// A bare number is seconds, requests per second, a fraction, or a factor.
/// Every result is finite: a value that overflows in its unit (`1e305d`)
/// reads as no value, and the caller reports it.
package enum Units {
    /// Seconds in a duration such as `250ms`, `1.5s`, `10m`, `2h`, `7d`, `40us`.
    package static func duration(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9),
                                         ("s", 1), ("m", 60), ("min", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        for (suffix, scale) in units.sorted(by: { $0.0.count > $1.0.count }) where s.hasSuffix(suffix) {
            guard let v = Double(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), (v * scale).isFinite else { return nil }
            return v * scale
        }
        guard let v = Double(s), v.isFinite else { return nil }
        return v
    }

    /// Requests per second in a rate such as `120/s`, `3200/min`, `50/h`, `1000/d`.
    package static func rate(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if let slash = s.firstIndex(of: "/") {
            guard let v = Double(s[..<slash].trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
            let per: [String: Double] = ["s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86_400, "day": 86_400]
            guard let scale = per[String(s[s.index(after: slash)...]).trimmingCharacters(in: .whitespaces)] else { return nil }
            return v / scale
        }
        guard let v = Double(s), v.isFinite else { return nil }
        return v
    }

    /// Bytes per second in a bandwidth such as `25GB/s`, `400Gbit/s` or
    /// `800MiB/s` (decimal and binary prefixes; a bare number is bytes/s).
    package static func byteRate(_ text: String) -> Double? {
        var s = text.trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("/s") { s = String(s.dropLast(2)) }
        let units: [(String, Double)] = [("Gbit", 1e9 / 8), ("Mbit", 1e6 / 8), ("GiB", 1_073_741_824), ("MiB", 1_048_576),
                                         ("KiB", 1024), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("kB", 1e3), ("B", 1)]
        for (unit, scale) in units where s.hasSuffix(unit) {
            guard let v = Double(s.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), (v * scale).isFinite else { return nil }
            return v * scale
        }
        guard let v = Double(s), v.isFinite else { return nil }
        return v
    }

    /// A fraction from a percentage such as `0.1%` (a bare number is a fraction).
    package static func fraction(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("%") {
            guard let v = Double(s.dropLast().trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
            return v / 100
        }
        guard let v = Double(s), v.isFinite else { return nil }
        return v
    }

    /// A factor from a multiplier such as `3x` (a bare number is the factor).
    package static func multiplier(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let body = s.hasSuffix("x") || s.hasSuffix("X") ? String(s.dropLast()) : s
        guard let v = Double(body.trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
        return v
    }
}
