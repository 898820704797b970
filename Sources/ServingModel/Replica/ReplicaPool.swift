import SimulationCore

/// The replicas: their lifecycle states and queues, the batching policy
/// that runs them, their KV-cache blocks, prefill/decode disaggregation and
/// injected errors. It serves what the gateway hands it and says what
/// ended; it never routes, retries or scales.
struct ReplicaPool: Sendable {
    typealias Event = ServingSimulation.Event

    /// One state per replica slot (slots past the initial count start stopped).
    var states: [ReplicaState]
    let batching: BatchingPolicy
    /// Service times of policies `none` and `dynamic` without a hardware profile.
    let service: Distribution?
    /// Iteration times from the hardware profile.
    let iteration: IterationTimeModel?
    /// vLLM async scheduling (continuous batching, one stage).
    let asyncScheduling: Bool
    var serviceStream: RandomStream
    /// `cluster.faults.errors`, and the draws that pick the requests they fail.
    let injectedErrors: [ErrorInjection]
    var injectedErrorStream: RandomStream
    /// The replicas' own queue timeout, armed when a request enters a
    /// replica's queue (nil: none, or the gateway's queue arms it).
    let replicaQueueTimeout: Double?
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
    /// Replicas with work in flight, and KV blocks in use over all replicas.
    var busyCount = 0
    var blocksInUse = 0
    /// Replicas ready now.
    var readyCount: Int
    /// Replicas starting, ready, draining or failed now, plus warm-pool instances.
    var provisionedCount: Int
    /// Ready, busy and provisioned replicas over time (never reset: the
    /// autoscaler's utilisation and the GPU-hours so far).
    var ready: TimeWeightedAverage
    var busy = TimeWeightedAverage(start: 0)
    var provisioned: TimeWeightedAverage
    /// Integrals at the previous time-series sample: (busy, ready).
    var lastSample = (busy: 0.0, ready: 0.0)
    /// Prefix caching (`replicas.batching.prefix_caching`): one block pool
    /// per replica slot; empty when off.
    var caches: [PrefixCache] = []
    /// What each request slot's prompt is made of (prefix caching only).
    var contents: [PromptContent] = []
    /// Block hashes of the request being admitted or freed (reused).
    var hashScratch: [UInt64] = []
    /// Next request serial (names its unique tokens).
    var nextSerial: UInt64 = 1

    init(configuration c: ServingConfiguration, slots: Int, warmPool: Int, root: RandomStream) {
        batching = c.replicas.batching
        service = c.replicas.service
        iteration = c.replicas.hardware?.iteration
        // Modelled for chunked prefill on one pipeline stage (the scenario
        // loader refuses other combinations with the key's name).
        if case .continuous(let cb) = c.replicas.batching {
            asyncScheduling = cb.asyncScheduling && cb.chunkedPrefill && (c.replicas.hardware?.pipelineParallel ?? 1) == 1
        } else {
            asyncScheduling = false
        }
        serviceStream = root.stream("service")
        injectedErrors = c.replicas.dynamics?.faults?.errors ?? []
        injectedErrorStream = root.stream("injected-errors")
        let sharedQueue = c.replicas.dispatch == .sharedQueue && c.gateway?.balancer == nil
        replicaQueueTimeout = sharedQueue ? nil : c.replicas.queueTimeout
        blockSize = c.replicas.hardware?.kvBlockSize ?? 16
        blockShift = blockSize.nonzeroBitCount == 1 ? blockSize.trailingZeroBitCount : -1
        disaggregation = c.replicas.disaggregation
        prefillReplicas = c.replicas.disaggregation?.prefillReplicas ?? 0
        let blocks = c.replicas.hardware.map { $0.kvCacheTokens / $0.kvBlockSize } ?? Int(Int32.max / 4)
        blocksPerReplica = blocks
        let stages = c.replicas.hardware?.pipelineParallel ?? 1
        states = Array(repeating: ReplicaState(totalBlocks: blocks, stages: stages), count: slots)
        if case .continuous(let cb) = batching, cb.prefixCaching {
            caches = Array(repeating: PrefixCache(blocks: blocks), count: slots)
        }
        for r in c.replicas.count..<slots { states[r].status = .stopped }
        readyCount = c.replicas.count
        provisionedCount = c.replicas.count + warmPool
        provisioned = TimeWeightedAverage(start: 0, value: Double(provisionedCount))
        ready = TimeWeightedAverage(start: 0, value: Double(c.replicas.count))
    }

