import DequeModule
import Foundation
import SimulationCore
import Workload

/// The LLM service as a simulation model: arrival sources, a dispatcher,
/// replicas with one of three batching policies, and the metrics users judge.
///
/// Events carry only integer ids; requests live in a ``RequestTable`` slab.
public struct ServingSimulation: SimulationModel {
    /// The model's events.
    public enum Event: Sendable {
        /// The next arrival of source `source`.
        case arrival(source: Int32)
        /// The next record(s) of the replayed trace.
        case traceArrival
        /// A replica (policy none) finishes its request.
        case serviceDone(replica: Int32, incarnation: UInt32)
        /// A replica (dynamic) finishes its batch.
        case batchDone(replica: Int32, incarnation: UInt32)
        /// A replica's (dynamic) batching delay expires.
        case batchTimer(replica: Int32)
        /// A replica (continuous) finishes the micro-batch in `slot`; stale
        /// when `epoch` no longer matches the slot's.
        case iterationDone(replica: Int32, slot: Int16, epoch: UInt16)
        /// A replica's (continuous) first pipeline stage frees up.
        case stageFree(replica: Int32)
        /// A waiting request's queue timeout.
        case queueTimeout(request: Int32, generation: UInt32)
        /// End of the warm-up: utilisation integrals restart.
        case warmupEnd
        /// Time-series sampling tick.
        case sample
        /// A starting replica finishes its cold start.
        case replicaReady(replica: Int32, incarnation: UInt32)
        /// A replica crashes.
        case replicaFail(replica: Int32, incarnation: UInt32, downFor: Double)
        /// A failed replica restarts (then cold-starts).
        case replicaRestart(replica: Int32, incarnation: UInt32)
        /// The autoscaler samples its metric.
        case scrape
        /// The autoscaler decides.
        case autoscalerSync
        /// A replica schedule step (index into the schedule).
        case scheduleStep(index: Int32)
        /// KEDA polls its trigger.
        case kedaPoll
        /// Predictive scaling remakes its forecast.
        case forecastRefresh
        /// Predictive scaling's capacity for interval `interval` takes effect.
        case predictiveStep(interval: Int32)
        /// A replica's speed changes (1 = normal, 0.5 = half speed).
        case setSpeed(replica: Int32, speed: Double)
        /// Error window `index` of `cluster.faults.errors` opens or closes.
        case errorWindow(index: Int32, open: Bool)
        /// Every replica of a zone fails for `downFor` seconds.
        case zoneFail(zone: Int32, downFor: Double)
        /// A warm-pool instance is back after its replacement's cold start.
        case warmPoolRefill
        /// A closed-loop user's think time is over: the next user request.
        case userArrival(user: Int32)
        /// A call's backoff is over: its next attempt.
        case retry(call: Int32, generation: UInt32)
        /// A call handed a concurrency permit sends its attempt.
        case sendHeld(call: Int32, generation: UInt32)
        /// A request's KV cache has reached the decode pool.
        case kvTransferDone(request: Int32, generation: UInt32)
        /// A gateway retry's backoff is over: it goes to a replica.
        case gatewayResend(request: Int32, generation: UInt32)
        /// The gateway's fault filter lets an attempt go on (`gateway.fault.delay`).
        case faultDelayEnded(request: Int32, generation: UInt32)
        /// A call's hedging delay is over: another attempt.
        case hedge(call: Int32, generation: UInt32)
        /// The client's per-try timeout of an attempt.
        case attemptTimeout(request: Int32, generation: UInt32)
        /// The gateway's route timeout of an attempt.
        case routeTimeout(request: Int32, generation: UInt32)
        /// The gateway's per-try timeout of a try.
        case perTryTimeout(request: Int32, generation: UInt32)
        /// A call's deadline or its user's patience runs out.
        case callDeadline(call: Int32, generation: UInt32)
        /// A cache hit or fallback answer reaches the user.
        case callAnswer(call: Int32, generation: UInt32, how: AnswerKind)
        /// The gateway's active health probes.
        case healthProbe
        /// A gateway–replica partition starts (`cut`) or heals.
        case partition(replica: Int32, cut: Bool)
        /// One of a replica's gateway connections is free for its waiting requests.
        case connectionFree(replica: Int32)
        /// The endpoint picker scrapes the replicas' metrics.
        case eppScrape
    }

    /// Where an answer that is not the service's comes from.
    public enum AnswerKind: UInt8, Sendable {
        /// The client's response cache.
        case cache
        /// A fallback (marked response or smaller model).
        case fallback
    }

