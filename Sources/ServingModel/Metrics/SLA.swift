
/// Service-level targets a run must meet; the Scenario module parses them
/// from one readable string such as `p99_ttft<=2s,p99_tpot<=150ms,error_rate<=0.1%`.
///
/// Terms: `mean|p50|p90|p95|p99|p999` of `queue_wait|ttft|tpot|e2e` with `<=` and
/// a duration; `error_rate<=X%` (rejected + timed out, over offered);
/// `availability>=X%` (completed over offered, requests still in flight at
/// the end left out); `goodput>=X%` (completions meeting the scenario's
/// per-request `slo`, over offered). `default` is ``standard``:
/// availability >= 99.95%, p99 latency <= 500 ms, error rate <= 0.1%, with
/// the latency read as time to first token: a streamed LLM answer takes
/// seconds to finish, so a 500 ms bound on its end-to-end latency could
/// never hold, while the first token is what a user waits for (for
/// unbatched one-shot services TTFT equals the end-to-end latency).
package struct SLA: Sendable, Equatable, CustomStringConvertible {
    /// One target.
    package enum Target: Sendable, Equatable {
        /// A latency statistic at most `seconds`.
        case latency(statistic: Statistic, metric: Metric, seconds: Double)
        /// Error rate at most this fraction.
        case errorRate(Double)
        /// Availability at least this fraction.
        case availability(Double)
        /// Goodput share at least this fraction.
        case goodput(Double)
    }

    /// Which summary of a latency.
    package enum Statistic: String, Sendable, CaseIterable {
        case mean, p50, p90, p95, p99, p999
    }

    /// Which latency.
    package enum Metric: String, Sendable, CaseIterable {
        case queueWait = "queue_wait", ttft, tpot, e2e
    }

    /// The targets, all of which must hold.
    package var targets: [Target]

    /// The SLA that `--sla default` names: availability >= 99.95%,
    /// p99 TTFT <= 500 ms, error rate <= 0.1% (see the type's documentation).
    package static let standard = SLA(targets: [.availability(0.9995), .latency(statistic: .p99, metric: .ttft, seconds: 0.5), .errorRate(0.001)])

    /// Targets given directly.
    package init(targets: [Target]) {
        self.targets = targets
    }

    package var description: String {
        targets.map { t in
            switch t {
            case .latency(let s, let m, let sec): return "\(s.rawValue)_\(m.rawValue)<=\(sec)s"
            case .errorRate(let f): return "error_rate<=\(f * 100)%"
            case .availability(let f): return "availability>=\(f * 100)%"
            case .goodput(let f): return "goodput>=\(f * 100)%"
            }
        }.joined(separator: ",")
    }

    /// The value of a target's quantity in a run (seconds or a fraction).
    package static func value(of target: Target, in r: ServingResult) -> Double {
        switch target {
        case .latency(let stat, let metric, _):
            let l: LatencySummary
            switch metric {
            case .queueWait: l = r.latencySeconds.queueWait
            case .ttft: l = r.latencySeconds.ttft
            case .tpot: l = r.latencySeconds.tpot
            case .e2e: l = r.latencySeconds.e2e
            }
            switch stat {
            case .mean: return l.mean
            case .p50: return l.p50
            case .p90: return l.p90
            case .p95: return l.p95
            case .p99: return l.p99
            case .p999: return l.p999
            }
        case .errorRate:
            return r.requests.offered > 0 ? Double(r.requests.rejected + r.requests.timedOut) / Double(r.requests.offered) : 0
        case .availability:
            let decided = r.requests.offered - r.requests.unfinished
            return decided > 0 ? Double(r.requests.completed) / Double(decided) : 1
        case .goodput:
            return r.requests.offered > 0 ? r.goodputRequestsPerSecond * r.measuredSeconds / Double(r.requests.offered) : 1
        }
    }

    /// Whether `value` meets the target.
    package static func meets(_ target: Target, _ value: Double) -> Bool {
        switch target {
        case .latency(_, _, let limit): return value <= limit
        case .errorRate(let limit): return value <= limit
        case .availability(let floor), .goodput(let floor): return value >= floor
        }
    }
}
