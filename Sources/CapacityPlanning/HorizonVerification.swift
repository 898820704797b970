import ServingModel

/// A plan simulated over its whole horizon: per-interval SLA outcomes.
package struct HorizonVerification: Sendable, Codable {
    /// The SLA's targets, as written (the order of ``IntervalOutcome/values``).
    package var targets: [String]
    /// One outcome per interval.
    package var intervals: [IntervalOutcome]
    /// GPU-hours the simulated cluster provisioned (ready, starting or draining replicas).
    package var simulatedGPUHours: Double
    /// Replicas (ready, starting, desired) per time-series bin, for charts.
    package var replicaSeries: [ReplicaSample]
    /// Per interval, its p99 time to first token cut into the parts of
    /// ``AttributionPart`` (in its order) by the shares of the requests at
    /// or above it; they add up to ``IntervalOutcome/ttft``[2]. Empty unless
    /// verified with ``HorizonVerifier/explain``.
    package var p99TtftParts: [[Double]] = []
    /// Why the worst interval (``worstInterval(sla:)``) came out as it did
    /// (nil unless verified with ``HorizonVerifier/explain``).
    package var worstExplanation: WorstIntervalExplanation?

    /// Replica counts at the end of one time-series bin.
    package struct ReplicaSample: Sendable, Codable, Equatable {
        /// Bin end (s).
        package var time: Double
        /// Ready replicas.
        package var ready: Double
        /// Starting (cold) replicas.
        package var starting: Double
        /// Replicas asked for by the schedule or autoscaler.
        package var desired: Double
    }

    /// Checks that a verification read from a part file fits a horizon of
    /// `count` intervals judged against `targets` targets, so nothing that
    /// renders it reads past an array.
    package func check(intervals count: Int, targets: Int) throws {
        let fits = intervals.count == count && self.targets.count == targets
            && intervals.allSatisfy { $0.values.count == targets && $0.met.count == targets && $0.e2e.count == 3 && $0.ttft.count == 3 }
            && (p99TtftParts.isEmpty || (p99TtftParts.count == count && p99TtftParts.allSatisfy { $0.count == AttributionPart.allCases.count }))
            && (worstExplanation.map { (0..<count).contains($0.interval) } ?? true)
        guard fits else {
            throw PlanningError("plan", "a verification holds \(intervals.count) intervals of \(self.targets.count) targets; the plan has \(count) of \(targets) (a damaged part)")
        }
    }

    /// Whether every target held in every interval.
    package var slaMet: Bool { intervals.allSatisfy(\.slaMet) }

    /// Share of intervals in which every target held.
    package var attainment: Double {
        intervals.isEmpty ? 0 : Double(intervals.filter(\.slaMet).count) / Double(intervals.count)
    }

    /// Indices of the intervals that missed a target.
    package var failing: [Int] { intervals.indices.filter { !intervals[$0].slaMet } }

    /// The interval that missed its targets by most (relative to the
    /// limit), or the closest to missing when all held.
    package func worstInterval(sla: SLA) -> (index: Int, target: Int, ratio: Double)? {
        var best: (Int, Int, Double)?
        for (i, o) in intervals.enumerated() {
            for (k, t) in sla.targets.enumerated() where k < o.values.count {
                let r = HorizonVerifier.severity(t, o.values[k])
                if best == nil || r > best!.2 { best = (i, k, r) }
            }
        }
        return best.map { (index: $0.0, target: $0.1, ratio: $0.2) }
    }
}
