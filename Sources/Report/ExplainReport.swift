import Foundation
import ServingModel

/// `headroom explain`: turns a run's ``Attribution`` and counters into an
/// ``Explanation`` (a diagnosis from the measured shares and counts, never
/// from the scenario's name), and renders it as text.
///
/// The diagnosis takes the first rule that holds:
/// 1. **Retry storm**: with a client layer, retries and hedges are at least
///    half the attempts, or they are a third and the replicas completed at
///    least 10% of the attempts for clients that had gone (wasted work
///    feeding the queue).
/// 2. **Errors**: at least 1% of user requests (requests) were not served,
///    or at least 1% of attempts failed: the largest cause, with the
///    replica that holds at least half of it when there is one.
/// 3. **Latency**: the largest part of the p99 TTFT group's mean, with what
///    the replicas' KV cache and utilisation say about it.
package enum ExplainReport {
    /// Share of unserved requests, or failed attempts, from which errors
    /// lead the diagnosis.
    static let errorShare = 0.01
    /// KV-cache utilisation from which the cache counts as full.
    static let kvFull = 0.9

    /// The explanation of a run made with ``ServingConfiguration/attribution`` set.
    package static func explain(_ result: ServingResult, metrics m: ServingMetrics,
                                configuration c: ServingConfiguration) -> Explanation {
        let a = m.attribution ?? Attribution(keepRecords: false)
        let cm = m.client
        var groups: [Explanation.Group] = []
        var p99TTFT = a.group(quantile: 0.99, ttft: true)
        for (name, ttft) in [("ttft", true), ("e2e", false)] {
            for (label, q) in [("p50", 0.5), ("p99", 0.99)] {
                let g = a.group(quantile: q, ttft: ttft)
                if ttft && q == 0.99 { p99TTFT = g }
                let mean = g.mean
                let parts = AttributionPart.allCases.compactMap { p -> Explanation.Part? in
                    let s = g.parts[p] ?? 0
                    return s > 0 ? Explanation.Part(part: p.key, seconds: s, share: mean > 0 ? s / mean : 0) : nil
                }
                groups.append(.init(latency: name, percentile: label, thresholdSeconds: g.threshold, count: g.count,
                                    meanSeconds: mean, parts: parts))
            }
        }
        let errors = causes(m, a.errors)
        let requests = cm?.userRequests ?? m.offered
        let attempts = cm?.attempts ?? m.offered
        var e = Explanation(scenario: c.name, diagnosis: "", lever: "", basis: "", groups: groups, errors: errors,
                            requests: requests, attempts: attempts, userRequests: cm != nil)
        let unserved = cm.map { $0.failed + $0.abandoned } ?? (m.offered - m.completed)
        let failedAttempts = errors.filter { $0.cause != "abandoned" }.reduce(0) { $0 + $1.count }
        if let cm, cm.userRequests > 0, isRetryStorm(cm) {
            e.basis = "retry_storm"
            let sent = cm.retries + cm.hedges
            e.diagnosis = "Retry storm: \(fmt(cm.amplification, 2)) attempts per user request (\(count(sent)) retries and hedges), "
                + "\(count(cm.wastedCompletions)) completions wasted on clients that had gone, "
                + "\(pct(Double(unserved) / Double(cm.userRequests))) of user requests not served"
            e.lever = "Client retries multiply the load: add jittered exponential backoff and a retry budget "
                + "(`client.retry.backoff`, `client.retry.budget`), fewer attempts, or abort work whose client has gone "
                + "(`client.cancel_on_give_up`)"
        } else if let top = errors.first,
                  requests > 0 && Double(unserved) >= errorShare * Double(requests)
                    || attempts > 0 && Double(failedAttempts) >= errorShare * Double(attempts) {
            e.basis = "errors"
            let served = pct(Double(unserved) / Double(max(1, requests)))
            var line = "\(count(top.count)) \(top.label)"
            if let r = top.replica, let s = top.replicaShare {
                line += ", \(pct(s)) of them on replica \(r) (\(pct(1 / Double(max(1, fleet(result, c)))) ) of the fleet)"
            }
            line += "; \(served) of \(cm == nil ? "requests" : "user requests") not served"
            if top.cause == "abandoned", let cm, cm.wastedCompletions > 0 {
                line += ", \(count(cm.wastedCompletions)) completions wasted on users who had gone"
            }
            e.diagnosis = line
            e.lever = lever(for: top)
        } else {
            e.basis = "latency"
            let top = p99TTFT.ranked.first.map { $0.part } ?? .replicaQueue
            let share = p99TTFT.share(top)
            let kvIsFull = result.kvCacheUtilization >= kvFull || result.preemptions > 0
            var line = "\(pct(share)) of the p99 TTFT (\(sec(p99TTFT.mean)) mean over the slowest 1%) is \(top.label)"
            if [.replicaQueue, .gatewayQueue, .preemption].contains(top) {
                line += kvIsFull
                    ? " while KV blocks are full (\(pct(result.kvCacheUtilization)) used, \(count(result.preemptions)) preemptions)"
                    : " (replicas \(pct(result.utilization)) busy)"
            }
            e.diagnosis = line
            e.lever = lever(for: top, kvFull: kvIsFull, continuous: { if case .continuous = c.replicas.batching { true } else { false } }())
        }
        return e
    }

    /// The replicas the run could use: the largest count it reached.
    static func fleet(_ result: ServingResult, _ c: ServingConfiguration) -> Int {
        max(c.replicas.count, Int(result.cluster.peakReplicas.rounded(.up)))
    }

    static func isRetryStorm(_ cm: ClientMetrics) -> Bool {
        guard cm.attempts > 0 else { return false }
        let resent = Double(cm.retries + cm.hedges) / Double(cm.attempts)
        return resent >= 0.5 || resent >= 1.0 / 3 && Double(cm.wastedCompletions) >= 0.1 * Double(cm.attempts)
    }

    /// Errors by cause, largest first.
    static func causes(_ m: ServingMetrics, _ x: AttributionErrors) -> [Explanation.Cause] {
        let cm = m.client
        func cause(_ key: String, _ label: String, _ n: Int, _ byReplica: [Int] = []) -> Explanation.Cause {
            var c = Explanation.Cause(cause: key, label: label, count: n)
            let total = byReplica.reduce(0, +)
            if byReplica.count >= 2, total > 0, let top = byReplica.indices.max(by: { byReplica[$0] < byReplica[$1] }),
               Double(byReplica[top]) >= 0.5 * Double(total) {
                c.replica = top
                c.replicaShare = Double(byReplica[top]) / Double(total)
            }
            return c
        }
        let crashes = max(0, m.failed - x.injected)
        var list = [
            cause("admission_503", "refusals by a full queue or no ready replica (503, server busy)", m.rejected - m.rejectedTooLong),
            cause("too_long_400", "requests longer than the model's context (400)", m.rejectedTooLong),
            cause("queue_timeout", "queue timeouts", m.timedOut),
            cause("crash", "attempts lost in replica crashes", crashes),
            cause("injected_error", "injected errors (`cluster.faults.errors`)", x.injected, x.injectedByReplica),
            cause("fault_abort", "attempts aborted by the gateway's fault filter", x.faultAborts),
        ]
        if let cm {
            list += [
                cause("rate_limited_429", "rate-limit refusals (429)", cm.status429),
                cause("breaker_refusal", "attempts refused by an open circuit breaker", cm.breakerRejections),
                cause("gateway_per_try_timeout", "tries reset by the gateway's per-try timeout (504)", cm.gatewayPerTryTimeouts,
                      x.perTryTimeoutsByReplica),
                cause("route_timeout", "attempts ended by the gateway's route timeout", cm.routeTimeouts),
                cause("client_attempt_timeout", "attempts the client's per-try timeout gave up on", cm.attemptTimeouts,
                      x.attemptTimeoutsByReplica),
                cause("pending_overflow", "refusals by a full connection-pool pending list (503)", cm.pendingOverflows),
                cause("abandoned", "user requests abandoned at their deadline", cm.abandoned, x.abandonedByReplica),
            ]
        }
        return list.filter { $0.count > 0 }.enumerated()
            .sorted { $0.element.count > $1.element.count || ($0.element.count == $1.element.count && $0.offset < $1.offset) }
            .map(\.element)
    }

    static func lever(for c: Explanation.Cause) -> String {
        let one = c.replica.map { "replica \($0)" }
        switch c.cause {
        case "admission_503":
            return "The service is full when requests arrive: add replicas (or scale up sooner), or raise the queue limit "
                + "(`gateway.max_queue`) if clients can wait; a `Retry-After` (`gateway.busy_retry_after`) spaces the retries"
        case "too_long_400": return "Cap the prompt plus `client.max_tokens` within the profile's `max_model_len`"
        case "queue_timeout": return "Add replicas or lengthen the queue timeout"
        case "crash": return "Replicas crash: fewer failures, faster restarts, or spare replicas"
        case "injected_error", "fault_abort":
            return "\(one.map { "A bad \($0)" } ?? "Injected errors"): eject it (`gateway.outlier_detection`, success-rate "
                + "ejection catches a partial error rate), or retry elsewhere under a retry budget (`gateway.retry`)"
        case "gateway_per_try_timeout", "client_attempt_timeout":
            return "\(one.map { "A slow \($0) (a straggler)" } ?? "Slow tries"): eject it (`gateway.outlier_detection` "
                + "`consecutive_5xx`), retry on other hosts (`previous_hosts`) under a retry budget"
        case "abandoned":
            if let one { return "A straggler: \(one) holds requests until their deadline; a per-try timeout with outlier ejection routes around it" }
            return "Requests wait until their users have gone: abort work whose client has gone (`client.cancel_on_give_up: running`), "
                + "refuse early instead of holding, or add replicas"
        case "rate_limited_429": return "Raise the gateway's rate limits or spread the load across keys"
        case "breaker_refusal": return "The circuit breaker opened: fix the errors that trip it, or tune its thresholds"
        default: return "Add replicas or lengthen the timeout that ends these attempts"
        }
    }

    static func lever(for p: AttributionPart, kvFull: Bool, continuous: Bool) -> String {
        p.lever(kvFull: kvFull, continuous: continuous)
    }

    // MARK: Text

    /// The explanation as text: diagnosis first, then the lever, the
    /// decompositions and the errors.
    package static func text(_ e: Explanation) -> String {
        var out = "\(e.diagnosis)\n  lever: \(e.lever)\n\n"
        let header = ["part"] + e.groups.map { "\($0.latency) \($0.percentile)" }
        var t = TextTable(header: header)
        for p in AttributionPart.allCases {
            let cells = e.groups.map { g -> String in
                guard let x = g.parts.first(where: { $0.part == p.key }) else { return "-" }
                return "\(sec(x.seconds)) \(pct(x.share))"
            }
            if cells.allSatisfy({ $0 == "-" }) { continue }
            t.append([p.label] + cells)
        }
        t.append(["total (mean of the group)"] + e.groups.map { sec($0.meanSeconds) })
        t.append(["requests in the group"] + e.groups.map { count($0.count) })
        t.append(["percentile at least"] + e.groups.map { sec($0.thresholdSeconds) })
        out += t.render() + "\n"
        if !e.errors.isEmpty {
            var u = TextTable(header: ["error cause", "count", "replica"])
            for c in e.errors {
                u.append([c.label, count(c.count), c.replica.map { "\($0) (\(pct(c.replicaShare ?? 0)))" } ?? ""])
            }
            out += "\n" + u.render() + "\n"
        }
        out += "\n\(count(e.requests)) \(e.userRequests ? "user requests, \(count(e.attempts)) attempts" : "requests")\n"
        return out
    }

    static func pct(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
    static func fmt(_ x: Double, _ d: Int) -> String { String(format: "%.\(d)f", x) }
    static func sec(_ s: Double) -> String {
        s >= 1 ? String(format: "%.2f s", s) : String(format: "%.1f ms", 1000 * s)
    }
    static func count(_ n: Int) -> String { NumberFormatting.grouped(n) }
}
