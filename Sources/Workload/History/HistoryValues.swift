/// What the numbers of a history's value column mean, which decides how
/// they become requests per interval:
///
/// - `rate`: requests per second (Prometheus `rate(...)`/`irate(...)`, a
///   Grafana panel in req/s); times the step, a count.
/// - `count`: requests in each step (Prometheus `increase(x[step])`, the
///   plain history CSV's `requests` and `count` columns).
/// - `counter`: a running total (`vllm:request_success_total` itself);
///   differenced step to step, a decrease read as a restart from 0 as
///   Prometheus's `increase()` reads it.
///
/// Read a rate as a count and a plan comes out hundreds of times too small,
/// so a column is read one way only when it says which
/// (``infer(from:)``) or the user does (`--history-values`); otherwise it
/// is refused (``HistoryFormatError``), never guessed.
package enum HistoryValues: String, Sendable, Equatable, CaseIterable {
    case rate, count, counter

    /// What `label` (a PromQL query, a Grafana column header, a CSV column
    /// name) says the values are, and why; `nil` when it cannot be told.
    ///
    /// - a query applying `rate(` or `irate(` (and no `increase(`): `rate`;
    /// - one applying `increase(` (and no `rate(`): `count`, with the window
    ///   in ``Inference/window`` when it is written out (`[5m]`);
    /// - a bare metric selector whose name ends in `_total` (no function, no
    ///   aggregation): `counter`;
    /// - the plain history CSV's `requests` and `count` columns: `count`.
    ///
    /// Anything else (`value`, `Value`, `sum(x_total)`, `deriv(...)`, `y`)
    /// is `nil`.
    package static func infer(from label: String) -> Inference? {
        let text = label.lowercased().filter { !$0.isWhitespace }
        if text == "requests" || text == "count" {
            return Inference(values: .count, reason: "the column '\(label)' holds counts per interval")
        }
        let hasRate = text.contains("rate(")  // irate( too
        let hasIncrease = text.contains("increase(")
        if hasRate && !hasIncrease {
            return Inference(values: .rate, reason: "'\(label)' is a per-second rate")
        }
        if hasIncrease && !hasRate {
            return Inference(values: .count, reason: "'\(label)' counts requests per window",
                             window: window(in: text, after: "increase("))
        }
        if !text.contains("("), let name = metricName(text), name.hasSuffix("_total") {
            return Inference(values: .counter, reason: "'\(label)' is a counter (a _total metric with no function applied)")
        }
        return nil
    }

    /// What ``infer(from:)`` found.
    package struct Inference: Sendable, Equatable {
        /// The meaning.
        package var values: HistoryValues
        /// Why, for the note printed on stderr.
        package var reason: String
        /// The window of `increase(x[W])`, in seconds, when written out.
        package var window: Double?
    }

    /// The metric name of a selector (`name` or `name{labels}`), or `nil`.
    static func metricName(_ text: String) -> String? {
        let name = text.split(separator: "{", maxSplits: 1).first.map(String.init) ?? text
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }),
              !(name.first?.isNumber ?? true) else { return nil }
        return name
    }

    /// Seconds of the first `[...]` range after `function` (`5m`, `1h30m`,
    /// `90s`), or `nil` when absent or not a plain duration (`$__rate_interval`).
    static func window(in text: String, after function: String) -> Double? {
        guard let f = text.range(of: function), let open = text[f.upperBound...].firstIndex(of: "["),
              let close = text[open...].firstIndex(of: "]") else { return nil }
        return promDuration(String(text[text.index(after: open)..<close]))
    }

    /// A Prometheus duration (`1h30m`, `5m`, `15s`, `1d`, `250ms`) in seconds.
    package static func promDuration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800), ("y", 31_536_000)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber }
            guard !digits.isEmpty, let n = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            total += n * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return total > 0 ? total : nil
    }
}
