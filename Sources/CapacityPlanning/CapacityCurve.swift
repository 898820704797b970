import Foundation
import ServingModel

/// The largest arrival rate a cluster of n replicas sustains with every SLA
/// target holding, measured by simulation at a few replica counts and
/// interpolated between them. Computed once per plan and reused for every
/// interval of a schedule, the static size and the autoscaler's bounds.
///
/// Between measured counts the per-replica rate is interpolated linearly;
/// beyond the last it is held (per-replica capacity grows with pooling, so
/// both err on the side of more replicas). Verification by simulation
/// catches what interpolation misses.
package struct CapacityCurve: Sendable, Codable, Equatable {
    /// One measured count.
    package struct Point: Sendable, Codable, Equatable {
        /// Replicas.
        package var replicas: Int
        /// Largest rate (requests/s) at which every target held.
        package var maxRate: Double
        /// Requests in flight per replica at that rate (Little's law:
        /// throughput × mean end-to-end latency ÷ replicas).
        package var inFlightPerReplica: Double

        /// A point.
        package init(replicas: Int, maxRate: Double, inFlightPerReplica: Double) {
            self.replicas = replicas
            self.maxRate = maxRate
            self.inFlightPerReplica = inFlightPerReplica
        }
    }

    /// Measured points, by increasing replica count.
    package var points: [Point]

    /// A curve from measured points (at least one, increasing replicas, rates > 0).
    package init(points: [Point]) throws {
        guard !points.isEmpty else { throw PlanningError("capacity curve", "needs at least one measured replica count") }
        for i in points.indices {
            guard points[i].maxRate > 0, points[i].replicas >= 1 else {
                throw PlanningError("capacity curve", "point \(i) needs replicas >= 1 and a rate > 0, got \(points[i].replicas) replicas at \(points[i].maxRate)/s")
            }
            if i > 0, points[i].replicas <= points[i - 1].replicas {
                throw PlanningError("capacity curve", "replica counts must increase (point \(i): \(points[i].replicas) after \(points[i - 1].replicas))")
            }
        }
        self.points = points
    }

    enum CodingKeys: String, CodingKey { case points }

    /// A curve read from a part file, checked as ``init(points:)`` checks
    /// one, and every rate and in-flight count finite.
    package init(from decoder: Decoder) throws {
        let points = try decoder.container(keyedBy: CodingKeys.self).decode([Point].self, forKey: .points)
        guard points.allSatisfy({ $0.maxRate.isFinite && $0.inFlightPerReplica.isFinite && $0.inFlightPerReplica >= 0 }) else {
            throw PlanningError("capacity curve", "every point needs a finite rate and in-flight count >= 0")
        }
        try self.init(points: points)
    }

    /// Sustainable rate per replica at `n` replicas.
    func perReplica(_ n: Int) -> Double {
        let first = points[0], last = points[points.count - 1]
        if n <= first.replicas { return first.maxRate / Double(first.replicas) }
        if n >= last.replicas { return last.maxRate / Double(last.replicas) }
        let j = points.firstIndex { $0.replicas >= n }!
        let a = points[j - 1], b = points[j]
        let ga = a.maxRate / Double(a.replicas), gb = b.maxRate / Double(b.replicas)
        let w = Double(n - a.replicas) / Double(b.replicas - a.replicas)
        return ga + w * (gb - ga)
    }

    /// The largest sustainable rate of `n` replicas (requests/s).
    package func maxRate(replicas n: Int) -> Double {
        Double(n) * perReplica(n)
    }

    /// The fewest replicas (at least 1) that sustain `rate` requests/s.
    package func replicas(for rate: Double) -> Int {
        guard rate > 0 else { return 1 }
        var n = max(1, ServingLimits.saturatingInt((rate / perReplica(points[points.count - 1].replicas)).rounded(.down)))
        while n > 1 && maxRate(replicas: n - 1) >= rate { n -= 1 }
        while maxRate(replicas: n) < rate { n += 1 }
        return n
    }

    /// In-flight requests per replica at the capacity of `n` replicas.
    package func inFlightPerReplica(replicas n: Int) -> Double {
        let j = points.lastIndex { $0.replicas <= n } ?? 0
        return points[j].inFlightPerReplica
    }

    /// Measures the curve by simulation until it covers `rate`.
    ///
    /// At each count of a geometric grid (1, 2, 3, 5, 8, 12, …) the rate is
    /// bracketed from the previous count's per-replica rate and bisected to
    /// `tolerance` (relative), each candidate judged by ``StaticPlanner/evaluate(replicas:)``
    /// (common random numbers across candidates, replications in parallel).
    ///
    /// - Throws: ``PlanningError`` when even one replica at a light load
    ///   misses a target (the targets are unreachable), naming the best value.
    package static func measure(base: ServingConfiguration, sla: SLA, covering rate: Double, confidence: Double = 0.95,
                               replications: Int = 4, tolerance: Double = 0.03) throws -> CapacityCurve {
        guard rate > 0, rate.isFinite else { throw PlanningError("load", "expected a peak design rate > 0, got \(rate)") }
        func judge(_ r: Double, _ n: Int) throws -> (met: Bool, evaluation: StaticPlanner.Evaluation, runs: [ServingResult]) {
            let p = try StaticPlanner(base: base, designRate: r, sla: sla, confidence: confidence, replications: replications)
            let runs = try p.replicationResults(replicas: n)
            let e = p.judge(runs, replicas: n)
            return (e.met, e, runs)
        }
        let saturated = try StaticPlanner(base: base, designRate: rate, sla: sla, confidence: confidence,
                                          replications: replications).replicaCapacity()
        var points: [Point] = []
        var n = 1
        var perReplica = saturated / 2
        while true {
            // Find a met rate at or below the guess, then a failing one above it.
            var lo = Double(n) * perReplica
            var loEval = try judge(lo, n)
            var shrinks = 0
            while !loEval.met {
                shrinks += 1
                if shrinks > 12 {
                    let stuck = loEval.evaluation.targets.filter { !$0.met }
                        .map { "\($0.target) (best \(format($0.mean)))" }.joined(separator: ", ")
                    throw PlanningError("--sla", "unreachable: \(stuck) miss even at \(format(lo)) req/s on \(n) replica(s); no replica count meets them")
                }
                lo *= 0.6
                loEval = try judge(lo, n)
            }
            var hi = lo * 1.3
            while true {
                let e = try judge(hi, n)
                guard e.met else { break }
                (lo, loEval) = (hi, e)
                hi *= 1.3
            }
            while (hi - lo) / hi > tolerance {
                let mid = (lo + hi) / 2
                let e = try judge(mid, n)
                if e.met { (lo, loEval) = (mid, e) } else { hi = mid }
            }
            let runs = loEval.runs
            let inFlight = runs.reduce(0.0) { $0 + $1.throughput.requestsPerSecond * $1.latencySeconds.e2e.mean } / Double(runs.count) / Double(n)
            perReplica = max(perReplica, lo / Double(n))
            points.append(Point(replicas: n, maxRate: max(lo, points.last?.maxRate ?? 0), inFlightPerReplica: inFlight))
            if lo >= rate { break }
            // The next count: half again, but no further than the rate needs.
            let needed = ServingLimits.saturatingInt((rate / perReplica).rounded(.up))
            n = min(max(n + 1, Int((Double(n) * 1.5).rounded(.up))), max(n + 1, needed))
            try StaticPlanner.checkReplicas(n, designRate: rate)
        }
        return try CapacityCurve(points: points)
    }

    static func format(_ x: Double) -> String { String(format: "%.4g", x) }
}
