/// An alerting rule over the run's time series, evaluated as Prometheus
/// evaluates one with a `for` clause: in each interval of the series the
/// condition holds or not (an interval with no data does not hold); once
/// it has held for `forDuration` without a break the alert fires, and it
/// stays firing until an interval where it does not hold.
package struct AlertRule: Sendable, Equatable {
    /// What a rule watches, per time-series interval.
    package enum Metric: String, Sendable, CaseIterable {
        /// Share of requests ending in the interval that succeeded: user
        /// requests served (with a client layer), else completions among
        /// completions, rejections, timeouts and failures.
        case successRate = "success_rate"
        /// Mean end-to-end latency of the interval's completions (s).
        case meanLatency = "mean_latency"
        /// `(max − min)/mean` of requests held by the ready replicas at the
        /// interval's end.
        case loadImbalance = "load_imbalance"
        /// Busy replica-time over ready replica-time within the interval (a
        /// CPU percentage).
        case utilization
    }
    /// Name shown in reports.
    package var name: String
    /// The metric.
    package var metric: Metric
    /// Whether the condition is `metric > threshold` (else `metric < threshold`).
    package var above: Bool
    /// The threshold (a fraction for rates, seconds for latency).
    package var threshold: Double
    /// How long the condition must hold before the alert fires (s).
    package var forDuration: Double

    /// How long a condition must hold unless given (an alert fires at once).
    package static let defaultForDuration = 0.0

    /// A rule.
    package init(name: String, metric: Metric, above: Bool, threshold: Double, forDuration: Double = defaultForDuration) {
        self.name = name
        self.metric = metric
        self.above = above
        self.threshold = threshold
        self.forDuration = forDuration
    }

    /// The field's alert thresholds (docs/mechanisms.md#alerts): success rate < 95%, mean latency >
    /// 500 ms, node load imbalance > 30%, CPU > 85% for 3 minutes.
    package static let fieldDefaults = [
        AlertRule(name: "success rate < 95%", metric: .successRate, above: false, threshold: 0.95),
        AlertRule(name: "mean latency > 500ms", metric: .meanLatency, above: true, threshold: 0.5),
        AlertRule(name: "load imbalance > 30%", metric: .loadImbalance, above: true, threshold: 0.3),
        AlertRule(name: "utilization > 85% for 3m", metric: .utilization, above: true, threshold: 0.85, forDuration: 180),
    ]

    /// Checks the rule, naming the first bad setting by its scenario key
    /// below `key`, the rule's mapping (`alerts[2]`): its threshold is its
    /// `above` or `below`.
    package func validate(_ key: String) throws(ServingModelError) {
        try ServingModelError.check(threshold.isFinite && threshold >= 0, key + (above ? ".above" : ".below"), threshold, "a number >= 0")
        try ServingModelError.check(forDuration.isFinite && forDuration >= 0, key + ".for", forDuration, "a duration >= 0")
    }

    /// When the alert fired over a run: firings, total firing time, first firing.
    package struct Outcome: Sendable, Encodable, Equatable {
        /// The rule's name.
        package var name: String
        /// Times it started firing.
        package var firings: Int
        /// Seconds it was firing.
        package var firingSeconds: Double
        /// When it first fired (s from the start), nil if never.
        package var firstFiredAt: Double?
    }

    /// The metric's value per interval (nil: no data in it).
    func values(_ m: ServingMetrics, bins: Int) -> [Double?] {
        let s = m.series
        return (0..<bins).map { b -> Double? in
            switch metric {
            case .successRate:
                if let c = m.client?.series { return c.availability(inBin: b) }
                let done = s.completed.value(inBin: b)
                let ended = done + s.rejected.value(inBin: b) + s.timedOut.value(inBin: b) + s.failed.value(inBin: b)
                return ended > 0 ? done / ended : nil
            case .meanLatency:
                let done = s.completed.value(inBin: b)
                return done > 0 ? s.e2eSum.value(inBin: b) / done : nil
            case .loadImbalance:
                return b < s.imbalance.count ? s.imbalance[b] : nil
            case .utilization:
                return b < s.utilization.count ? s.utilization[b] : nil
            }
        }
    }

    /// Evaluates the rule over a run of `duration` seconds.
    package func evaluate(_ m: ServingMetrics, duration: Double) -> Outcome {
        let width = m.series.interval
        let bins = Int((duration / width).rounded(.up))
        var out = Outcome(name: name, firings: 0, firingSeconds: 0, firstFiredAt: nil)
        var since: Double?   // start of the current run of holding intervals
        for (b, v) in values(m, bins: bins).enumerated() {
            let start = Double(b) * width, end = min(Double(b + 1) * width, duration)
            guard let v, above ? v > threshold : v < threshold else {
                since = nil
                continue
            }
            let heldFrom = since ?? start
            since = heldFrom
            let fireAt = heldFrom + forDuration
            guard fireAt < end else { continue }
            if fireAt >= start {
                out.firings += 1
                if out.firstFiredAt == nil { out.firstFiredAt = fireAt }
            }
            out.firingSeconds += end - max(start, fireAt)
        }
        return out
    }
}
