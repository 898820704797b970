import SimulationCore

/// How the cluster changes while it serves: replicas start (after a cold
/// start) and stop under an autoscaler or a schedule, and fail and recover.
public struct ClusterDynamics: Sendable {
    /// Fewest replicas.
    public var minReplicas: Int
    /// Most replicas (the cluster's arrays are sized to it).
    public var maxReplicas: Int
    /// Time from a replica's start to ready: image pull, weight load,
    /// engine warm-up (s).
    public var coldStart: Distribution
    /// What sets the desired replica count.
    public var scaler: Scaler?
    /// Forecast-driven capacity, alone or as a floor under an HPA or KPA.
    public var predictive: PredictiveScaling?
    /// KEDA's scale to and from zero around the HPA (`scaler` must be an
    /// HPA and `minReplicas` 0).
    public var keda: KEDAActivation?
    /// Replica failures.
    public var faults: Faults?
    /// Availability zones; replica r lives in zone r mod zones.
    public var zones: Int = 1
    /// Pre-provisioned instances that start in `warmStart` instead of a cold start.
    public var warmPool: WarmPool?
    /// GPU stock-out: at most `count` replica starts per `interval` seconds.
    public var startLimit: (count: Int, interval: Double)?

    /// What sets the desired count.
    public enum Scaler: Sendable {
        /// The Kubernetes HPA on one metric.
        case hpa(HorizontalPodAutoscaler.Settings, metric: ScalingMetric, scrape: MetricScrape)
        /// The Knative KPA on the concurrency held across replicas.
        case kpa(KnativePodAutoscaler.Settings, scrape: MetricScrape)
        /// A replica schedule, started `lead` seconds ahead of each rise.
        case schedule(ReplicaSchedule)
    }

    /// Dynamics with the given bounds and cold start.
    public init(minReplicas: Int, maxReplicas: Int, coldStart: Distribution, scaler: Scaler? = nil, faults: Faults? = nil) {
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
public struct WarmPool: Sendable, Equatable {
    /// Instances kept warm.
    public var size: Int
    /// Start time from a warm instance (s).
    public var warmStart: Double

    /// A warm pool.
    public init(size: Int, warmStart: Double) {
        self.size = size
        self.warmStart = warmStart
    }
}

/// A metric an autoscaler reads, averaged over ready replicas.
public enum ScalingMetric: String, Sendable, CaseIterable {
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
    public var isLatency: Bool { self == .ttftP50 || self == .ttftP90 || self == .ttftP99 }
}

/// How an autoscaler's metric is collected: sampled every `interval`, and
/// seen `lag` seconds late (the seeds cite 8 s).
public struct MetricScrape: Sendable, Equatable {
    /// Seconds between samples.
    public var interval: Double
    /// Age of the newest sample the autoscaler may use.
    public var lag: Double

    /// A scrape setting.
    public init(interval: Double = 15, lag: Double = 0) {
        self.interval = interval
        self.lag = lag
    }
}

/// Desired replicas over time: `counts[i]` from `starts[i]` on.
public struct ReplicaSchedule: Sendable, Equatable {
    /// Step times (s), increasing.
    public var starts: [Double]
    /// Desired replicas at each step.
    public var counts: [Int]
    /// Replicas for a rise are started this long before it (pre-launch buffer).
    public var lead: Double

    /// A schedule.
    public init(starts: [Double], counts: [Int], lead: Double = 0) {
        self.starts = starts
        self.counts = counts
        self.lead = lead
    }
}

/// Replica failures: random (exponential time to failure per replica) and
/// scheduled ones.
public struct Faults: Sendable, Equatable {
    /// Mean time between failures of one replica (nil: no random failures).
    public var mtbf: Double?
    /// Time to repair: down time before the replica restarts (then a cold start).
    public var mttr: Distribution
    /// Scheduled failures.
    public var scheduled: [ScheduledFault]
    /// Scheduled slowdowns.
    public var slowdowns: [Slowdown]
    /// Scheduled losses of a whole zone.
    public var zoneOutages: [ZoneOutage]
    /// Scheduled gateway–replica partitions.
    public var partitions: [Partition]

    /// A fault model.
    public init(mtbf: Double? = nil, mttr: Distribution = .deterministic(300), scheduled: [ScheduledFault] = [],
                slowdowns: [Slowdown] = [], zoneOutages: [ZoneOutage] = [], partitions: [Partition] = []) {
        self.mtbf = mtbf
        self.mttr = mttr
        self.scheduled = scheduled
        self.slowdowns = slowdowns
        self.zoneOutages = zoneOutages
        self.partitions = partitions
    }
}

/// A network partition between the gateway and one replica: the replica
/// keeps running (and, with a shared queue, cannot pull work), but the
/// gateway cannot reach it and its answers are lost.
public struct Partition: Sendable, Equatable {
    /// When it starts (s).
    public var at: Double
    /// Which replica.
    public var replica: Int
    /// How long it lasts (s).
    public var duration: Double

    /// A partition.
    public init(at: Double, replica: Int, duration: Double) {
        self.at = at
        self.replica = replica
        self.duration = duration
    }
}

/// One planned failure.
public struct ScheduledFault: Sendable, Equatable {
    /// When (s).
    public var at: Double
    /// Which replica.
    public var replica: Int
    /// How long it stays down before restarting (s).
    public var downFor: Double

    /// A planned failure.
    public init(at: Double, replica: Int, downFor: Double) {
        self.at = at
        self.replica = replica
        self.downFor = downFor
    }
}

/// A replica running at a fraction of its speed for a while (thermal
/// throttling, a noisy neighbour, a degraded link).
public struct Slowdown: Sendable, Equatable {
    /// When it starts (s).
    public var at: Double
    /// Which replica.
    public var replica: Int
    /// Speed as a fraction of normal (0.5 = every iteration takes twice as long).
    public var speed: Double
    /// How long it lasts (s).
    public var duration: Double

    /// A slowdown.
    public init(at: Double, replica: Int, speed: Double, duration: Double) {
        self.at = at
        self.replica = replica
        self.speed = speed
        self.duration = duration
    }
}

/// Every replica of a zone lost at once.
public struct ZoneOutage: Sendable, Equatable {
    /// When (s).
    public var at: Double
    /// Which zone (0-based).
    public var zone: Int
    /// Down time before its replicas restart (s).
    public var downFor: Double

    /// A zone outage.
    public init(at: Double, zone: Int, downFor: Double) {
        self.at = at
        self.zone = zone
        self.downFor = downFor
    }
}
