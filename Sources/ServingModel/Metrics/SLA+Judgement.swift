import SimulationCore

extension SLA {
    /// One target judged over independent runs (replications of a planned
    /// size, seeds of a sweep's cell): the one-sided confidence bound on its
    /// mean, on the side that matters (upper for latencies and the error
    /// rate, lower for availability and goodput), must meet the target.
    package struct Judgement: Sendable, Encodable, Equatable {
        /// The target, as the SLA string writes it.
        package var target: String
        /// Mean over the runs.
        package var mean: Double
        /// The one-sided bound.
        package var bound: Double
        /// Whether the bound meets the target.
        package var met: Bool
    }

    /// `target` judged over `values`, one per run, with `t` the one-sided
    /// Student-t quantile at the confidence level for `values.count − 1`
    /// degrees of freedom.
    package static func judge(_ target: Target, values: Welford, t: Double) -> Judgement {
        let half = t * values.standardDeviation / Double(values.count).squareRoot()
        let bound: Double
        switch target {
        case .latency, .errorRate: bound = values.mean + half
        case .availability, .goodput: bound = values.mean - half
        }
        return Judgement(target: SLA(targets: [target]).description, mean: values.mean, bound: bound, met: meets(target, bound))
    }
}
