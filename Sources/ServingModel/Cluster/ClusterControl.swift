import DequeModule
import SimulationCore
import Workload

/// What cluster control reads of the replicas and the gateway at a
/// decision: counts only, so that it can neither route nor serve.
struct ClusterView {
    /// Replicas ready now.
    var readyCount: Int
    /// Requests held by ready replicas and the gateway queue.
    var heldByReady: Int
    /// Requests waiting at ready replicas and in the gateway queue.
    var waiting: Int
    /// Requests held anywhere (every replica and the gateway queue).
    var held: Int
    /// KV blocks in use at ready replicas, and one replica's blocks.
    var kvBlocksUsed: Int
    var blocksPerReplica: Int
    /// The never-reset busy and ready integrals now.
    var busyIntegral: Double
    var readyIntegral: Double
    /// Arrivals so far.
    var arrivals: Int
}

/// The cluster's control plane: the HPA, KPA, replica schedule, KEDA and
/// predictive scaling decide how many replicas there should be; cold
/// starts, the warm pool, GPU stock-outs and failures time their lives.
/// It sees the replicas through a ``ClusterView`` and acts through the
/// targets and plans it returns.
struct ClusterControl: Sendable {
    typealias Event = ServingSimulation.Event

    /// The scaling and fault settings (nil: a fixed cluster).
    let dynamics: ClusterDynamics?
    /// Arrivals end at this time (s).
    let duration: Double
    /// Desired replicas (the autoscaler's or schedule's last word).
    var desired: Int
    /// The HPA or KPA, when one scales the cluster.
    var hpa: HorizontalPodAutoscaler?
    var kpa: KnativePodAutoscaler?
    /// KPA: concurrency samples waiting out the metric lag, oldest first.
    var lagged = Deque<(time: Double, value: Double)>()
    /// HPA: each scrape's metric values (its first metric, then the others;
    /// nil where none could be taken), oldest first, kept for the lag.
    var hpaSamples = Deque<(time: Double, values: [Double?])>()
    /// TTFTs of completions since the previous scrape (latency metrics).
    var ttftWindow = LogHistogram()
    /// Whether the HPA uses a TTFT metric (completions feed the window).
    let watchesTTFT: Bool
    /// Integrals at the previous scrape: (time, busy, ready).
    var lastScrape = (time: 0.0, busy: 0.0, ready: 0.0)
    /// Failures and cold starts draw from here.
    var rng: RandomStream
    /// Warm-pool instances ready to be taken.
    var warmAvailable: Int
    /// Start times inside the stock-out window, oldest first.
    var recentStarts = Deque<Double>()
    /// Predictive scaling, when it runs.
    var predictive: PredictiveState?
    /// KEDA: when its trigger was last active, and the arrivals counted at
    /// the previous poll.
    var kedaLastActive = 0.0
    var kedaArrivalsSeen = 0

    /// The sentinel incarnation: a scheduled fault hits whichever life the replica is in.
    static let anyIncarnation = UInt32.max

    init(configuration c: ServingConfiguration, stream: RandomStream) {
        dynamics = c.replicas.dynamics
        duration = c.duration
        desired = c.replicas.count
        warmAvailable = c.replicas.dynamics?.warmPool?.size ?? 0
        rng = stream
        switch c.replicas.dynamics?.scaler {
        case .hpa(let settings, let metric, _)?:
            hpa = HorizontalPodAutoscaler(settings: settings)
            watchesTTFT = metric.isLatency || settings.additionalMetrics.contains { $0.metric.isLatency }
        case .kpa(let settings, _)?:
            kpa = KnativePodAutoscaler(settings: settings)
            watchesTTFT = false
        default:
            watchesTTFT = false
        }
    }

