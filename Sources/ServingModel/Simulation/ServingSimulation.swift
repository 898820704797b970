import SimulationCore
import Workload

/// The LLM service as a simulation model: the router over its components.
///
/// It holds the components — ``ArrivalSources``, ``ClientLayer``,
/// ``Gateway``, ``ReplicaPool``, ``ClusterControl`` and the ``Recorder`` —
/// and the request slab they share; ``handle(_:scheduler:)`` hands each
/// event to its owner, and the hand-offs between components live in the
/// router's flow files (`ServingSimulation+AttemptFlow.swift`,
/// `+ReplicaFlow.swift`, `+ClusterFlow.swift`). No component reaches
/// another's state: the compiler says so.
///
/// Events carry only integer ids; requests live in a ``RequestTable`` slab.
package struct ServingSimulation: SimulationModel {
    /// The configuration simulated.
    package let configuration: ServingConfiguration
    /// Requests in flight.
    package internal(set) var requests = RequestTable()
    var arrivals: ArrivalSources
    var clients: ClientLayer
    var gateway: Gateway
    var replicas: ReplicaPool
    var cluster: ClusterControl
    var recorder: Recorder
    /// Whether arrivals pass through the client layer and gateway (also
    /// with multi-turn chat, whose rounds are calls).
    let layered: Bool

    /// A model at time 0. Call ``start(_:)`` to schedule the first events.
    package init(configuration c: ServingConfiguration) throws {
        let slots = max(c.replicas.count, c.replicas.dynamics?.maxReplicas ?? 0)
        try Self.validate(c, slots: slots)
        configuration = c
        // A conversation's rounds wait for each other's answers: a client's work.
        layered = c.client != nil || c.gateway != nil || c.sharedPrefix?.multiTurn == true
        let root = RandomStream(seed: c.seed)
        recorder = Recorder(configuration: c)
        replicas = ReplicaPool(configuration: c, slots: slots, warmPool: c.replicas.dynamics?.warmPool?.size ?? 0, root: root)
        cluster = ClusterControl(configuration: c, stream: root.stream("cluster"))
        clients = ClientLayer(configuration: c, stream: root.stream("client"))
        gateway = Gateway(configuration: c, slots: slots, root: root)
        arrivals = try ArrivalSources(configuration: c, root: root)
    }

    /// What users and the gateway saw (populated when ``layered``).
    package var clientMetrics: ClientMetrics { recorder.clientMetrics }
    /// Recorded metrics.
    package var metrics: ServingMetrics { recorder.metrics }
    /// First error met while replaying the trace (the run stops arrivals).
    package var traceError: Error? { arrivals.traceError }

    /// Schedules the first arrivals, the warm-up end and the sampling ticks.
    package mutating func start(_ scheduler: inout Scheduler<Event>) {
        // A closed loop makes its own arrivals; the workload gives sizes.
        arrivals.start(openLoop: !(layered && clients.isClosedLoop), scheduler: &scheduler)
        if recorder.warmup > 0 { scheduler.schedule(.warmupEnd, at: recorder.warmup) }
        scheduler.schedule(.sample, at: configuration.timeSeriesInterval)
        replicas.updateProvisioned(now: 0, recorder: &recorder)
        cluster.start(replicas: replicas.view, scheduler: &scheduler)
        if layered { clients.start(&scheduler) }
        gateway.start(replicas: replicas.view, live: requests.live, scheduler: &scheduler)
        for p in cluster.dynamics?.faults?.partitions ?? [] {
            scheduler.schedule(.partition(replica: Int32(p.replica), cut: true), at: p.at)
            scheduler.schedule(.partition(replica: Int32(p.replica), cut: false), at: p.at + p.duration)
        }
    }

    package mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        switch event {
        // Arrivals
        case .arrival(let source):
            let size = arrivals.sampleSize()
            admit(size: size, prompt: arrivals.nextPrompt(source: source), scheduler: &scheduler)
            arrivals.scheduleNext(source: source, scheduler: &scheduler)
        case .traceArrival:
            if let (size, copies) = arrivals.takeRecord() {
                for _ in 0..<copies { admit(size: size, scheduler: &scheduler) }
            }
            arrivals.readNextRecord(&scheduler)
        case .conversationRound(let prompt):
            if let arrival = arrivals.conversations?.nextWaiting(prompt) { startRound(prompt, arrival: arrival, scheduler: &scheduler) }
        case .userArrival(let user):
            if arrivals.count() {
                // A closed-loop user's request is load the forecast must see, as an open-loop arrival is.
                cluster.observeArrival(now: scheduler.now)
                newCall(size: arrivals.sampleSize(), user: user, prefix: [], scheduler: &scheduler)
            }

        // Clients
        case .retry(let call, let generation):
            if clients.retryDue(call, generation: generation) { send(call, scheduler: &scheduler) }
        case .sendHeld(let call, let generation):
            if clients.sendHeld(call, generation: generation, scheduler: &scheduler) { send(call, scheduler: &scheduler) }
        case .hedge(let call, let generation):
            if clients.hedgeDue(call, generation: generation) {
                send(call, scheduler: &scheduler)
                clients.armHedge(call, generation: generation, scheduler: &scheduler)
            }
        case .attemptTimeout(let id, let generation):
            attemptTimedOut(id, generation: generation, scheduler: &scheduler)
        case .callDeadline(let call, let generation):
            deadlinePassed(call, generation: generation, scheduler: &scheduler)
        case .callAnswer(let call, let generation, let how):
            if let end = clients.answered(call, generation: generation, how: how) { endCall(call, end, scheduler: &scheduler) }

        // Gateway
        case .gatewayResend(let id, let generation):
            gatewayResend(id, generation: generation, scheduler: &scheduler)
        case .faultDelayEnded(let id, let generation):
            faultDelayEnded(id, generation: generation, scheduler: &scheduler)
        case .routeTimeout(let id, let generation):
            routeTimedOut(id, generation: generation, scheduler: &scheduler)
        case .perTryTimeout(let id, let generation):
            perTryTimedOut(id, generation: generation, scheduler: &scheduler)
        case .queueTimeout(let id, let generation):
            expire(id, generation: generation, scheduler: &scheduler)
        case .healthProbe:
            gateway.probe(replicas: replicas.view, live: requests.live, scheduler: &scheduler)
        case .partition(let r, let cut):
            replicas.states[Int(r)].cutOff = cut
            if !cut { refill(replica: Int(r), scheduler: &scheduler) }
        case .connectionFree(let r):
            connectionFree(Int(r), scheduler: &scheduler)
        case .eppScrape:
            gateway.scrapeEPP(replicas: replicas.view, live: requests.live, scheduler: &scheduler)

        // Replicas
        case .serviceDone(let r, let life):
            if replicas.states[Int(r)].incarnation == life { finishService(replica: Int(r), scheduler: &scheduler) }
        case .batchDone(let r, let life):
            if replicas.states[Int(r)].incarnation == life { finishBatch(replica: Int(r), scheduler: &scheduler) }
        case .batchTimer(let r):
            replicas.states[Int(r)].timerAt = .infinity
            replicas.kick(replica: Int(r), requests: &requests, scheduler: &scheduler, recorder: &recorder)
        case .iterationDone(let r, let slot, let epoch):
            finishIteration(replica: Int(r), slot: Int(slot), epoch: epoch, scheduler: &scheduler)
        case .stageFree(let r):
            replicas.states[Int(r)].wakePending = false
            replicas.kick(replica: Int(r), requests: &requests, scheduler: &scheduler, recorder: &recorder)
        case .kvTransferDone(let id, let generation):
            replicas.kvTransferDone(id, generation: generation, requests: &requests, scheduler: &scheduler, recorder: &recorder)
        case .setSpeed(let r, let speed):
            replicas.states[Int(r)].slowdown = 1 / speed
        case .errorWindow(let i, let open):
            replicas.states[replicas.injectedErrors[Int(i)].replica].errorWindow = open ? i : -1

        // Cluster
        case .replicaReady(let r, let life):
            replicaReady(Int(r), incarnation: life, scheduler: &scheduler)
        case .replicaFail(let r, let life, let downFor):
            failReplica(Int(r), incarnation: life, downFor: downFor, scheduler: &scheduler)
        case .replicaRestart(let r, let life):
            if replicas.states[Int(r)].incarnation == life, replicas.states[Int(r)].status == .failed {
                startReplica(Int(r), scheduler: &scheduler)
            }
        case .zoneFail(let zone, let downFor):
            for r in 0..<replicas.count where r % cluster.zones == Int(zone) {
                failReplica(r, incarnation: ClusterControl.anyIncarnation, downFor: downFor, scheduler: &scheduler)
            }
        case .warmPoolRefill:
            cluster.warmPoolRefilled()
            replicas.addProvisioned(1, now: scheduler.now, recorder: &recorder)
        case .scrape:
            cluster.scrape(clusterView(now: scheduler.now), scheduler: &scheduler)
        case .autoscalerSync:
            if let target = cluster.autoscale(readyCount: replicas.readyCount, now: scheduler.now) {
                scale(to: target, scheduler: &scheduler)
            }
            cluster.scheduleNextSync(&scheduler)
        case .scheduleStep(let i):
            if let target = cluster.scheduledCount(step: Int(i)) { scale(to: target, scheduler: &scheduler) }
        case .kedaPoll:
            if let target = cluster.kedaPoll(clusterView(now: scheduler.now), now: scheduler.now) { scale(to: target, scheduler: &scheduler) }
            cluster.scheduleNextPoll(&scheduler)
        case .forecastRefresh:
            cluster.refreshForecast(&scheduler)
        case .predictiveStep(let j):
            if let target = cluster.predictiveStep(interval: Int(j)) { scale(to: target, scheduler: &scheduler) }

        // Run
        case .warmupEnd:
            recorder.onWarmupEnd(now: scheduler.now)
        case .sample:
            recordSample(now: scheduler.now)
            let next = scheduler.now + configuration.timeSeriesInterval
            let exhausted = arrivals.limitReached && requests.live == 0
            if next <= configuration.duration && !exhausted { scheduler.schedule(.sample, at: next) }
        }
    }

    /// What cluster control reads now.
    func clusterView(now: Double) -> ClusterView {
        replicas.clusterView(gatewayQueue: gateway.liveShared, arrivals: arrivals.arrivalsSoFar, now: now)
    }

    /// The time-series sample at `now`.
    mutating func recordSample(now: Double) {
        let gpus = Double(configuration.replicas.hardware?.gpusPerReplica ?? 1)
        replicas.sample(now: now, gatewayWaiting: gateway.waiting, into: &recorder.metrics.series, gpusPerReplica: gpus)
        cluster.sample(now: now, into: &recorder.metrics.series)
        if layered { clients.sample(into: &recorder.clientMetrics.series) }
    }
}
