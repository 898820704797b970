import SimulationCore
import Workload

/// Everything a serving simulation needs, validated and with units resolved
/// (seconds, requests per second). The Scenario module builds it from a file.
package struct ServingConfiguration: Sendable {
    /// Scenario name, for reports.
    package var name: String
    /// Root seed; every component derives its own named stream.
    package var seed: UInt64
    /// Simulated time; arrivals stop here (s).
    package var duration: Double
    /// Requests arriving before this time are not measured (s).
    package var warmup: Double
    /// Where requests come from.
    package var arrivals: Arrivals
    /// Request sizes (ignored for trace replay, which carries its own).
    package var sizes: RequestSizes
    /// Tenants sharing the traffic.
    package var tenants: TenantMix
    /// The replicas and how requests reach them.
    package var replicas: ReplicaConfiguration
    /// Latency targets for goodput (nil: every completion counts).
    package var slo: SLOTargets?
    /// Width of time-series bins (s).
    package var timeSeriesInterval: Double
    /// Alerting rules evaluated over the time series (empty: none).
    package var alerts: [AlertRule] = []
    /// Stop arrivals after this many requests (nil: no limit).
    package var requestLimit: Int?
    /// After arrivals stop, keep simulating until every request is done.
    package var drain = false
    /// Client behaviour: loop, deadlines, retries, breaker, cache, fallback
    /// (nil: arrivals go straight to the gateway queue or replicas).
    package var client: ClientConfiguration?
    /// Gateway: rate limits, gates, priorities, balancer, health (nil: none).
    package var gateway: GatewayConfiguration?
    /// Keep latency histograms per interval of arrival of this width (s;
    /// nil: none): per-interval SLA judgement in constant memory.
    package var latencyByArrivalInterval: Double?
    /// inference-perf's `shared_prefix` prompts (nil: sizes only): every
    /// request's prompt is one of its system prompt + question pairs, which
    /// the replicas' prefix cache can recognise.
    package var sharedPrefix: SharedPrefixPrompts?
    /// Keep one record per measured completion (memory grows with requests;
    /// for `--requests FILE.csv` and tests).
    package var recordRequests = false
    /// Attribute every measured completion's latency to where it was spent,
    /// and count refusals by cause (``Attribution``; `headroom explain`).
    /// Off by default: the side table costs a little per request.
    package var attribution = false

    /// Arrival sources.
    package enum Arrivals: Sendable {
        /// Independent sources (one per client), each with its own stream.
        case processes([ArrivalProcess])
        /// Replay of a trace file.
        case trace(TraceReplay)
    }

    /// The root seed unless given.
    package static let defaultSeed: UInt64 = 1
    /// The warm-up unless given (every request is measured).
    package static let defaultWarmup = 0.0
    /// The time series' interval unless given (10 s).
    package static let defaultTimeSeriesInterval = 10.0

    /// A configuration.
    package init(name: String, seed: UInt64, duration: Double, warmup: Double, arrivals: Arrivals,
                sizes: RequestSizes, tenants: TenantMix = .single, replicas: ReplicaConfiguration,
                slo: SLOTargets? = nil, timeSeriesInterval: Double = defaultTimeSeriesInterval) {
        self.name = name
        self.seed = seed
        self.duration = duration
        self.warmup = warmup
        self.arrivals = arrivals
        self.sizes = sizes
        self.tenants = tenants
        self.replicas = replicas
        self.slo = slo
        self.timeSeriesInterval = timeSeriesInterval
    }
}