    /// The configuration simulated.
    public let configuration: ServingConfiguration
    /// The cluster's dynamics, stored flat (read by every scaling, start and
    /// failure event).
    let dynamics: ClusterDynamics?
    // Settings read on every event, copied out of `configuration` once so
    // the hot path never copies the configuration's nested structs.
    let dispatch: ReplicaConfiguration.Dispatch
    let maxQueue: Int?
    let queueTimeout: Double?
    let batching: BatchingPolicy
    let service: Distribution?
    let iteration: IterationTimeModel?
    let slo: SLOTargets?
    let warmup: Double
    let duration: Double
    let recordRequests: Bool
    let sizes: RequestSizes
    let tenants: TenantMix
    /// Arrivals after which no more come (`Int.max`: no limit).
    let arrivalLimit: Int
    let gpusPerReplica: Double
    let latencyBinWidth: Double?
    /// Client behaviour (the defaults when ``layered`` is false, unused).
    let client: ClientConfiguration
    /// The gateway's settings.
    let gateway: GatewayConfiguration?
    /// The gateway's route retry policy, stored flat: read at every attempt's end.
    let gatewayRetry: GatewayRetryPolicy?
    /// Whether arrivals pass through the client layer and gateway.
    let layered: Bool
    /// Whether the gateway's HTTP/1.1 connection pools are modelled.
    let pooled: Bool
    /// The gateway's route timeout (nil: none), stored flat: read at every send.
    let routeTimeout: Double?
    /// `gateway.fault`, and the draws that pick the attempts it delays or aborts.
    let gatewayFault: GatewayConfiguration.Fault?
    var gatewayFaultStream: RandomStream
    /// The gateway's per-try timeout (nil: none), stored flat: read at every delivery.
    let gatewayPerTryTimeout: Double?
    /// The `Retry-After` on the service's 503s (nil: none), stored flat.
    let busyRetryAfter: Double?
    /// Seconds between the endpoint picker's scrapes (0: none, or fresh reads).
    let eppScrapeInterval: Double
    let apiKeyCount: Int
    var clientState: ClientState
    var gatewayState: GatewayState?
    /// What users and the gateway saw (populated when ``layered``).
    public internal(set) var clientMetrics: ClientMetrics
    /// Prefix block ids of the trace record being admitted.
    var pendingPrefix: [Int] = []
    /// Recorded metrics.
    public internal(set) var metrics: ServingMetrics
    /// Requests in flight.
    public internal(set) var requests = RequestTable()

    var replicas: [ReplicaState]
    var sharedQueue = Deque<Int32>()
    /// Gateway queues by priority rank (0 highest), when priorities are set.
    var rankedQueues: [Deque<Int32>] = []
    /// Priority settings, copied out of the gateway's (read per arrival).
    let priorities: GatewayConfiguration.Priorities?
    /// Each tenant's priority rank, and whether it is critical.
    var tenantRank: [Int] = []
    var tenantCritical: [Bool] = []
    var liveShared = 0
    var nextReplica = 0
    var generators: [ArrivalGenerator]
    var sizeStream: RandomStream
    var tenantStream: RandomStream
    var serviceStream: RandomStream
    var replayStream: RandomStream
    /// `cluster.faults.errors`, and the draws that pick the requests they fail.
    let injectedErrors: [ErrorInjection]
    var injectedErrorStream: RandomStream
    var trace: TraceFeed?
    var pendingRecord: TraceRecord?
    /// First error met while replaying the trace (the run stops arrivals).
    public internal(set) var traceError: Error?
    var arrivalsSoFar = 0
    var busyCount = 0
    var blocksInUse = 0
    /// KV blocks of one replica.
    let blocksPerReplica: Int
    let blockSize: Int
    /// log2 of `blockSize` when it is a power of two (16 in every bundled
    /// profile), else -1: `blocks(for:)` then shifts instead of dividing,
    /// which the decode planner does per member at every probe.
    let blockShift: Int
    /// Prefill/decode split (nil: colocated).
    let disaggregation: Disaggregation?
    /// Replicas `0..<prefillReplicas` only prefill (0: colocated).
    let prefillReplicas: Int
    /// Whether predictive scaling counts arrivals.
    let countsArrivals: Bool
    /// Cluster dynamics state (autoscaler, samples, fault stream).
    var cluster: ClusterState

