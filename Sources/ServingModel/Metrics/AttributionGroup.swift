/// The requests whose latency is at or above one percentile, and the mean
/// time each of them spent in each ``AttributionPart``.
package struct AttributionGroup: Sendable, Equatable {
    /// The percentile's quantile (0.99 for the p99; 0: every request).
    package var quantile: Double
    /// Lower edge of the latency bin holding the percentile (s): every
    /// request of the group took at least this long.
    package var threshold: Double
    /// Requests in the group.
    package var count: Int
    /// Mean seconds per part over the group.
    package var parts: [AttributionPart: Double]

    /// The group's mean latency: the sum of its parts' means.
    package var mean: Double { AttributionPart.allCases.reduce(0) { $0 + (parts[$1] ?? 0) } }

    /// The share of the mean latency that `part` makes (0 for an empty group).
    package func share(_ part: AttributionPart) -> Double {
        let m = mean
        return m > 0 ? (parts[part] ?? 0) / m : 0
    }

    /// The parts, largest first (ties in declaration order).
    package var ranked: [(part: AttributionPart, seconds: Double)] {
        AttributionPart.allCases.map { ($0, parts[$0] ?? 0) }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0.rawValue < $1.0.rawValue) }
    }
}
