import Foundation
import ServingModel

/// Why a plan's worst interval came out as it did: where the requests that
/// arrived in it at or above its p50 and p99 spent their time, its errors
/// by cause, and a one-line diagnosis with the lever that moves it — the
/// decomposition `headroom explain` gives a whole run, for the one interval
/// of a verified horizon that came closest to (or furthest past) a limit.
package struct WorstIntervalExplanation: Sendable, Codable, Equatable {
    /// The interval's index in the horizon.
    package var interval: Int
    /// Its start and end (s from the horizon's start).
    package var start: Double
    /// See ``start``.
    package var end: Double
    /// Its start and end as ISO 8601 times, where the plan document knows
    /// the horizon's origin (nil otherwise).
    package var startTime: String?
    /// See ``startTime``.
    package var endTime: String?
    /// The target it came closest to missing, as written.
    package var target: String
    /// That target's value in the interval (s or a fraction).
    package var value: Double
    /// Whether it held.
    package var met: Bool
    /// One line naming the cause, with the measured share or count behind it.
    package var diagnosis: String
    /// What moves it, in the scenario's own keys.
    package var lever: String
    /// Which rule decided: `errors` or `latency`.
    package var basis: String
    /// The interval's p99 time to first token (s), as judged.
    package var p99TtftSeconds: Double
    /// The p99 TTFT cut into parts by the shares of the requests at or above
    /// it, in ``AttributionPart`` order, empty ones left out: their seconds
    /// add up to ``p99TtftSeconds``.
    package var p99TtftParts: [Part]
    /// The decompositions of the interval's requests: p50 and p99 of TTFT
    /// and end-to-end latency (means over each group).
    package var groups: [Group]
    /// Errors by cause in the interval, largest first (none left out).
    package var errors: [Cause]
    /// Requests that arrived in the interval.
    package var offered: Int

    /// One part of a latency.
    package struct Part: Sendable, Codable, Equatable {
        /// The part's key (``AttributionPart/key``).
        package var part: String
        /// Seconds.
        package var seconds: Double
        /// Share of the total.
        package var share: Double
    }

    /// The requests at or above one percentile of one latency.
    package struct Group: Sendable, Codable, Equatable {
        /// `ttft` or `e2e`.
        package var latency: String
        /// `p50` or `p99`.
        package var percentile: String
        /// Requests in the group.
        package var count: Int
        /// The group's mean latency (s): the sum of its parts.
        package var meanSeconds: Double
        /// Each part's mean seconds and share.
        package var parts: [Part]
    }

    /// One cause of error in the interval.
    package struct Cause: Sendable, Codable, Equatable {
        /// Its key: `admission_refusal`, `queue_timeout` or `crash`.
        package var cause: String
        /// Words for it.
        package var label: String
        /// Requests.
        package var count: Int
    }

    /// Share of the interval's requests refused or lost from which errors
    /// lead the diagnosis (as in `headroom explain`).
    static let errorShare = 0.01

    /// The parts of `total` by the shares of `group` (empty ones left out).
    static func parts(of group: AttributionGroup, total: Double) -> [Part] {
        let mean = group.mean
        return AttributionPart.allCases.compactMap { p in
            let share = mean > 0 ? (group.parts[p] ?? 0) / mean : 0
            return share > 0 ? Part(part: p.key, seconds: share * total, share: share) : nil
        }
    }

    /// Explains interval `i` of a run verified with attribution on.
    /// `rejected`, `timedOut` and `lost` count the interval's refusals,
    /// queue timeouts and requests lost to crashes.
    static func explain(_ a: Attribution, interval i: Int, outcome o: IntervalOutcome, target: String, value: Double, met: Bool,
                        rejected: Int, timedOut: Int, lost: Int, continuous: Bool) -> WorstIntervalExplanation {
        var groups: [Group] = []
        for (name, ttft) in [("ttft", true), ("e2e", false)] {
            for (label, q) in [("p50", 0.5), ("p99", 0.99)] {
                let g = a.group(quantile: q, ttft: ttft, interval: i)
                groups.append(Group(latency: name, percentile: label, count: g.count, meanSeconds: g.mean, parts: parts(of: g, total: g.mean)))
            }
        }
        let tail = a.group(quantile: 0.99, ttft: true, interval: i)
        let p99 = o.ttft.count > 2 ? o.ttft[2] : 0
        let errors = [Cause(cause: "admission_refusal", label: "refusals (a full queue, no ready replica, or too long)", count: rejected),
                      Cause(cause: "queue_timeout", label: "queue timeouts", count: timedOut),
                      Cause(cause: "crash", label: "requests lost in replica crashes", count: lost)]
            .filter { $0.count > 0 }.enumerated()
            .sorted { $0.element.count > $1.element.count || ($0.element.count == $1.element.count && $0.offset < $1.offset) }
            .map(\.element)
        var e = WorstIntervalExplanation(interval: i, start: o.start, end: o.end, startTime: nil, endTime: nil, target: target, value: value, met: met,
                                         diagnosis: "", lever: "", basis: "", p99TtftSeconds: p99,
                                         p99TtftParts: parts(of: tail, total: p99), groups: groups, errors: errors, offered: o.offered)
        let failed = errors.reduce(0) { $0 + $1.count }
        if let top = errors.first, o.offered > 0, Double(failed) >= errorShare * Double(o.offered) {
            e.basis = "errors"
            e.diagnosis = "\(top.count) \(top.label) of \(o.offered) requests "
                + "(\(percent(Double(failed) / Double(o.offered))) not served) with \(one(o.readyReplicas)) replicas ready"
            e.lever = top.cause == "crash" ? "Replicas crash: fewer failures, faster restarts, or spare replicas"
                : "Add replicas for this interval (or scale up sooner); a longer queue limit or timeout trades refusals for waiting"
        } else if let top = tail.ranked.first, tail.count > 0 {
            e.basis = "latency"
            let share = tail.share(top.part)
            let preempted = (tail.parts[.preemption] ?? 0) > 0
            var line = "\(percent(share)) of the p99 TTFT (\(seconds(p99))) is \(top.part.label)"
            if [.replicaQueue, .gatewayQueue, .coldStart, .preemption].contains(top.part) {
                line += " with \(one(o.readyReplicas)) replicas ready of \(one(o.provisionedReplicas)) provisioned"
                    + (preempted ? ", requests preempted (KV blocks full)" : "")
            }
            e.diagnosis = line
            e.lever = top.part.lever(kvFull: preempted, continuous: continuous)
        } else {
            e.basis = "latency"
            e.diagnosis = "no request was served in this interval"
            e.lever = "Add replicas for this interval"
        }
        return e
    }

    static func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }
    static func one(_ x: Double) -> String { String(format: "%.1f", x) }
    static func seconds(_ s: Double) -> String { s >= 1 ? String(format: "%.2f s", s) : String(format: "%.0f ms", 1000 * s) }
}