    /// Replica slots.
    var count: Int { @inline(__always) get { states.count } }

    /// Sequences (or requests) one replica holds at most.
    var roomLimit: Int {
        @inline(__always) get {
        switch batching {
        case .unbatched: return 1
        case .dynamic(let d): return d.maxBatchSize
        case .continuous(let c): return c.maxNumSeqs
        }
        }
    }

    /// What the gateway reads of the replicas.
    var view: ReplicaView {
        @inline(__always) get { ReplicaView(states: states, roomLimit: roomLimit, prefillReplicas: prefillReplicas) }
    }

    /// Whether replica `r` is ready and reachable from the gateway.
    @inline(__always) func isReachable(_ r: Int) -> Bool { states[r].status == .ready && !states[r].cutOff }

    /// Whether replica `r` is in the decode pool.
    @inline(__always) func isDecodeReplica(_ r: Int) -> Bool { prefillReplicas > 0 && r >= prefillReplicas }

    /// KV blocks needed to hold `tokens` tokens.
    @inline(__always) func blocks(for tokens: Int) -> Int {
        let n = tokens + blockSize - 1  // tokens >= 0, so the shift rounds as the division does
        return blockShift >= 0 ? n >> blockShift : n / blockSize
    }

    /// Whether a request can ever be served (its KV need fits one replica,
    /// and without chunked prefill its prompt fits the token budget).
    @inline(__always) func fits(_ req: Request) -> Bool {
        guard case .continuous(let cb) = batching else { return true }
        if blocks(for: Int(req.prompt) + Int(req.output)) > states[0].totalBlocks { return false }
        if !cb.chunkedPrefill && Int(req.prompt) > cb.maxNumBatchedTokens { return false }
        return true
    }

    // MARK: Queues

    /// Queues request `id` at replica `r` and starts work if it can. When an
    /// injected error window hits it instead, returns the status it fails
    /// with (the caller ends it).
    mutating func enqueue(_ id: Int32, replica r: Int, requests: inout RequestTable, scheduler: inout Scheduler<Event>,
                          recorder: inout Recorder) -> Int? {
        requests.slots[Int(id)].replica = Int32(r)
        if states[r].errorWindow >= 0 {
            let w = injectedErrors[Int(states[r].errorWindow)]
            if injectedErrorStream.nextUniform() < w.rate { return w.status }
        }
        states[r].waiting.append(id)
        states[r].liveWaiting += 1
        let wasBusy = states[r].inFlight > 0
        if let t = replicaQueueTimeout {
            scheduler.schedule(.queueTimeout(request: id, generation: requests[id].generation), after: t)
        }
        kick(replica: r, requests: &requests, scheduler: &scheduler, recorder: &recorder)
        // Async scheduling: the step after the one in flight is planned
        // already; joining once its last step began, the request waits
        // for the step after that (kick has cut a decode run so that its
        // last step is the next one).
        if asyncScheduling && wasBusy && scheduler.now >= states[r].lastStepStart { states[r].lateJoins += 1 }
        return nil
    }

    /// Pops the next live request of a replica's queue.
    mutating func popWaiting(replica r: Int, requests: inout RequestTable) -> Int32? {
        while let id = states[r].waiting.popFirst() {
            if requests[id].phase == .done { requests.remove(id); continue }
            states[r].liveWaiting -= 1
            return id
        }
        return nil
    }

    /// The next live request of a replica's queue, left in place.
    mutating func peekWaiting(replica r: Int, requests: inout RequestTable) -> Int32? {
        while let id = states[r].waiting.first {
            if requests[id].phase == .done {
                states[r].waiting.removeFirst()
                requests.remove(id)
                continue
            }
            return id
        }
        return nil
    }

