import ServingModel

/// Compact, locale-independent number formatting for tables.
package enum NumberFormatting {
    /// An integer with thousands separators: `1234567` → `1,234,567`.
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// A value with `digits` significant digits, without exponent for
    /// ordinary magnitudes.
    package static func significant(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        let magnitude = Int((abs(value)).log10Floor)
        let decimals = max(0, digits - 1 - magnitude)
        return fixed(value, decimals: min(decimals, 9))
    }

    /// `significant`, without trailing zeros: for prose (`3x`, `p50`, `0.05`).
    package static func short(_ value: Double, digits: Int = 4) -> String {
        var s = significant(value, digits: digits)
        guard s.contains("."), value.isFinite else { return s }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// A count with its noun, singular for one: `1 GPU`, `8 GPUs`.
    package static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    /// A replica range, `6–9`, or `9` when both ends are equal.
    package static func range(_ low: Int, _ high: Int) -> String {
        low == high ? "\(low)" : "\(low)–\(high)"
    }

    /// A target's value with its unit: a latency in seconds (`0.4673 s`),
    /// a rate or share as a percentage (`99.97%`).
    package static func targetValue(_ value: Double, of target: SLA.Target) -> String {
        switch target {
        case .latency: return short(value) + " s"
        case .errorRate, .availability, .goodput: return short(value * 100) + "%"
        }
    }

    /// ``targetValue(_:of:)`` for the target of `sla` written `name`
    /// (`p99_ttft<=0.5s`); the bare number when `sla` has none such.
    package static func targetValue(_ value: Double, named name: String, in sla: SLA) -> String {
        guard let t = sla.targets.first(where: { SLA(targets: [$0]).description == name }) else { return short(value) }
        return targetValue(value, of: t)
    }

    /// The shortest text that reads back as the same value, integral values
    /// without a decimal point: for CSV files.
    package static func compact(_ value: Double) -> String {
        guard value.isFinite else { return significant(value) }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    /// A value with a fixed number of decimals (round half away from zero).
    package static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return significant(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let frac = Int(scaled - Double(whole) * scale)
        var s = String(whole)
        if decimals > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: decimals - f.count) + f
        }
        return (value < 0 && scaled > 0 ? "-" : "") + s
    }

    /// A duration in seconds with a readable unit: `0.00042` → `420µs`.
    package static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return significant(seconds) }
        let a = abs(seconds)
        if a == 0 { return "0s" }
        if a < 1e-3 { return significant(seconds * 1e6, digits: 3) + "µs" }
        if a < 1 { return significant(seconds * 1e3, digits: 3) + "ms" }
        if a < 120 { return significant(seconds, digits: 3) + "s" }
        if a < 7200 { return significant(seconds / 60, digits: 3) + "m" }
        return significant(seconds / 3600, digits: 3) + "h"
    }
}

extension Double {
    var log10Floor: Double {
        var v = self
        var e = 0.0
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }
}
