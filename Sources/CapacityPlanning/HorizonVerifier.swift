import Foundation
import ServingModel
import SimulationCore
import Workload

/// Simulates a plan over a whole horizon with time-varying arrivals (a
/// non-homogeneous Poisson process, piecewise constant per interval) and
/// the plan in force, and judges every interval against the SLA.
///
/// Requests are assigned to the interval they arrive in. Per interval:
/// latency statistics from log histograms of its requests' latencies
/// (within 0.2%, in constant memory); error
/// rate = (rejected + timed out) / offered; availability = 1 − (rejected +
/// timed out + lost to failures) / offered; goodput = completions meeting
/// the scenario's `slo` / offered. One replication per plan: an interval
/// holds thousands of requests at the loads planned here.
package struct HorizonVerifier: Sendable {
    /// The scenario: replicas, batching, sizes, cold start, `slo`.
    package var base: ServingConfiguration
    /// The targets every interval must meet.
    package var sla: SLA
    /// Interval width (s).
    package var interval: Double
    /// Whether runs record where each request spent its time
    /// (``ServingConfiguration/attribution``, per arrival interval), so the
    /// verification carries each interval's p99 TTFT in parts and the
    /// worst interval's ``WorstIntervalExplanation``.
    package var explain = false

    /// A verifier; `explain` sets ``explain``.
    package init(base: ServingConfiguration, sla: SLA, interval: Double, explain: Bool = false) throws {
        guard interval > 0, interval.isFinite else { throw PlanningError("--interval", "expected a duration > 0, got \(interval) s") }
        self.base = base
        self.sla = sla
        self.interval = interval
        self.explain = explain
    }

    /// Bins per interval in the replica time series (about 10 minutes each).
    var binsPerInterval: Int { max(1, Int((interval / 600).rounded())) }

    /// The configuration that runs `plan` against `rates` (requests/s per interval).
    func configuration(_ plan: Provisioning, rates: [Double], seed: UInt64) throws -> ServingConfiguration {
        var c = base
        c.seed = seed
        c.duration = Double(rates.count) * interval
        c.warmup = 0
        c.drain = false
        c.latencyByArrivalInterval = interval
        if explain { c.attribution = true }
        c.timeSeriesInterval = interval / Double(binsPerInterval)
        c.arrivals = .processes([.rateCurve(try RateCurve(starts: rates.indices.map { Double($0) * interval }, rates: rates))])
        let coldStart = base.replicas.dynamics?.coldStart ?? .deterministic(0)
        switch plan {
        case .fixed(let n):
            c.replicas.count = n
            c.replicas.dynamics = nil
        case .schedule(let entries):
            let top = entries.map(\.replicas).max() ?? 1
            c.replicas.count = entries.first?.replicas ?? 1
            c.replicas.dynamics = ClusterDynamics(minReplicas: 1, maxReplicas: top, coldStart: coldStart,
                                                  scaler: .schedule(ReplicaSchedule(starts: entries.map(\.start), counts: entries.map(\.replicas))))
        case .autoscaler(let a, let initial):
            c.replicas.count = min(max(initial, a.minReplicas), a.maxReplicas)
            c.replicas.dynamics = ClusterDynamics(minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, coldStart: coldStart, scaler: a.scaler)
        }
        return c
    }

    /// Simulates `plan` against `rates` and judges each interval.
    package func verify(_ plan: Provisioning, rates: [Double], seed: UInt64? = nil) throws -> HorizonVerification {
        guard !rates.isEmpty else { throw PlanningError("load", "the horizon has no interval") }
        let config = try configuration(plan, rates: rates, seed: seed ?? base.seed)
        let (result, metrics) = try ServingRun(configuration: config).execute()
        return judge(metrics, rates: rates, gpuHours: result.cluster.gpuHours)
    }

    /// Per-interval outcomes from a run's records and series.
    func judge(_ m: ServingMetrics, rates: [Double], gpuHours: Double) -> HorizonVerification {
        let n = rates.count, k = binsPerInterval
        let latency = (0..<n).map { $0 < m.byArrival.count ? m.byArrival[$0] : ArrivalIntervalLatency() }
        let s = m.series
        func sum(_ c: (Int) -> Double, _ i: Int) -> Double {
            (i * k..<(i + 1) * k).reduce(0) { $0 + c($1) }
        }
        func mean(_ a: [Double], _ i: Int) -> Double {
            let r = (i * k)..<min((i + 1) * k, a.count)
            return r.isEmpty ? 0 : r.reduce(0) { $0 + a[$1] } / Double(r.count)
        }
        var outcomes: [IntervalOutcome] = []
        for i in 0..<n {
            let offered = sum(s.offered.value(inBin:), i)
            let errors = sum(s.rejected.value(inBin:), i) + sum(s.timedOut.value(inBin:), i)
            let lost = sum(s.failed.value(inBin:), i)
            var values: [Double] = []
            var met: [Bool] = []
            for t in sla.targets {
                let v: Double
                switch t {
                case .latency(let stat, let metric, _):
                    switch metric {
                    case .e2e: v = Self.statistic(stat, latency[i].e2e)
                    case .ttft: v = Self.statistic(stat, latency[i].ttft)
                    case .queueWait: v = Self.statistic(stat, latency[i].queueWait)
                    case .tpot: v = Self.statistic(stat, latency[i].tpot)
                    }
                case .errorRate: v = offered > 0 ? errors / offered : 0
                case .availability: v = offered > 0 ? 1 - (errors + lost) / offered : 1
                case .goodput: v = offered > 0 ? Double(latency[i].good) / offered : 1
                }
                values.append(v)
                met.append(SLA.meets(t, v))
            }
            let ready = mean(s.ready, i), starting = mean(s.starting, i)
            outcomes.append(IntervalOutcome(
                start: Double(i) * interval, end: Double(i + 1) * interval, rate: rates[i], offered: Int(offered),
                readyReplicas: ready, provisionedReplicas: ready + starting,
                e2e: [0.5, 0.9, 0.99].map { latency[i].e2e.percentile($0) },
                ttft: [0.5, 0.9, 0.99].map { latency[i].ttft.percentile($0) },
                values: values, met: met, completed: Int(sum(s.completed.value(inBin:), i)),
                outputTokens: sum(s.outputTokens.value(inBin:), i)))
        }
        let samples = s.ready.indices.map { b in
            HorizonVerification.ReplicaSample(time: Double(b + 1) * s.interval, ready: s.ready[b],
                                              starting: b < s.starting.count ? s.starting[b] : 0,
                                              desired: b < s.desired.count ? s.desired[b] : s.ready[b])
        }
        var v = HorizonVerification(targets: sla.targets.map { SLA(targets: [$0]).description }, intervals: outcomes,
                                    simulatedGPUHours: gpuHours, replicaSeries: samples)
        if let a = m.attribution {
            v.p99TtftParts = outcomes.indices.map { i in
                let g = a.group(quantile: 0.99, ttft: true, interval: i)
                let mean = g.mean
                return AttributionPart.allCases.map { mean > 0 ? (g.parts[$0] ?? 0) / mean * outcomes[i].ttft[2] : 0 }
            }
            if let w = v.worstInterval(sla: sla) {
                let i = w.index
                v.worstExplanation = WorstIntervalExplanation.explain(
                    a, interval: i, outcome: outcomes[i], target: v.targets[w.target], value: outcomes[i].values[w.target],
                    met: outcomes[i].met[w.target], rejected: Int(sum(s.rejected.value(inBin:), i)),
                    timedOut: Int(sum(s.timedOut.value(inBin:), i)), lost: Int(sum(s.failed.value(inBin:), i)),
                    continuous: { if case .continuous = base.replicas.batching { true } else { false } }())
            }
        }
        return v
    }

    /// A latency statistic of a histogram (0 when empty).
    static func statistic(_ s: SLA.Statistic, _ h: LogHistogram) -> Double {
        switch s {
        case .mean: return h.mean
        case .p50: return h.percentile(0.5)
        case .p90: return h.percentile(0.9)
        case .p95: return h.percentile(0.95)
        case .p99: return h.percentile(0.99)
        case .p999: return h.percentile(0.999)
        }
    }

    /// How far a value is from its limit: above 1 misses (value ÷ limit for
    /// upper limits, shortfall ÷ allowance for lower ones).
    static func severity(_ t: SLA.Target, _ v: Double) -> Double {
        switch t {
        case .latency(_, _, let limit): return v / limit
        case .errorRate(let limit): return limit > 0 ? v / limit : (v > 0 ? .infinity : 0)
        case .availability(let floor), .goodput(let floor):
            return floor < 1 ? (1 - v) / (1 - floor) : (v < 1 ? .infinity : 0)
        }
    }
}
