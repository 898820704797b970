/// How one interval of a verified horizon fared against the SLA.
public struct IntervalOutcome: Sendable, Encodable, Equatable {
    /// Start (s from the horizon's start).
    public var start: Double
    /// End (s).
    public var end: Double
    /// Arrival rate simulated (requests/s).
    public var rate: Double
    /// Requests that arrived in the interval.
    public var offered: Int
    /// Mean ready replicas over the interval's samples.
    public var readyReplicas: Double
    /// Mean provisioned replicas (ready or starting).
    public var provisionedReplicas: Double
    /// p50, p90 and p99 end-to-end latency of requests arriving in the interval (s).
    public var e2e: [Double]
    /// p50, p90 and p99 time to first token (s).
    public var ttft: [Double]
    /// Each target's value, in the SLA's order.
    public var values: [Double]
    /// Whether each target held.
    public var met: [Bool]

    /// Whether every target held.
    public var slaMet: Bool { met.allSatisfy { $0 } }
}