    /// A model at time 0. Call ``start(_:)`` to schedule the first events.
    public init(configuration c: ServingConfiguration) throws {
        configuration = c
        dispatch = c.gateway?.balancer != nil ? .roundRobin : c.replicas.dispatch
        maxQueue = c.replicas.maxQueue
        queueTimeout = c.replicas.queueTimeout
        batching = c.replicas.batching
        service = c.replicas.service
        iteration = c.replicas.hardware?.iteration
        slo = c.slo
        warmup = c.warmup
        duration = c.duration
        recordRequests = c.recordRequests
        sizes = c.sizes
        tenants = c.tenants
        arrivalLimit = c.requestLimit ?? Int.max
        gpusPerReplica = Double(c.replicas.hardware?.gpusPerReplica ?? 1)
        latencyBinWidth = c.latencyByArrivalInterval
        priorities = c.gateway?.priorities
        metrics = ServingMetrics(interval: c.timeSeriesInterval, warmup: c.warmup, duration: c.duration)
        let root = RandomStream(seed: c.seed)
        sizeStream = root.stream("sizes")
        tenantStream = root.stream("tenants")
        serviceStream = root.stream("service")
        replayStream = root.stream("replay")
        injectedErrors = c.replicas.dynamics?.faults?.errors ?? []
        injectedErrorStream = root.stream("injected-errors")
        blockSize = c.replicas.hardware?.kvBlockSize ?? 16
        blockShift = blockSize.nonzeroBitCount == 1 ? blockSize.trailingZeroBitCount : -1
        disaggregation = c.replicas.disaggregation
        prefillReplicas = c.replicas.disaggregation?.prefillReplicas ?? 0
        countsArrivals = c.replicas.dynamics?.predictive != nil
        let blocks = c.replicas.hardware.map { $0.kvCacheTokens / $0.kvBlockSize } ?? Int(Int32.max / 4)
        blocksPerReplica = blocks
        let stages = c.replicas.hardware?.pipelineParallel ?? 1
        let slots = max(c.replicas.count, c.replicas.dynamics?.maxReplicas ?? 0)
        replicas = Array(repeating: ReplicaState(totalBlocks: blocks, stages: stages), count: slots)
        for r in c.replicas.count..<slots { replicas[r].status = .stopped }
        cluster = ClusterState(configuration: c, stream: root.stream("cluster"))
        layered = c.client != nil || c.gateway != nil
        client = c.client ?? ClientConfiguration()
        gateway = c.gateway
        gatewayRetry = c.gateway?.retry
        pooled = c.gateway?.poolsConnections == true
        routeTimeout = c.gateway?.routeTimeout
        gatewayFault = c.gateway?.fault
        gatewayFaultStream = root.stream("gateway-fault")
        gatewayPerTryTimeout = c.gateway?.retry?.perTryTimeout
        busyRetryAfter = c.gateway?.busyRetryAfter
        if case .endpointPicker(let e)? = c.gateway?.balancer { eppScrapeInterval = e.metricsInterval } else { eppScrapeInterval = 0 }
        dynamics = c.replicas.dynamics
        apiKeyCount = c.gateway?.apiKeys ?? 1
        try client.validate()
        if let d = c.replicas.disaggregation {
            try d.validate(replicas: c.replicas.count, batching: c.replicas.batching)
            if c.replicas.dynamics != nil {
                throw ServingModelError(key: "replicas.disaggregation", "not with cluster dynamics (the prefill and decode pools are fixed)")
            }
            if c.gateway?.poolsConnections == true {
                throw ServingModelError(key: "replicas.disaggregation", "not with gateway connection pools (max_connections, max_pending_requests)")
            }
        }
        if client.cancelOnGiveUp == .running, c.replicas.batching.continuous == nil {
            throw ServingModelError(key: "client.cancel_on_give_up", "running needs replicas.batching: continuous (an engine that aborts sequences)")
        }
        if let d = c.replicas.dynamics, let k = d.keda {
            try k.validate()
            guard case .hpa? = d.scaler, d.minReplicas == 0 else {
                throw ServingModelError(key: "cluster.autoscaler", "KEDA needs an HPA scaler and min_replicas 0")
            }
        }
        if let d = c.replicas.dynamics, let p = d.predictive {
            try p.validate()
            if case .schedule? = d.scaler {
                throw ServingModelError(key: "cluster.predictive", "not with a replica schedule (a schedule is already a plan)")
            }
        }
        if let g = c.gateway {
            var prefixes = false
            if case .trace(let t) = c.arrivals { prefixes = t.format == .mooncake }
            try g.validate(replicaSlots: slots, sharedQueue: c.replicas.dispatch == .sharedQueue && g.balancer == nil,
                           traceHasPrefixes: prefixes)
        }
        clientState = ClientState(configuration: client, stream: root.stream("client"))
        gatewayState = c.gateway.map {
            GatewayState(configuration: $0, tenants: c.tenants.tenants.count, slots: slots, initialReady: c.replicas.count,
                         stream: root.stream("gateway"))
        }
        clientMetrics = ClientMetrics(interval: c.timeSeriesInterval)
        if let p = c.gateway?.priorities {
            let levels = Array(Set(c.tenants.tenants.map(\.priority))).sorted(by: >)
            tenantRank = c.tenants.tenants.map { t in levels.firstIndex(of: t.priority)! }
            tenantCritical = c.tenants.tenants.map { $0.priority >= p.criticalLevel }
            rankedQueues = Array(repeating: Deque<Int32>(), count: levels.count)
        }
        switch c.arrivals {
        case .processes(let ps):
            generators = ps.enumerated().map { i, p in
                ArrivalGenerator(process: p, stream: root.stream("arrivals/client-\(i)"))
            }
        case .trace(let replay):
            generators = []
            trace = TraceFeed(reader: try TraceReader(path: replay.path, format: replay.format), spreadTies: replay.spreadTies)
        }
    }

