import SimulationCore

/// How the cluster changes while it serves: replicas start (after a cold
/// start) and stop under an autoscaler or a schedule, and fail and recover.
package struct ClusterDynamics: Sendable {
    /// Fewest replicas.
    package var minReplicas: Int
    /// Most replicas (the cluster's arrays are sized to it).
    package var maxReplicas: Int
    /// Time from a replica's start to ready: image pull, weight load,
    /// engine warm-up (s).
    package var coldStart: Distribution
    /// What sets the desired replica count.
    package var scaler: Scaler?
    /// Forecast-driven capacity, alone or as a floor under an HPA or KPA.
    package var predictive: PredictiveScaling?
    /// KEDA's scale to and from zero around the HPA (`scaler` must be an
    /// HPA and `minReplicas` 0).
    package var keda: KEDAActivation?
    /// Replica failures.
    package var faults: Faults?
    /// Availability zones; replica r lives in zone r mod zones.
    package var zones: Int = 1
    /// Pre-provisioned instances that start in `warmStart` instead of a cold start.
    package var warmPool: WarmPool?
    /// GPU stock-out: at most `count` replica starts per `interval` seconds.
    package var startLimit: (count: Int, interval: Double)?

    /// What sets the desired count.
    package enum Scaler: Sendable {
        /// The Kubernetes HPA on one metric.
        case hpa(HorizontalPodAutoscaler.Settings, metric: ScalingMetric, scrape: MetricScrape)
        /// The Knative KPA on the concurrency held across replicas.
        case kpa(KnativePodAutoscaler.Settings, scrape: MetricScrape)
        /// A replica schedule, started `lead` seconds ahead of each rise.
        case schedule(ReplicaSchedule)
    }

    /// Fewest replicas unless given (0: the cluster may scale to zero).
    package static let defaultMinReplicas = 0
    /// A replica's cold start unless given (ready at once).
    package static let defaultColdStart = Distribution.deterministic(0)

    /// Dynamics with the given bounds and cold start.
    package init(minReplicas: Int, maxReplicas: Int, coldStart: Distribution, scaler: Scaler? = nil, faults: Faults? = nil) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.coldStart = coldStart
        self.scaler = scaler
        self.faults = faults
    }
}

/// Instances kept provisioned and warm: a start takes one and is ready after
/// `warmStart`; the pool replaces it after a full cold start. The pool's
/// instances count as provisioned (they hold GPUs).
package struct WarmPool: Sendable, Equatable {
    /// Instances kept warm.
    package var size: Int
    /// Start time from a warm instance (s).
    package var warmStart: Double

    /// A warm pool.
    package init(size: Int, warmStart: Double) {
        self.size = size
        self.warmStart = warmStart
    }
}

/// A metric an autoscaler reads, averaged over ready replicas.
package enum ScalingMetric: String, Sendable, CaseIterable {
    /// Fraction of time busy (a CPU-utilisation analogue).
    case utilization
    /// Requests held (waiting or running) per replica.
    case inFlight = "in_flight"
    /// Requests waiting per replica.
    case queueDepth = "queue_depth"
    /// Fraction of KV-cache blocks in use.
    case kvCache = "kv_cache"
    /// Median time to first token of the requests completed since the
    /// previous scrape (s; an external latency metric).
    case ttftP50 = "ttft_p50"
    /// 90th percentile of the same.
    case ttftP90 = "ttft_p90"
    /// 99th percentile of the same.
    case ttftP99 = "ttft_p99"

    /// Whether the metric is a latency (its target a duration).
    package var isLatency: Bool { self == .ttftP50 || self == .ttftP90 || self == .ttftP99 }
}

/// How an autoscaler's metric is collected: sampled every `interval`, and
/// seen `lag` seconds late (practitioners report metrics 8 s late on average).
package struct MetricScrape: Sendable, Equatable {
    /// Seconds between samples.
    package var interval: Double
    /// Age of the newest sample the autoscaler may use.
    package var lag: Double

    /// A scrape setting.
    package init(interval: Double = 15, lag: Double = 0) {
        self.interval = interval
        self.lag = lag
    }
}

/// Desired replicas over time: `counts[i]` from `starts[i]` on.
package struct ReplicaSchedule: Sendable, Equatable {
    /// Step times (s), increasing.
    package var starts: [Double]
    /// Desired replicas at each step.
    package var counts: [Int]
    /// Replicas for a rise are started this long before it (pre-launch buffer).
    package var lead: Double

    /// How early each step is taken unless given (at its start).
    package static let defaultLead = 0.0

    /// A schedule.
    package init(starts: [Double], counts: [Int], lead: Double = defaultLead) {
        self.starts = starts
        self.counts = counts
        self.lead = lead
    }
}
