/// How one interval of a verified horizon fared against the SLA.
package struct IntervalOutcome: Sendable, Codable, Equatable {
    /// Start (s from the horizon's start).
    package var start: Double
    /// End (s).
    package var end: Double
    /// Arrival rate simulated (requests/s).
    package var rate: Double
    /// Requests that arrived in the interval.
    package var offered: Int
    /// Mean ready replicas over the interval's samples.
    package var readyReplicas: Double
    /// Mean provisioned replicas (ready or starting).
    package var provisionedReplicas: Double
    /// p50, p90 and p99 end-to-end latency of requests arriving in the interval (s).
    package var e2e: [Double]
    /// p50, p90 and p99 time to first token (s).
    package var ttft: [Double]
    /// Each target's value, in the SLA's order.
    package var values: [Double]
    /// Whether each target held.
    package var met: [Bool]

    /// Requests completed in the interval.
    package var completed: Int = 0
    /// Output tokens of the requests completed in the interval.
    package var outputTokens: Double = 0

    /// Whether every target held.
    package var slaMet: Bool { met.allSatisfy { $0 } }
}