    /// A waiting request left replica `r`'s queue (a tombstone stays there).
    mutating func withdrew(replica r: Int, requests: inout RequestTable, scheduler: inout Scheduler<Event>) {
        states[r].liveWaiting -= 1
        if case .continuous = batching {
            // The queue's head may have changed: a decode run must not skip
            // an admission the iteration-by-iteration schedule would make.
            truncateDecodeRun(replica: r, scheduler: &scheduler)
        }
    }

    // MARK: Work

    /// Starts work on an idle replica, by policy.
    mutating func kick(replica r: Int, requests: inout RequestTable, scheduler: inout Scheduler<Event>, recorder: inout Recorder) {
        switch batching {
        case .unbatched:
            if !states[r].busy { startService(replica: r, requests: &requests, scheduler: &scheduler, recorder: &recorder) }
        case .dynamic(let d):
            if !states[r].busy { startBatchIfReady(replica: r, policy: d, requests: &requests, scheduler: &scheduler, recorder: &recorder) }
        case .continuous(let c):
            if states[r].inFlight > 0 {
                // New work ends a multi-step decode run at its current
                // iteration, or fills a free pipeline stage.
                truncateDecodeRun(replica: r, scheduler: &scheduler)
            }
            startIteration(replica: r, policy: c, requests: &requests, scheduler: &scheduler, recorder: &recorder)
        }
    }

    mutating func setBusy(_ r: Int, _ busy: Bool, now: Double, recorder: inout Recorder) {
        guard states[r].busy != busy else { return }
        states[r].busy = busy
        busyCount += busy ? 1 : -1
        recorder.onBusy(busyCount, now: now)
        self.busy.update(to: Double(busyCount), at: now)
    }

    /// Marks a request scheduled (queue wait ends).
    @inline(__always) func markScheduled(_ id: Int32, now: Double, requests: inout RequestTable) {
        if requests[id].firstScheduled < 0 {
            requests.slots[Int(id)].firstScheduled = now
            requests.slots[Int(id)].phase = .running
        }
    }

    mutating func changeBlocks(_ delta: Int, replica r: Int, now: Double, recorder: inout Recorder) {
        states[r].freeBlocks -= delta
        blocksInUse += delta
        recorder.onKVBlocks(blocksInUse, now: now)
    }

    /// Frees the KV blocks request `id` holds at replica `r`.
    mutating func freeBlocks(of id: Int32, replica r: Int, now: Double, requests: inout RequestTable, recorder: inout Recorder) {
        releaseBlocks(of: id, replica: r, now: now, requests: &requests, recorder: &recorder)
    }

    /// The requests replica `r` is running, in admission order.
    @inline(__always) func running(_ r: Int) -> [Int32] { states[r].running }

    /// Whether replica `r` has nothing left (a draining one then stops).
    @inline(__always) func isIdle(_ r: Int) -> Bool {
        states[r].inSystem == 0 && states[r].inFlight == 0 && !states[r].busy
    }

    // MARK: Lifecycle

    /// Moves a replica to `status`, keeping the counts and integrals.
    mutating func setStatus(_ r: Int, _ status: ReplicaStatus, now: Double, recorder: inout Recorder) {
        let old = states[r].status
        guard old != status else { return }
        states[r].status = status
        if status == .starting || old == .starting {
            recorder.metrics.attribution?.startingChanged(status == .starting ? 1 : -1, now: now)
        }
        func provisioned(_ s: ReplicaStatus) -> Bool { s != .stopped }
        readyCount += (status == .ready ? 1 : 0) - (old == .ready ? 1 : 0)
        provisionedCount += (provisioned(status) ? 1 : 0) - (provisioned(old) ? 1 : 0)
        ready.update(to: Double(readyCount), at: now)
        updateProvisioned(now: now, recorder: &recorder)
    }

    /// Warm-pool instances join or leave the provisioned count.
    mutating func addProvisioned(_ delta: Int, now: Double, recorder: inout Recorder) {
        provisionedCount += delta
        updateProvisioned(now: now, recorder: &recorder)
    }

    /// Records the provisioned count in the run's metrics and the
    /// never-reset GPU-hour integral.
    mutating func updateProvisioned(now: Double, recorder: inout Recorder) {
        recorder.onProvisioned(provisionedCount, now: now)
        provisioned.update(to: Double(provisionedCount), at: now)
    }

