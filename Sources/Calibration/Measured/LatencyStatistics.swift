/// The summary of one latency over a stage's requests, as inference-perf's
/// lifecycle metrics give it (seconds): mean, median and tail percentiles,
/// minimum and maximum.
package struct LatencyStatistics: Sendable, Equatable {
    /// Mean (s).
    package var mean: Double
    /// Median, the file's `median` (s).
    package var p50: Double
    /// 90th percentile (s).
    package var p90: Double
    /// 95th percentile (s).
    package var p95: Double
    /// 99th percentile (s).
    package var p99: Double
    /// Smallest (s).
    package var min: Double
    /// Largest (s).
    package var max: Double

    /// A summary.
    package init(mean: Double, p50: Double, p90: Double, p95: Double, p99: Double, min: Double, max: Double) {
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.min = min
        self.max = max
    }

    /// Reads `{mean, median, p90, p95, p99, min, max}` (each >= 0; other
    /// percentiles the file has are ignored).
    ///
    /// - Throws: ``InputError`` naming the file and key path of a missing or ill-typed value.
    package init(_ node: MeasuredNode) throws {
        func v(_ key: String) throws -> Double { try node.required(key).double(atLeast: 0) }
        self.init(mean: try v("mean"), p50: try v("median"), p90: try v("p90"), p95: try v("p95"), p99: try v("p99"),
                  min: try v("min"), max: try v("max"))
    }
}