/// Replay of a recorded trace.
package struct TraceReplay: Sendable, Equatable {
    /// The trace file.
    package var path: String
    /// Its format.
    package var format: TraceFormat
    /// Multiplies every timestamp (2 = the trace plays at half speed).
    package var timeScale: Double
    /// Multiplies the request rate on the same timeline: below 1 each
    /// request is kept with that probability; above 1 each request is sent
    /// ⌊x⌋ times plus once more with probability x − ⌊x⌋, copies at the
    /// same instant.
    package var rateScale: Double
    /// Cap on prompt + output tokens (excess removed from both in proportion).
    package var maxTotalTokens: Int?
    /// Whether records sharing a timestamp are spaced evenly up to the next
    /// one (a coarse trace's batches), instead of arriving together.
    package var spreadTies: Bool

    /// The trace's own timeline unless a time scale is given.
    package static let defaultTimeScale = 1.0
    /// Records sharing a timestamp arrive together unless told to spread.
    package static let defaultSpreadTies = false

    /// A replay.
    package init(path: String, format: TraceFormat, timeScale: Double = defaultTimeScale, rateScale: Double = 1, maxTotalTokens: Int? = nil,
                spreadTies: Bool = defaultSpreadTies) {
        self.path = path
        self.format = format
        self.timeScale = timeScale
        self.rateScale = rateScale
        self.maxTotalTokens = maxTotalTokens
        self.spreadTies = spreadTies
    }
}

/// How the replicas are built and reached.
package struct ReplicaConfiguration: Sendable {
    /// Number of replicas.
    package var count: Int
    /// Batching policy of every replica.
    package var batching: BatchingPolicy
    /// Service time of one request (policy none) or one batch of one
    /// (dynamic), when no hardware profile gives it.
    package var service: Distribution?
    /// Hardware profile: iteration times, KV capacity, price.
    package var hardware: HardwareProfile?
    /// How arriving requests reach a replica.
    package var dispatch: Dispatch
    /// Most requests waiting per queue (replica queue, or the shared queue);
    /// an arrival beyond it is rejected (503). nil: unbounded.
    package var maxQueue: Int?
    /// Longest a request may wait before being scheduled; then it times out.
    package var queueTimeout: Double?
    /// Autoscaling, cold starts and faults (nil: a fixed cluster of `count`).
    package var dynamics: ClusterDynamics?
    /// Separate prefill and decode replicas (nil: each replica does both).
    package var disaggregation: Disaggregation?

    /// How requests are assigned to replicas.
    package enum Dispatch: String, Sendable {
        /// A gateway queue; a request goes to the first replica with room
        /// (policy none: an idle replica — exactly M/M/c with exponential
        /// service).
        case sharedQueue = "shared_queue"
        /// Each request straight to the next replica in turn.
        case roundRobin = "round_robin"
    }

    /// How requests reach replicas when a scenario does not say: a shared
    /// queue for unbatched replicas (M/M/c), round robin for batching ones
    /// (each engine keeps its own queue).
    package static func defaultDispatch(for batching: BatchingPolicy) -> Dispatch {
        if case .unbatched = batching { return .sharedQueue }
        return .roundRobin
    }

    /// A replica configuration.
    package init(count: Int, batching: BatchingPolicy, service: Distribution? = nil, hardware: HardwareProfile? = nil,
                dispatch: Dispatch = .sharedQueue, maxQueue: Int? = nil, queueTimeout: Double? = nil) {
        self.count = count
        self.batching = batching
        self.service = service
        self.hardware = hardware
        self.dispatch = dispatch
        self.maxQueue = maxQueue
        self.queueTimeout = queueTimeout
    }
}

/// Per-request latency targets; a completion meeting all of them counts
/// toward goodput (DistServe's definition).
package struct SLOTargets: Sendable, Equatable {
    /// Time to first token target (s).
    package var ttft: Double?
    /// Time per output token target (s).
    package var tpot: Double?
    /// End-to-end target (s).
    package var e2e: Double?

    /// Targets.
    package init(ttft: Double? = nil, tpot: Double? = nil, e2e: Double? = nil) {
        self.ttft = ttft
        self.tpot = tpot
        self.e2e = e2e
    }

    /// Whether a completion with these latencies meets every target.
    @inlinable
    package func met(ttft t: Double, tpot p: Double, e2e e: Double) -> Bool {
        (ttft.map { t <= $0 } ?? true) && (tpot.map { p <= $0 } ?? true) && (e2e.map { e <= $0 } ?? true)
    }
}