    /// Schedules the first scrape, sync, schedule steps and faults.
    mutating func start(replicas: ReplicaView, scheduler: inout Scheduler<Event>) {
        guard let d = dynamics else { return }
        if let p = d.predictive { startPredictive(p, scheduler: &scheduler) }
        if let k = d.keda { scheduler.schedule(.kedaPoll, at: k.pollingInterval) }
        switch d.scaler {
        case .hpa(let settings, _, let scrape)?:
            scheduler.schedule(.scrape, at: scrape.interval)
            scheduler.schedule(.autoscalerSync, at: settings.syncPeriod)
        case .kpa(let settings, let scrape)?:
            scheduler.schedule(.scrape, at: scrape.interval)
            scheduler.schedule(.autoscalerSync, at: settings.tickInterval)
        case .schedule(let plan)?:
            for i in plan.starts.indices {
                let rising = i == 0 || plan.counts[i] > plan.counts[i - 1]
                scheduler.schedule(.scheduleStep(index: Int32(i)), at: max(0, plan.starts[i] - (rising ? plan.lead : 0)))
            }
        case nil:
            break
        }
        let slots = replicas.count
        if let faults = d.faults {
            for s in faults.slowdowns where s.replica < slots {
                scheduler.schedule(.setSpeed(replica: Int32(s.replica), speed: s.speed), at: s.at)
                scheduler.schedule(.setSpeed(replica: Int32(s.replica), speed: 1), at: s.at + s.duration)
            }
            for (i, e) in faults.errors.enumerated() where e.replica < slots {
                scheduler.schedule(.errorWindow(index: Int32(i), open: true), at: e.at)
                scheduler.schedule(.errorWindow(index: Int32(i), open: false), at: e.at + e.duration)
            }
            for z in faults.zoneOutages {
                scheduler.schedule(.zoneFail(zone: Int32(z.zone), downFor: z.downFor), at: z.at)
            }
            for f in faults.scheduled where f.replica < slots {
                scheduler.schedule(.replicaFail(replica: Int32(f.replica), incarnation: Self.anyIncarnation, downFor: f.downFor), at: f.at)
            }
            for r in 0..<slots where replicas.states[r].status == .ready {
                armRandomFailure(r, incarnation: replicas.states[r].incarnation, scheduler: &scheduler)
            }
        }
    }

    /// Draws replica `r`'s next random failure (mean time between failures)
    /// and its repair time.
    mutating func armRandomFailure(_ r: Int, incarnation: UInt32, scheduler: inout Scheduler<Event>) {
        guard let faults = dynamics?.faults, let mtbf = faults.mtbf else { return }
        let after = Distribution.exponential(mean: mtbf).sample(&rng)
        let down = faults.mttr.sample(&rng)
        scheduler.schedule(.replicaFail(replica: Int32(r), incarnation: incarnation, downFor: down), after: after)
    }

    /// When a replica starting now begins (a GPU stock-out may delay it),
    /// how long until it is ready, and whether a warm-pool instance takes
    /// the start (the pool refills one cold start after `begin`).
    mutating func planStart(now: Double) -> (begin: Double, cold: Double, warmStart: Double?) {
        var begin = now
        if let limit = dynamics?.startLimit {
            while let first = recentStarts.first, first <= now - limit.interval { recentStarts.removeFirst() }
            if recentStarts.count >= limit.count {
                // The earliest time a slot frees: the count-th most recent start plus the window.
                begin = recentStarts[recentStarts.count - limit.count] + limit.interval
            }
            recentStarts.append(begin)
        }
        let cold = dynamics?.coldStart.sample(&rng) ?? 0
        if let pool = dynamics?.warmPool, warmAvailable > 0 {
            warmAvailable -= 1
            return (begin, cold, pool.warmStart)
        }
        return (begin, cold, nil)
    }

    /// A warm-pool instance is back.
    mutating func warmPoolRefilled() { warmAvailable += 1 }

    /// Zones replicas are spread over (replica `r` is in zone `r % zones`).
    var zones: Int { @inline(__always) get { dynamics?.zones ?? 1 } }

    /// A completion's time to first token (latency metrics).
    mutating func observeTTFT(_ ttft: Double) {
        if watchesTTFT { ttftWindow.record(ttft) }
    }

    /// An arrival (predictive scaling's observed load).
    mutating func observeArrival(now: Double) {
        predictive?.observed.add(at: now)
    }

    // MARK: Autoscalers

    /// Samples the autoscaler's metric over ready replicas, and schedules the next scrape.
    mutating func scrape(_ view: ClusterView, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        if case .kpa(_, let scrape)? = dynamics?.scaler {
            // The KPA sees the concurrency `lag` seconds late.
            lagged.append((now, Double(view.heldByReady)))
            while let first = lagged.first, first.time <= now - scrape.lag + 1e-9 {
                lagged.removeFirst()
                kpa?.observe(now: first.time + scrape.lag, concurrency: first.value)
            }
            if now + scrape.interval <= duration { scheduler.schedule(.scrape, after: scrape.interval) }
            return
        }
        guard case .hpa(let settings, let metric, let scrape)? = dynamics?.scaler else { return }
        let values = ([metric] + settings.additionalMetrics.map(\.metric)).map { metricValue($0, view) }
        lastScrape = (now, view.busyIntegral, view.readyIntegral)
        ttftWindow = LogHistogram()
        hpaSamples.append((now, values))
        // Keep the newest sample old enough to be seen, and those after it.
        while hpaSamples.count > 2, hpaSamples[1].time <= now - scrape.lag { hpaSamples.removeFirst() }
        if now + scrape.interval <= duration { scheduler.schedule(.scrape, after: scrape.interval) }
    }

