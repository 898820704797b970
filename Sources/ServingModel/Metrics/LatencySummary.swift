import SimulationCore

/// Mean and tail percentiles of one latency, in seconds.
package struct LatencySummary: Sendable, Equatable, Codable {
    /// Number of observations.
    package var count: Int
    /// Mean.
    package var mean: Double
    /// Median.
    package var p50: Double
    /// 90th percentile.
    package var p90: Double
    /// 95th percentile.
    package var p95: Double
    /// 99th percentile.
    package var p99: Double
    /// 99.9th percentile.
    package var p999: Double
    /// Largest observation.
    package var max: Double

    /// Reads a histogram (percentiles within its 0.2% relative error).
    package init(_ h: LogHistogram) {
        count = Int(h.count)
        mean = h.mean
        p50 = h.percentile(0.5)
        p90 = h.percentile(0.9)
        p95 = h.percentile(0.95)
        p99 = h.percentile(0.99)
        p999 = h.percentile(0.999)
        max = h.count > 0 ? h.max : 0
    }
}