    /// Schedules the first arrivals, the warm-up end and the sampling ticks.
    public mutating func start(_ scheduler: inout Scheduler<Event>) {
        // A closed loop makes its own arrivals; the workload gives sizes.
        let openLoop: Bool = { if layered, case .closed = client.loop { return false } else { return true } }()
        for i in generators.indices where openLoop {
            let t = generators[i].next(after: 0)
            if t < duration { scheduler.schedule(.arrival(source: Int32(i)), at: t) }
        }
        if trace != nil { readNextRecord(&scheduler) }
        if warmup > 0 { scheduler.schedule(.warmupEnd, at: warmup) }
        scheduler.schedule(.sample, at: configuration.timeSeriesInterval)
        startCluster(&scheduler)
        startClients(&scheduler)
        if let h = gateway?.healthCheck { scheduler.schedule(.healthProbe, at: h.interval) }
        if eppScrapeInterval > 0 { scrapeEPP(&scheduler) }
        for p in dynamics?.faults?.partitions ?? [] {
            scheduler.schedule(.partition(replica: Int32(p.replica), cut: true), at: p.at)
            scheduler.schedule(.partition(replica: Int32(p.replica), cut: false), at: p.at + p.duration)
        }
    }

    public mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        switch event {
        case .arrival(let source):
            let s = Int(source)
            let size = sizes.sample(&sizeStream)
            admit(size: size, scheduler: &scheduler)
            let next = generators[s].next(after: scheduler.now)
            if next < duration && !limitReached { scheduler.schedule(.arrival(source: source), at: next) }
        case .traceArrival:
            if let record = pendingRecord {
                let replay = traceReplay!
                var size = RequestSize(prompt: max(1, record.promptTokens), output: max(1, record.outputTokens))
                if let cap = replay.maxTotalTokens { size = size.capped(atMost: cap) }
                var copies = ServingLimits.saturatingInt(replay.rateScale.rounded(.down))
                if replayStream.nextUniform() < replay.rateScale - Double(copies) { copies += 1 }
                if Double(arrivalsSoFar + copies) > ServingLimits.maxArrivals {
                    // Rows × rate scale past the limit (checkTrace refuses it
                    // before a validated run): stop, as a bad row would.
                    traceError = ServingModelError(key: "workload.arrivals.scale",
                                                   "the replay passed \(ServingLimits.count(ServingLimits.maxArrivals)) arrivals, the limit per run; "
                                                   + "lower the rate scale or replay part of the trace")
                    pendingRecord = nil
                    trace = nil
                    return
                }
                pendingPrefix = record.prefixBlocks
                for _ in 0..<copies { admit(size: size, scheduler: &scheduler) }
            }
            readNextRecord(&scheduler)
        case .serviceDone(let r, let life):
            if replicas[Int(r)].incarnation == life { finishService(replica: Int(r), scheduler: &scheduler) }
        case .batchDone(let r, let life):
            if replicas[Int(r)].incarnation == life { finishBatch(replica: Int(r), scheduler: &scheduler) }
        case .batchTimer(let r):
            replicas[Int(r)].timerAt = .infinity
            kick(replica: Int(r), scheduler: &scheduler)
        case .iterationDone(let r, let slot, let epoch):
            finishIteration(replica: Int(r), slot: Int(slot), epoch: epoch, scheduler: &scheduler)
        case .stageFree(let r):
            replicas[Int(r)].wakePending = false
            kick(replica: Int(r), scheduler: &scheduler)
        case .queueTimeout(let id, let generation):
            expire(id, generation: generation, scheduler: &scheduler)
        case .warmupEnd:
            metrics.busyReplicas.reset(at: scheduler.now)
            metrics.kvBlocksInUse.reset(at: scheduler.now)
            metrics.provisioned.reset(at: scheduler.now)
        case .replicaReady(let r, let life):
            replicaReady(Int(r), incarnation: life, scheduler: &scheduler)
        case .replicaFail(let r, let life, let downFor):
            failReplica(Int(r), incarnation: life, downFor: downFor, scheduler: &scheduler)
        case .replicaRestart(let r, let life):
            restartReplica(Int(r), incarnation: life, scheduler: &scheduler)
        case .scrape:
            scrapeMetric(&scheduler)
        case .autoscalerSync:
            autoscale(&scheduler)
        case .scheduleStep(let i):
            followSchedule(step: Int(i), scheduler: &scheduler)
        case .kedaPoll:
            kedaPoll(&scheduler)
        case .forecastRefresh:
            refreshForecast(&scheduler)
        case .predictiveStep(let j):
            predictiveStep(interval: Int(j), scheduler: &scheduler)
        case .setSpeed(let r, let speed):
            replicas[Int(r)].slowdown = 1 / speed
        case .errorWindow(let i, let open):
            let w = injectedErrors[Int(i)]
            replicas[w.replica].errorWindow = open ? i : -1
        case .zoneFail(let zone, let downFor):
            let zones = dynamics?.zones ?? 1
            for r in replicas.indices where r % zones == Int(zone) {
                failReplica(r, incarnation: ClusterState.anyIncarnation, downFor: downFor, scheduler: &scheduler)
            }
        case .warmPoolRefill:
            cluster.warmAvailable += 1
            cluster.provisionedCount += 1
            updateProvisioned(Double(cluster.provisionedCount), at: scheduler.now)
        case .userArrival(let user):
            if !limitReached {
                arrivalsSoFar += 1
                // A closed-loop user's request is load the forecast must see, as an open-loop arrival is.
                if countsArrivals { cluster.predictive!.observed.add(at: scheduler.now) }
                newCall(size: sizes.sample(&sizeStream), user: user, prefix: [], scheduler: &scheduler)
            }
        case .retry(let call, let generation):
            retryDue(call, generation: generation, scheduler: &scheduler)
        case .sendHeld(let call, let generation):
            sendHeld(call, generation: generation, scheduler: &scheduler)
        case .hedge(let call, let generation):
            hedgeDue(call, generation: generation, scheduler: &scheduler)
        case .kvTransferDone(let id, let generation):
            kvTransferDone(id, generation: generation, scheduler: &scheduler)
        case .gatewayResend(let id, let generation):
            gatewayResend(id, generation: generation, scheduler: &scheduler)
        case .faultDelayEnded(let id, let generation):
            faultDelayEnded(id, generation: generation, scheduler: &scheduler)
        case .attemptTimeout(let id, let generation):
            attemptTimedOut(id, generation: generation, scheduler: &scheduler)
        case .routeTimeout(let id, let generation):
            routeTimedOut(id, generation: generation, scheduler: &scheduler)
        case .perTryTimeout(let id, let generation):
            perTryTimedOut(id, generation: generation, scheduler: &scheduler)
        case .callDeadline(let call, let generation):
            deadlinePassed(call, generation: generation, scheduler: &scheduler)
        case .callAnswer(let call, let generation, let how):
            callAnswered(call, generation: generation, how: how, scheduler: &scheduler)
        case .healthProbe:
            probeReplicas(&scheduler)
        case .partition(let r, let cut):
            setCutOff(Int(r), cut, scheduler: &scheduler)
        case .connectionFree(let r):
            connectionFree(Int(r), scheduler: &scheduler)
        case .eppScrape:
            scrapeEPP(&scheduler)
        case .sample:
            recordSample(now: scheduler.now)
            let next = scheduler.now + configuration.timeSeriesInterval
            let exhausted = limitReached && requests.live == 0
            if next <= duration && !exhausted { scheduler.schedule(.sample, at: next) }
        }
    }

    /// Whether the request limit stops further arrivals.
    var limitReached: Bool { arrivalsSoFar >= arrivalLimit }

    var traceReplay: TraceReplay? {
        if case .trace(let r) = configuration.arrivals { return r }
        return nil
    }

    mutating func readNextRecord(_ scheduler: inout Scheduler<Event>) {
        guard trace != nil, let replay = traceReplay, !limitReached else { return }
        do {
            if let record = try trace!.next() {
                let t = record.time * replay.timeScale
                if t < duration {
                    pendingRecord = record
                    scheduler.schedule(.traceArrival, at: t)
                    return
                }
            }
        } catch {
            traceError = error
        }
        pendingRecord = nil
        trace = nil
    }

    // MARK: Arrival and dispatch

    mutating func admit(size: RequestSize, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        if limitReached { return }
        arrivalsSoFar += 1
        if countsArrivals { cluster.predictive!.observed.add(at: now) }
        if layered {
            newCall(size: size, user: -1, prefix: pendingPrefix, scheduler: &scheduler)
            return
        }
        let measured = now >= warmup
        let tenant = Int16(tenants.sample(&tenantStream))
        let id = requests.insert(Request(arrival: now, prompt: Int32(size.prompt), output: Int32(size.output),
                                         tenant: tenant, measured: measured))
        dispatchArrival(id, scheduler: &scheduler)
    }

    /// Sends a new request to the gateway queue or a replica (the
    /// replicas' own dispatch).
    mutating func dispatchArrival(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        metrics.series.offered.add(at: now)
        if requests[id].measured { metrics.offered += 1 }
        if !fits(id) {
            reject(id, now: now, status: 413, scheduler: &scheduler)
            return
        }
        if requests.live > ServingLimits.maxHeldRequests {
            // Far past saturation: refuse rather than hold without limit.
            reject(id, now: now, scheduler: &scheduler)
            return
        }
        switch dispatch {
        case .sharedQueue:
            if mayStartNow(id), let r = replicaWithRoom() {
                enqueue(id, replica: r, scheduler: &scheduler)
            } else if let cap = maxQueue, liveShared >= cap {
                reject(id, now: now, scheduler: &scheduler)
            } else {
                pushShared(id)
                liveShared += 1
                armTimeout(id, scheduler: &scheduler)
            }
        case .roundRobin:
            push(id, scheduler: &scheduler)
        }
    }

    /// Whether a request can ever be served (its KV need fits one replica,
    /// and without chunked prefill its prompt fits the token budget).
    /// `mutating` only so that self is passed by reference: called from
    /// mutating code, a non-mutating method gets a copy of the whole model.
    mutating func fits(_ id: Int32) -> Bool {
        let req = requests[id]
        guard case .continuous(let cb) = batching else { return true }
        if blocks(for: Int(req.prompt) + Int(req.output)) > replicas[0].totalBlocks { return false }
        if !cb.chunkedPrefill && Int(req.prompt) > cb.maxNumBatchedTokens { return false }
        return true
    }

    func roomLimit() -> Int {
        switch batching {
        case .unbatched: return 1
        case .dynamic(let d): return d.maxBatchSize
        case .continuous(let c): return c.maxNumSeqs
        }
    }

    /// The first replica (round-robin order) with room, for the shared queue.
    mutating func replicaWithRoom() -> Int? {
        let limit = roomLimit()
        let n = prefillReplicas > 0 ? prefillReplicas : replicas.count
        let start = nextReplica % n
        // Read through a buffer: the replica structs are large, and this
        // scan runs on every arrival and every completion.
        let found: Int? = replicas.withUnsafeBufferPointer { buf in
            for k in 0..<n {
                let r = (start + k) % n
                if buf[r].status == .ready && !buf[r].cutOff && buf[r].liveWaiting + buf[r].running.count < limit { return r }
            }
            return nil
        }
        if let r = found { nextReplica = (r + 1) % n }
        return found
    }

    mutating func enqueue(_ id: Int32, replica r: Int, scheduler: inout Scheduler<Event>) {
        requests[id].replica = Int32(r)
        if replicas[r].errorWindow >= 0 {
            let w = injectedErrors[Int(replicas[r].errorWindow)]
            if injectedErrorStream.nextUniform() < w.rate {
                fail(id, outcome: .response(status: w.status), now: scheduler.now, scheduler: &scheduler)
                return
            }
        }
        replicas[r].waiting.append(id)
        replicas[r].liveWaiting += 1
        if dispatch == .roundRobin { armTimeout(id, scheduler: &scheduler) }
        kick(replica: r, scheduler: &scheduler)
    }

    mutating func armTimeout(_ id: Int32, scheduler: inout Scheduler<Event>) {
        if let t = queueTimeout {
            scheduler.schedule(.queueTimeout(request: id, generation: requests[id].generation), after: t)
        }
    }

    /// A replica freed room: pull from the shared queue.
    mutating func refill(replica r: Int, scheduler: inout Scheduler<Event>) {
        guard dispatch == .sharedQueue, replicas[r].status == .ready, !replicas[r].cutOff, !isDecodeReplica(r) else { return }
        let limit = roomLimit()
        while replicas[r].inSystem < limit, let id = popShared() {
            if requests[id].phase == .done { requests.remove(id); continue }  // abandoned
            liveShared -= 1
            enqueue(id, replica: r, scheduler: &scheduler)
        }
    }

    /// Queues a request at the gateway (at the front: one sent back by a
    /// failed replica), by priority rank when priorities are set.
    mutating func pushShared(_ id: Int32, front: Bool = false) {
        if rankedQueues.isEmpty {
            if front { sharedQueue.prepend(id) } else { sharedQueue.append(id) }
        } else {
            let k = tenantRank[Int(requests[id].tenant)]
            if front { rankedQueues[k].prepend(id) } else { rankedQueues[k].append(id) }
        }
    }

    /// The next request of the gateway queue: the highest rank first; a
    /// non-critical one only while the reserved capacity is untouched.
    mutating func popShared() -> Int32? {
        guard !rankedQueues.isEmpty else { return sharedQueue.popFirst() }
        for k in rankedQueues.indices {
            while let id = rankedQueues[k].first, requests[id].phase == .done {
                rankedQueues[k].removeFirst()
                requests.remove(id)
            }
            guard let id = rankedQueues[k].first else { continue }
            if !mayStartNow(id) { return nil }
            return rankedQueues[k].removeFirst()
        }
        return nil
    }

    /// Whether a request may take a batch slot now: always, unless it is
    /// non-critical and the slots left are the critical tier's reserve.
    /// `mutating` only so that self is passed by reference: called from
    /// mutating code, a non-mutating method gets a copy of the whole model.
    mutating func mayStartNow(_ id: Int32) -> Bool {
        guard let p = priorities, p.reserved > 0, !tenantCritical[Int(requests[id].tenant)] else { return true }
        let limit = roomLimit()
        var used = 0, capacity = 0
        for r in replicas where r.status == .ready && !r.cutOff {
            used += r.inSystem
            capacity += limit
        }
        return Double(used) < (1 - p.reserved) * Double(capacity)
    }

    /// Pops the next live request of a replica's queue.
    mutating func popWaiting(replica r: Int) -> Int32? {
        while let id = replicas[r].waiting.popFirst() {
            if requests[id].phase == .done { requests.remove(id); continue }
            replicas[r].liveWaiting -= 1
            return id
        }
        return nil
    }

    /// The next live request of a replica's queue, left in place.
    mutating func peekWaiting(replica r: Int) -> Int32? {
        while let id = replicas[r].waiting.first {
            if requests[id].phase == .done {
                replicas[r].waiting.removeFirst()
                requests.remove(id)
                continue
            }
            return id
        }
        return nil
    }

    mutating func expire(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let req = requests[id]
        guard req.generation == generation, req.phase == .waiting, req.firstScheduled < 0 else { return }
        metrics.series.timedOut.add(at: now)
        if req.measured { metrics.timedOut += 1 }
        if layered { attemptEnded(id, outcome: .response(status: 503), now: now, scheduler: &scheduler) }
        withdraw(id, scheduler: &scheduler)
    }

    /// Takes a waiting request out of its queue: left there as a tombstone,
    /// freed when popped.
    mutating func withdraw(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        requests.slots[Int(id)].phase = .done
        if req.pool == .pending {
            // A tombstone in its host's pending list; a draining host may
            // have waited only for it.
            retireIfDrained(Int(req.replica), now: scheduler.now)
            return
        }
        if req.replica >= 0 { replicas[Int(req.replica)].liveWaiting -= 1 } else { liveShared -= 1 }
        if req.replica >= 0, case .continuous = batching {
            // The queue's head may have changed: a decode run must not skip
            // an admission the iteration-by-iteration schedule would make.
            truncateDecodeRun(replica: Int(req.replica), scheduler: &scheduler)
        }
    }

    /// Refuses a request (`status` to its client: 503 for a full queue or
    /// no ready replica, 413 for one that can never fit, 502 for a connect
    /// failure).
    mutating func reject(_ id: Int32, now: Double, status: Int = 503, scheduler: inout Scheduler<Event>) {
        metrics.series.rejected.add(at: now)
        if requests[id].measured { metrics.rejected += 1 }
        if layered {
            let outcome: AttemptOutcome = status == 502 ? .connectionError : .response(status: status)
            attemptEnded(id, outcome: outcome, now: now, scheduler: &scheduler)
        }
        requests.remove(id)
    }

    /// Ends request `id` as failed at its replica, its attempt with
    /// `outcome`: lost in a crash (a connection error), or answered with an
    /// injected error (`cluster.faults.errors`).
    mutating func fail(_ id: Int32, outcome: AttemptOutcome, now: Double, scheduler: inout Scheduler<Event>) {
        metrics.series.failed.add(at: now)
        if requests[id].measured { metrics.failed += 1 }
        if layered { attemptEnded(id, outcome: outcome, now: now, scheduler: &scheduler) }
        requests.remove(id)
    }

    /// Starts work on an idle replica, by policy.
    mutating func kick(replica r: Int, scheduler: inout Scheduler<Event>) {
        switch batching {
        case .unbatched: if !replicas[r].busy { startService(replica: r, scheduler: &scheduler) }
        case .dynamic(let d): if !replicas[r].busy { startBatchIfReady(replica: r, policy: d, scheduler: &scheduler) }
        case .continuous(let c):
            if replicas[r].inFlight == 0 {
                startIteration(replica: r, policy: c, scheduler: &scheduler)
            } else {
                // New work ends a multi-step decode run at its current
                // iteration, or fills a free pipeline stage.
                truncateDecodeRun(replica: r, scheduler: &scheduler)
                startIteration(replica: r, policy: c, scheduler: &scheduler)
            }
        }
    }

    mutating func setBusy(_ r: Int, _ busy: Bool, now: Double) {
        guard replicas[r].busy != busy else { return }
        replicas[r].busy = busy
        busyCount += busy ? 1 : -1
        metrics.busyReplicas.update(to: Double(busyCount), at: now)
        cluster.busy.update(to: Double(busyCount), at: now)
    }

    /// Marks a request scheduled (queue wait ends).
    mutating func markScheduled(_ id: Int32, now: Double) {
        if requests[id].firstScheduled < 0 {
            requests.slots[Int(id)].firstScheduled = now
            requests.slots[Int(id)].phase = .running
        }
    }

    /// Records a completion and frees the request.
    mutating func complete(_ id: Int32, now: Double, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        let e2e = now - req.arrival
        let ttft = req.firstToken >= 0 ? req.firstToken - req.arrival : e2e
        let tpot = req.output > 1 ? (e2e - ttft) / Double(req.output - 1) : 0
        let good = slo?.met(ttft: ttft, tpot: tpot, e2e: e2e) ?? true
        metrics.series.completed.add(at: now)
        metrics.lastCompletion = now
        metrics.series.outputTokens.add(Double(req.output), at: now)
        metrics.series.ttftSum.add(ttft, at: now)
        if cluster.watchesTTFT { cluster.ttftWindow.record(ttft) }
        if let w = latencyBinWidth {
            let bin = Int(req.arrival / w)
            while metrics.byArrival.count <= bin { metrics.byArrival.append(ArrivalIntervalLatency()) }
            metrics.byArrival[bin].queueWait.record(req.firstScheduled - req.arrival)
            metrics.byArrival[bin].ttft.record(ttft)
            metrics.byArrival[bin].e2e.record(e2e)
            if req.output > 1 { metrics.byArrival[bin].tpot.record(tpot) }
            if good { metrics.byArrival[bin].good += 1 }
        }
        metrics.series.e2eSum.add(e2e, at: now)
        if good { metrics.series.good.add(at: now) }
        if req.measured {
            metrics.completed += 1
            metrics.outputTokens += Int(req.output)
            metrics.queueWait.record(req.firstScheduled - req.arrival)
            metrics.queueWaitBatches.record(req.firstScheduled - req.arrival, at: req.arrival)
            metrics.e2eBatches.record(e2e, at: req.arrival)
            metrics.ttft.record(ttft)
            metrics.e2e.record(e2e)
            if req.output > 1 { metrics.tpot.record(tpot) }
            if good { metrics.goodCompletions += 1 }
            if recordRequests {
                metrics.completions.append(CompletedRequest(
                    arrival: req.arrival, prompt: Int(req.prompt), output: Int(req.output), replica: Int(req.replica),
                    queueWait: req.firstScheduled - req.arrival, ttft: ttft, e2e: e2e))
            }
        }
        if layered {
            // An answer from a replica cut off from the gateway is lost.
            let lost = req.replica >= 0 && replicas[Int(req.replica)].cutOff
            attemptEnded(id, outcome: lost ? .connectionError : .response(status: 200), now: now, scheduler: &scheduler)
        }
        requests.remove(id)
    }

    mutating func recordSample(now: Double) {
        var waiting = liveShared + (gatewayState?.pool?.livePending ?? 0), running = 0, ready = 0, starting = 0, failed = 0
        var most = 0, least = Int.max, held = 0
        for r in replicas {
            waiting += r.liveWaiting
            running += r.running.count
            if r.status == .ready {
                ready += 1
                most = max(most, r.inSystem)
                least = min(least, r.inSystem)
                held += r.inSystem
            }
            if r.status == .starting { starting += 1 }
            if r.status == .failed { failed += 1 }
        }
        metrics.series.imbalance.append(ready >= 2 && held > 0 ? Double(most - least) * Double(ready) / Double(held) : 0)
        metrics.series.failedReplicas.append(Double(failed))
        metrics.series.gpuHours.append(cluster.provisioned.integral(at: now) * gpusPerReplica / 3600)
        metrics.series.ready.append(Double(ready))
        metrics.series.starting.append(Double(starting))
        metrics.series.desired.append(Double(cluster.desired))
        if let p = cluster.predictive {
            metrics.series.predictedReplicas.append(Double(p.floor))
            metrics.series.forecastRate.append(p.forecastRate(at: now))
        }
        metrics.series.waiting.append(Double(waiting))
        metrics.series.running.append(Double(running))
        metrics.series.kvUse.append(cluster.provisionedCount > 0 ? Double(blocksInUse) / Double(cluster.provisionedCount * blocksPerReplica) : 0)
        metrics.series.busy.append(Double(busyCount))
        let busyTime = cluster.busy.integral(at: now), readyTime = cluster.ready.integral(at: now)
        let readyDelta = readyTime - cluster.lastSample.ready
        metrics.series.utilization.append(readyDelta > 0 ? min(1, (busyTime - cluster.lastSample.busy) / readyDelta) : nil)
        cluster.lastSample = (busyTime, readyTime)
        if layered {
            let state: Double
            switch clientState.breakerState {
            case .open?: state = 1
            case .halfOpen?: state = 0.5
            default: state = 0
            }
            clientMetrics.series.breakerState.append(state)
            clientMetrics.series.callsInFlight.append(Double(clientState.calls.live))
        }
    }

    mutating func changeBlocks(_ delta: Int, replica r: Int, now: Double) {
        replicas[r].freeBlocks -= delta
        blocksInUse += delta
        metrics.kvBlocksInUse.update(to: Double(blocksInUse), at: now)
    }
}
