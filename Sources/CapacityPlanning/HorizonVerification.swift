import ServingModel

/// A plan simulated over its whole horizon: per-interval SLA outcomes.
public struct HorizonVerification: Sendable, Encodable {
    /// The SLA's targets, as written (the order of ``IntervalOutcome/values``).
    public var targets: [String]
    /// One outcome per interval.
    public var intervals: [IntervalOutcome]
    /// GPU-hours the simulated cluster provisioned (ready, starting or draining replicas).
    public var simulatedGPUHours: Double
    /// Replicas (ready, starting, desired) per time-series bin, for charts.
    public var replicaSeries: [ReplicaSample]

    /// Replica counts at the end of one time-series bin.
    public struct ReplicaSample: Sendable, Encodable, Equatable {
        /// Bin end (s).
        public var time: Double
        /// Ready replicas.
        public var ready: Double
        /// Starting (cold) replicas.
        public var starting: Double
        /// Replicas asked for by the schedule or autoscaler.
        public var desired: Double
    }

    /// Whether every target held in every interval.
    public var slaMet: Bool { intervals.allSatisfy(\.slaMet) }

    /// Share of intervals in which every target held.
    public var attainment: Double {
        intervals.isEmpty ? 0 : Double(intervals.filter(\.slaMet).count) / Double(intervals.count)
    }

    /// Indices of the intervals that missed a target.
    public var failing: [Int] { intervals.indices.filter { !intervals[$0].slaMet } }

    /// The interval that missed its targets by most (relative to the
    /// limit), or the closest to missing when all held.
    public func worstInterval(sla: SLA) -> (index: Int, target: Int, ratio: Double)? {
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
