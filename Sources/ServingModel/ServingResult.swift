/// The outcome of a serving run, as `headroom simulate --format json`
/// prints it (keys in snake_case).
public struct ServingResult: Sendable, Encodable {
    /// Scenario name.
    public var scenario: String
    /// Seed used.
    public var seed: UInt64
    /// Simulated seconds.
    public var simulatedSeconds: Double
    /// Measured window (simulated seconds after warm-up).
    public var measuredSeconds: Double
    /// Wall-clock seconds of the run.
    public var wallSeconds: Double
    /// Events fired.
    public var events: Int
    /// Request outcomes in the measured window.
    public var requests: RequestCounts
    /// Latency summaries (s).
    public var latencySeconds: Latencies
    /// Throughput in the measured window.
    public var throughput: Throughput
    /// Completions per second meeting every SLO target.
    public var goodputRequestsPerSecond: Double
    /// Share of completions meeting every SLO target.
    public var sloAttainment: Double
    /// Busy replica-time over provisioned replica-time.
    public var utilization: Double
    /// Mean fraction of KV-cache blocks in use (continuous batching).
    public var kvCacheUtilization: Double
    /// Preemptions (KV cache exhausted) in the measured window.
    public var preemptions: Int
    /// Replica counts and GPU time.
    public var cluster: Cluster

    /// What the cluster provisioned.
    public struct Cluster: Sendable, Encodable {
        /// Mean replicas provisioned (starting, ready, draining or failed).
        public var meanReplicas: Double
        /// Most replicas provisioned at once.
        public var peakReplicas: Double
        /// GPU-hours of the measured window (provisioned replicas × GPUs per replica).
        public var gpuHours: Double
    }

    /// 95% confidence intervals of the mean latencies (30 time batches).
    public var confidence: Confidence

    /// Confidence intervals of means.
    public struct Confidence: Sendable, Encodable {
        /// Mean queue wait.
        public var queueWaitMean: Interval
        /// Mean end-to-end latency.
        public var e2eMean: Interval
    }

    /// A two-sided interval.
    public struct Interval: Sendable, Encodable {
        /// Point estimate.
        public var mean: Double
        /// Half-width.
        public var halfWidth: Double
        /// Confidence level.
        public var level: Double
    }

    /// Outcome counts.
    public struct RequestCounts: Sendable, Encodable {
        /// Arrivals.
        public var offered: Int
        /// Served to the last token.
        public var completed: Int
        /// Refused (full queue, or too large to ever fit).
        public var rejected: Int
        /// Gave up waiting (queue timeout).
        public var timedOut: Int
        /// Lost when their replica failed.
        public var failed: Int
        /// Still in flight when the run ended.
        public var unfinished: Int
    }

    /// The four latencies.
    public struct Latencies: Sendable, Encodable {
        /// Arrival to first scheduled.
        public var queueWait: LatencySummary
        /// Arrival to first token.
        public var ttft: LatencySummary
        /// Time per output token after the first.
        public var tpot: LatencySummary
        /// Arrival to last token.
        public var e2e: LatencySummary
    }

    /// Throughput.
    public struct Throughput: Sendable, Encodable {
        /// Completions per second.
        public var requestsPerSecond: Double
        /// Output tokens of completions per second.
        public var outputTokensPerSecond: Double
    }
}
