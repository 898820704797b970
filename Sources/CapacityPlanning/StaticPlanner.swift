import Foundation
import ServingModel
import SimulationCore
import Workload

/// Sizes a static cluster: the smallest replica count whose simulated runs
/// meet every SLA target at the design rate with the stated confidence.
///
/// The search starts from an analytic lower bound (the throughput bound
/// λ/μ, with μ measured once by saturating one replica, or 1/E[S] for
/// unbatched replicas), grows geometrically until the targets hold, then
/// bisects. Each candidate runs the same seeds (common random numbers), in
/// parallel on all cores. For an M/M/c scenario (unbatched, exponential
/// service, Poisson arrivals) whose targets are all queue-wait statistics
/// the answer is Erlang C's exactly, and the simulation only verifies it.
package struct StaticPlanner: Sendable {
    /// The scenario whose replicas, batching and workload shape are planned.
    package var base: ServingConfiguration
    /// Arrival rate to plan for (requests/s), headroom included.
    package var designRate: Double
    /// The targets.
    package var sla: SLA
    /// One-sided confidence that each target holds (e.g. 0.95).
    package var confidence: Double
    /// Independent replications per candidate (>= 2).
    package var replications: Int

    /// A planner.
    package init(base: ServingConfiguration, designRate: Double, sla: SLA, confidence: Double = 0.95, replications: Int = 4) throws {
        guard designRate > 0, designRate.isFinite else { throw PlanningError("--peak-rate", "expected a rate > 0, got \(designRate)") }
        // Each candidate simulates the design rate for the scenario's
        // duration: refuse a plan whose every run would be absurd.
        let arrivals = designRate * base.duration
        if arrivals > ServingLimits.maxArrivals {
            throw PlanningError("--peak-rate", "a design rate of \(Self.rate(designRate)) (headroom included) for \(Self.rate(base.duration, unit: " s")) "
                                + "is \(Self.rate(arrivals, unit: "")) arrivals per simulated run, above the limit of 50 million; "
                                + "lower the rate or give a shorter --duration")
        }
        guard confidence > 0.5 && confidence < 1 else { throw PlanningError("--confidence", "expected a level in (0.5, 1), got \(confidence)") }
        guard replications >= 2 else { throw PlanningError("--replications", "expected at least 2 (a confidence bound needs a spread), got \(replications)") }
        guard case .processes(let ps) = base.arrivals, !ps.isEmpty else {
            throw PlanningError("workload.arrivals", "planning scales an arrival process to the design rate; a trace replay cannot be rescaled (use a process with sizes from the trace)")
        }
        self.base = base
        self.designRate = designRate
        self.sla = sla
        self.confidence = confidence
        self.replications = replications
    }

    /// One candidate replica count and how it fared.
    package struct Evaluation: Sendable, Encodable {
        /// Replicas.
        package var replicas: Int
        /// Whether every target held at the confidence level.
        package var met: Bool
        /// Per target: the mean over replications and its one-sided bound.
        package var targets: [SLA.Judgement]
    }

    /// The plan.
    package struct Plan: Sendable, Encodable {
        /// Requests/s planned for.
        package var designRate: Double
        /// Smallest replica count meeting every target (nil: unreachable).
        package var replicas: Int?
        /// GPUs of that many replicas.
        package var gpus: Int?
        /// `erlang_c` (exact) or `simulation`.
        package var method: String
        /// The analytic lower bound the search started from.
        package var lowerBound: Int
        /// Every candidate simulated, in the order tried.
        package var evaluations: [Evaluation]
        /// When unreachable: the targets that never held and the best value seen.
        package var unreachable: [SLA.Judgement]
    }

    /// Runs the search.
    package func plan() throws -> Plan {
        let lower = try lowerBound()
        var evaluations: [Int: Evaluation] = [:]
        func evaluate(_ c: Int) throws -> Evaluation {
            if let e = evaluations[c] { return e }
            let e = try self.evaluate(replicas: c)
            evaluations[c] = e
            return e
        }
        let gpusPerReplica = base.replicas.hardware?.gpusPerReplica ?? 1
        if let exact = erlangCStaffing() {
            let e = try evaluate(exact)
            return Plan(designRate: designRate, replicas: exact, gpus: exact * gpusPerReplica, method: "erlang_c",
                        lowerBound: lower, evaluations: [e], unreachable: [])
        }
        // Grow until every target holds, watching for targets that stop improving.
        var fail = lower - 1, pass: Int?
        var c = lower
        var previous: Evaluation?
        var order: [Int] = []
        while pass == nil {
            let e = try evaluate(c)
            order.append(c)
            if e.met { pass = c; break }
            if let p = previous, c >= 4 * lower + 8, !improving(from: p, to: e) {
                let stuck = e.targets.filter { !$0.met }
                return Plan(designRate: designRate, replicas: nil, gpus: nil, method: "simulation", lowerBound: lower,
                            evaluations: order.map { evaluations[$0]! }, unreachable: stuck)
            }
            previous = e
            fail = c
            c = max(c + 1, Int((Double(c) * 1.5).rounded(.up)))
            try Self.checkReplicas(c, designRate: designRate)
        }
        var hi = pass!
        while hi - fail > 1 {
            let mid = (fail + hi) / 2
            let e = try evaluate(mid)
            order.append(mid)
            if e.met { hi = mid } else { fail = mid }
        }
        return Plan(designRate: designRate, replicas: hi, gpus: hi * gpusPerReplica, method: "simulation", lowerBound: lower,
                    evaluations: order.map { evaluations[$0]! }, unreachable: [])
    }

    /// Whether any failing target got at least 2% closer to its limit.
    func improving(from a: Evaluation, to b: Evaluation) -> Bool {
        zip(a.targets, b.targets).contains { x, y in
            !y.met && abs(y.bound - x.bound) > 0.02 * max(abs(x.bound), 1e-12)
        }
    }

    /// The M/M/c answer when it applies exactly.
    func erlangCStaffing() -> Int? {
        guard case .unbatched = base.replicas.batching, base.replicas.dispatch == .sharedQueue,
              case .exponential(let meanService)? = base.replicas.service,
              case .processes(let ps) = base.arrivals, ps.count == 1, case .poisson = ps[0],
              base.replicas.maxQueue == nil, base.replicas.queueTimeout == nil else { return nil }
        let mu = 1 / meanService
        var c = ServingLimits.saturatingInt((designRate / mu).rounded(.down)) + 1
        for target in sla.targets {
            guard case .latency(let stat, .queueWait, let t) = target else { return nil }
            let p: Double?
            switch stat {
            case .mean: p = nil
            case .p50: p = 0.5
            case .p90: p = 0.9
            case .p95: p = 0.95
            case .p99: p = 0.99
            case .p999: p = 0.999
            }
            while true {
                let value = p.map { QueueingTheory.mmcWaitQuantile(arrivalRate: designRate, serviceRate: mu, servers: c, p: $0) }
                    ?? QueueingTheory.mmcMeanWait(arrivalRate: designRate, serviceRate: mu, servers: c)
                if value <= t { break }
                c += 1
            }
        }
        return c
    }

    /// The throughput bound ⌈λ/μ⌉ (at least 1); more than
    /// ``ServingLimits/maxReplicas`` is refused.
    func lowerBound() throws -> Int {
        let bound: Int
        if case .unbatched = base.replicas.batching, let s = base.replicas.service {
            bound = max(1, ServingLimits.saturatingInt((designRate * s.mean).rounded(.down)) + 1)
        } else {
            bound = max(1, ServingLimits.saturatingInt((designRate / (try replicaCapacity())).rounded(.up)))
        }
        try Self.checkReplicas(bound, designRate: designRate)
        return bound
    }

    /// Refuses a size above ``ServingLimits/maxReplicas``.
    static func checkReplicas(_ n: Int, designRate: Double) throws {
        guard n > ServingLimits.maxReplicas else { return }
        throw PlanningError("--peak-rate", "a design rate of \(rate(designRate)) needs at least \(n) replicas, "
                            + "above the limit of \(ServingLimits.maxReplicas); lower the rate or the headroom")
    }

    /// `x` for messages: `240/s`, `3.6e+09/s`.
    static func rate(_ x: Double, unit: String = "/s") -> String {
        (x < 1e6 && x == x.rounded() ? String(Int(x)) : String(format: "%.3g", x)) + unit
    }

    /// Completions per second of one replica kept saturated (every
    /// completion after the warm-up counts, whenever its request arrived).
    package func replicaCapacity() throws -> Double {
        var config = scaled(to: designRate * 4, replicas: 1)
        config.replicas.maxQueue = 2_000
        config.duration = min(base.duration, 1_800)
        // Saturating needs more than one replica's capacity, not billions
        // of arrivals: at most the arrivals one run may have.
        if designRate * 4 * config.duration > ServingLimits.maxArrivals {
            config = scaled(to: ServingLimits.maxArrivals / config.duration, replicas: 1)
            config.replicas.maxQueue = 2_000
            config.duration = min(base.duration, 1_800)
        }
        config.warmup = min(config.duration / 5, 120)
        config.timeSeriesInterval = max(config.warmup / 4, ServingLimits.minInterval)
        let (_, metrics) = try ServingRun(configuration: config).execute()
        let bins = metrics.series.completed
        let first = bins.bin(at: config.warmup)
        let done = bins.bins.indices.filter { $0 >= first }.reduce(0.0) { $0 + bins.value(inBin: $1) }
        guard done > 0 else {
            throw PlanningError("replicas", "one saturated replica completed no request in \(config.duration) s; check the hardware profile and sizes")
        }
        return done / (config.duration - Double(first) * config.timeSeriesInterval)
    }

    /// The base scenario with its arrivals scaled to `rate` and `replicas`
    /// replicas, held fixed: the scenario's autoscaler (KEDA and predictive
    /// scaling included) is not part of a capacity measurement.
    func scaled(to rate: Double, replicas: Int) -> ServingConfiguration {
        var config = base
        config.replicas.dynamics?.scaler = nil
        config.replicas.dynamics?.keda = nil
        config.replicas.dynamics?.predictive = nil
        guard case .processes(let ps) = base.arrivals else { return config }
        let total = ps.reduce(0) { $0 + $1.meanRate }
        config.arrivals = .processes(ps.map { $0.scaled(by: rate / total) })
        config.replicas.count = replicas
        return config
    }

    /// Simulates `replicas` with every seed and judges each target.
    package func evaluate(replicas: Int) throws -> Evaluation {
        judge(try replicationResults(replicas: replicas), replicas: replicas)
    }

    /// The runs of `replicas` at the design rate, one per seed (the same
    /// seeds for every candidate: common random numbers), in parallel.
    package func replicationResults(replicas: Int) throws -> [ServingResult] {
        let config = scaled(to: designRate, replicas: replicas)
        return try Replications.run(count: replications) { i in
            var c = config
            c.seed = base.seed &+ UInt64(i)
            return try ServingRun(configuration: c).execute().result
        }
    }

    /// Each target's mean and one-sided bound over `results`.
    package func judge(_ results: [ServingResult], replicas: Int) -> Evaluation {
        let t = Quantiles.studentT(confidence, degreesOfFreedom: Double(replications - 1))
        let values = sla.targets.map { target in
            var w = Welford()
            for r in results { w.record(SLA.value(of: target, in: r)) }
            return SLA.judge(target, values: w, t: t)
        }
        return Evaluation(replicas: replicas, met: values.allSatisfy(\.met), targets: values)
    }
}