    /// One HPA metric's average over ready replicas now (nil without any).
    func metricValue(_ metric: ScalingMetric, _ view: ClusterView) -> Double? {
        let ready = Double(view.readyCount)
        switch metric {
        case .utilization:
            let readyTime = view.readyIntegral - lastScrape.ready
            return readyTime > 0 ? min(1, (view.busyIntegral - lastScrape.busy) / readyTime) : nil
        case .inFlight:
            return ready > 0 ? Double(view.heldByReady) / ready : nil
        case .queueDepth:
            return ready > 0 ? Double(view.waiting) / ready : nil
        case .kvCache:
            return ready > 0 ? Double(view.kvBlocksUsed) / (ready * Double(view.blocksPerReplica)) : nil
        case .ttftP50, .ttftP90, .ttftP99:
            guard ttftWindow.count > 0 else { return nil }
            return ttftWindow.percentile(metric == .ttftP50 ? 0.5 : metric == .ttftP90 ? 0.9 : 0.99)
        }
    }

    /// One autoscaler decision (HPA: on the newest sample old enough for
    /// the lag; KPA: on its windows of lagged samples): the new desired
    /// count, or nil when it stays.
    mutating func autoscale(readyCount: Int, now: Double) -> Int? {
        var target: Int?
        if case .kpa? = dynamics?.scaler, let decided = kpa?.decide(now: now, current: desired, ready: readyCount) {
            target = max(decided, predictive?.floor ?? 0)
        } else if case .hpa(_, _, let scrape)? = dynamics?.scaler, hpa != nil {
            // Scaled to zero: KEDA, not the HPA, brings the first replica back.
            if dynamics?.keda != nil && desired == 0 { return nil }
            let seen = hpaSamples.last { $0.time <= now - scrape.lag + 1e-9 }?.values ?? []
            if let decided = hpa?.decide(now: now, current: desired, ready: readyCount, metric: seen.first ?? nil,
                                         additional: Array(seen.dropFirst())) {
                target = max(decided, predictive?.floor ?? 0)
            }
        }
        guard let t = target, t != desired else { return nil }
        return t
    }

    /// Schedules the autoscaler's next decision while the run goes on.
    @inline(__always) func scheduleNextSync(_ scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        switch dynamics?.scaler {
        case .kpa(let settings, _)?:
            if now + settings.tickInterval <= duration { scheduler.schedule(.autoscalerSync, after: settings.tickInterval) }
        case .hpa(let settings, _, _)? where hpa != nil:
            if now + settings.syncPeriod <= duration { scheduler.schedule(.autoscalerSync, after: settings.syncPeriod) }
        default:
            break
        }
    }

    /// A replica schedule's step `i`: its count.
    @inline(__always) func scheduledCount(step i: Int) -> Int? {
        guard case .schedule(let plan)? = dynamics?.scaler else { return nil }
        return plan.counts[i]
    }

    /// KEDA polls its trigger: zero to one replica when active, one or
    /// more to zero after `cooldown_period` inactive (nil: no change).
    mutating func kedaPoll(_ view: ClusterView, now: Double) -> Int? {
        guard let k = dynamics?.keda else { return nil }
        let arrived = view.arrivals - kedaArrivalsSeen
        kedaArrivalsSeen = view.arrivals
        if Double(arrived + view.held) > k.activationThreshold {
            kedaLastActive = now
            if desired == 0 { return 1 }
        } else if desired > 0, now - kedaLastActive >= k.cooldownPeriod {
            return 0
        }
        return nil
    }

    /// Schedules KEDA's next poll while the run goes on.
    @inline(__always) func scheduleNextPoll(_ scheduler: inout Scheduler<Event>) {
        guard let k = dynamics?.keda else { return }
        if scheduler.now + k.pollingInterval <= duration { scheduler.schedule(.kedaPoll, after: k.pollingInterval) }
    }

    /// The desired count, sampled, with predictive scaling's floor and forecast.
    func sample(now: Double, into series: inout TimeSeries) {
        series.desired.append(Double(desired))
        if let p = predictive {
            series.predictedReplicas.append(Double(p.floor))
            series.forecastRate.append(p.forecastRate(at: now))
        }
    }
}