    /// A crash: every request the replica holds is taken out (the caller
    /// fails them, in the order returned) and its work in flight is lost.
    mutating func crash(_ r: Int, now: Double, requests: inout RequestTable, recorder: inout Recorder) -> [Int32] {
        var lost = states[r].running
        while let id = states[r].waiting.popFirst() {
            if requests[id].phase == .done { requests.remove(id) } else { lost.append(id) }
        }
        if caches.isEmpty {
            for id in lost { changeBlocks(-Int(requests[id].blocks), replica: r, now: now, recorder: &recorder) }
        } else {
            // The cache is lost with the replica: every block is free again.
            changeBlocks(states[r].freeBlocks - states[r].totalBlocks, replica: r, now: now, recorder: &recorder)
            caches[r].reset(blocks: states[r].totalBlocks)
        }
        return lost
    }

    /// After a crash's requests have failed: the replica holds nothing and
    /// is marked failed.
    mutating func clearAfterCrash(_ r: Int, now: Double, recorder: inout Recorder) {
        states[r].liveWaiting = 0
        states[r].running.removeAll()
        for s in states[r].slots.indices {
            states[r].slots[s].active = false
            states[r].slots[s].run = nil
            states[r].slots[s].epoch &+= 1
        }
        states[r].inFlight = 0
        states[r].wakePending = false
        states[r].timerAt = .infinity
        for s in states[r].stageFree.indices { states[r].stageFree[s] = now }
        setBusy(r, false, now: now, recorder: &recorder)
        states[r].incarnation &+= 1
        setStatus(r, .failed, now: now, recorder: &recorder)
    }

    // MARK: Metrics

    /// What cluster control reads at a decision, counted in one pass:
    /// `gatewayQueue` requests wait at the gateway, `arrivals` came so far.
    func clusterView(gatewayQueue: Int, arrivals: Int, now: Double) -> ClusterView {
        var view = ClusterView(readyCount: readyCount, heldByReady: gatewayQueue, waiting: gatewayQueue, held: gatewayQueue,
                               kvBlocksUsed: 0, blocksPerReplica: blocksPerReplica, busyIntegral: busy.integral(at: now),
                               readyIntegral: ready.integral(at: now), arrivals: arrivals)
        for r in states {
            view.held += r.inSystem
            guard r.status == .ready else { continue }
            view.heldByReady += r.inSystem
            view.waiting += r.liveWaiting
            view.kvBlocksUsed += r.totalBlocks - r.freeBlocks
        }
        return view
    }

    /// The time-series sample of the replicas at `now`.
    mutating func sample(now: Double, gatewayWaiting: Int, into series: inout TimeSeries, gpusPerReplica: Double) {
        var waiting = gatewayWaiting, running = 0, readyNow = 0, starting = 0, failed = 0
        var most = 0, least = Int.max, held = 0
        for r in states {
            waiting += r.liveWaiting
            running += r.running.count
            if r.status == .ready {
                readyNow += 1
                most = max(most, r.inSystem)
                least = min(least, r.inSystem)
                held += r.inSystem
            }
            if r.status == .starting { starting += 1 }
            if r.status == .failed { failed += 1 }
        }
        series.imbalance.append(readyNow >= 2 && held > 0 ? Double(most - least) * Double(readyNow) / Double(held) : 0)
        series.failedReplicas.append(Double(failed))
        series.gpuHours.append(provisioned.integral(at: now) * gpusPerReplica / 3600)
        series.ready.append(Double(readyNow))
        series.starting.append(Double(starting))
        series.waiting.append(Double(waiting))
        series.running.append(Double(running))
        series.kvUse.append(provisionedCount > 0 ? Double(blocksInUse) / Double(provisionedCount * blocksPerReplica) : 0)
        series.busy.append(Double(busyCount))
        let busyTime = busy.integral(at: now), readyTime = ready.integral(at: now)
        let readyDelta = readyTime - lastSample.ready
        series.utilization.append(readyDelta > 0 ? min(1, (busyTime - lastSample.busy) / readyDelta) : nil)
        lastSample = (busyTime, readyTime)
    }
}
