/// One served request's latencies and their parts (indexed by
/// ``AttributionPart/rawValue``), kept when the run records its requests.
package struct AttributedRequest: Sendable, Equatable {
    /// Time to first token as its user saw it (s).
    package var ttft: Double
    /// End-to-end latency as its user saw it (s).
    package var e2e: Double
    /// The parts of ``ttft`` (KV transfer and decode are 0).
    package var ttftParts: [Double]
    /// The parts of ``e2e``.
    package var e2eParts: [Double]
    /// The replica that served it.
    package var replica: Int
}
