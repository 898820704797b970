import DequeModule
import SimulationCore

/// An attempt's output-token reservation, settled when the attempt ends.
struct OutputHold: Sendable {
    var tenant: Int16
    var apiKey: Int32
    var reserved: Int32
}

/// The gateway, always present: without a `gateway:` section it is the
/// replicas' plain dispatcher (round robin, or the shared queue). With one
/// it adds Envoy's fault filter, rate limits, the `max_requests` gate,
/// priorities, a load balancer, connection pools, route retries and
/// timeouts, active health checks and outlier ejection.
///
/// It sees the replicas only through a ``ReplicaView`` (to read
/// which are ready and how loaded); it never starts their work.
struct Gateway: Sendable {
    typealias Event = ServingSimulation.Event

    /// Whether the scenario has a `gateway:` section.
    let configured: Bool
    /// How requests reach replicas: a shared queue or one queue per replica.
    let dispatch: ReplicaConfiguration.Dispatch
    /// Requests a replica's (or the shared) queue holds at most.
    let maxQueue: Int?
    /// The shared queue's timeout (nil: none, or the replicas arm their own).
    let sharedQueueTimeout: Double?
    /// Whether HTTP/1.1 connection pools are modelled.
    let pooled: Bool
    /// The route timeout (nil: none).
    let routeTimeout: Double?
    /// `gateway.fault`, and the draws that pick the attempts it delays or aborts.
    let fault: GatewayConfiguration.Fault?
    var faultStream: RandomStream
    /// Route retries (nil: none) and their per-try timeout.
    let retry: GatewayRetryPolicy?
    let perTryTimeout: Double?
    /// The `Retry-After` on the service's 503s (nil: none).
    let busyRetryAfter: Double?
    /// Seconds between the endpoint picker's scrapes (0: none, or fresh reads).
    let eppScrapeInterval: Double
    /// Active health checks (nil: none).
    let healthCheck: GatewayConfiguration.HealthCheck?
    /// The `max_requests` gate.
    let maxRequests: Int?
    /// Priority settings, each tenant's priority rank and whether it is critical.
    let priorities: GatewayConfiguration.Priorities?
    let tenantRank: [Int]
    let tenantCritical: [Bool]
    /// Each tenant's priority (the endpoint picker sheds low ones).
    let tenantPriority: [Int]
    /// Arrivals end at this time; periodic work goes on while requests live.
    let duration: Double

    /// The shared queue, or one queue per priority rank (0 highest).
    var sharedQueue = Deque<Int32>()
    var rankedQueues: [Deque<Int32>] = []
    /// Live requests in the gateway queue.
    var liveShared = 0
    /// The round robin's (and shared queue's) next replica.
    var nextReplica = 0
    var balancer: LoadBalancer
    /// Per rule, per scope instance: one limiter per quota.
    var limiters: [[[Limiter]]]
    let scopes: [GatewayConfiguration.RateLimit.Scope]
    /// Per rule: what each quota counts.
    let measures: [[GatewayConfiguration.RateLimit.Measure]]
    /// Whether a quota counts output tokens (reservations are settled).
    let settlesOutput: Bool
    /// Whether a quota counts input tokens (the prompt cache is tracked).
    let tracksPromptCache: Bool
    /// Output reservations of the attempts in flight, by request slot
    /// (`reserved` 0: none).
    var outputHolds: [OutputHold] = []
    /// Per request slot, the hosts its attempt's tries have been sent to,
    /// with the slot generation they belong to (kept only under the
    /// `previous_hosts` retry predicate).
    var triedHosts: [(generation: UInt32, hosts: [Int32])] = []
    /// Last use of each (prefix block, tenant) in the prompt cache.
    var promptCache: [Int: Double] = [:]
    /// Seconds a prompt-cache entry lives after its last use.
    let promptCacheTTL: Double
    let tenantCount: Int
    /// Leading prefix blocks the last prefix-matching pick had cached.
    var prefixMatch = 0
    /// The gateway's view of each replica (health checks).
    var healthy: [Bool]
    /// Consecutive probe results per replica (+ successes, − failures).
    var probeStreak: [Int]
    var outlier: OutlierDetector?
    var rng: RandomStream
    /// Requests inside the cluster (for `max_requests`).
    var inside = 0
    /// The route retry breaker (`max_retries` or a retry budget).
    var retryBreaker: RetryBudget
    /// The endpoint picker's last scrape: waiting requests and KV-cache use per replica.
    var eppQueue: [Int] = []
    var eppKVCache: [Double] = []
    /// HTTP/1.1 connection pools (empty and unused unless `pooled`).
    var pool: ConnectionPool

    init(configuration c: ServingConfiguration, slots: Int, root: RandomStream) {
        let g = c.gateway
        configured = g != nil
        dispatch = g?.balancer != nil ? .roundRobin : c.replicas.dispatch
        maxQueue = c.replicas.maxQueue
        sharedQueueTimeout = dispatch == .sharedQueue ? c.replicas.queueTimeout : nil
        pooled = g?.poolsConnections == true
        routeTimeout = g?.routeTimeout
        fault = g?.fault
        faultStream = root.stream("gateway-fault")
        retry = g?.retry
        perTryTimeout = g?.retry?.perTryTimeout
        busyRetryAfter = g?.busyRetryAfter
        if case .endpointPicker(let e)? = g?.balancer { eppScrapeInterval = e.metricsInterval } else { eppScrapeInterval = 0 }
        healthCheck = g?.healthCheck
        maxRequests = g?.maxRequests
        priorities = g?.priorities
        let tenants = c.tenants.tenants
        if let p = g?.priorities {
            let levels = Array(Set(tenants.map(\.priority))).sorted(by: >)
            tenantRank = tenants.map { t in levels.firstIndex(of: t.priority) ?? 0 }
            tenantCritical = tenants.map { $0.priority >= p.criticalLevel }
            rankedQueues = Array(repeating: Deque<Int32>(), count: levels.count)
        } else {
            tenantRank = []
            tenantCritical = []
        }
        tenantPriority = tenants.map(\.priority)
        duration = c.duration
        balancer = LoadBalancer(g?.balancer, slots: slots)
        let rules = g?.rateLimits ?? []
        scopes = rules.map(\.scope)
        limiters = rules.map { rule in
            let n: Int
            switch rule.scope {
            case .global: n = 1
            case .tenant: n = tenants.count
            case .apiKey: n = g?.apiKeys ?? 1
            }
            let set = rule.quotas.map { Limiter(rule.algorithm, quota: $0, burstSeconds: rule.burstSeconds) }
            return Array(repeating: set, count: n)
        }
        measures = rules.map { $0.quotas.map(\.measure) }
        settlesOutput = measures.contains { $0.contains(.outputTokens) }
        tracksPromptCache = measures.contains { $0.contains(.inputTokens) }
        promptCacheTTL = g?.promptCacheTTL ?? GatewayConfiguration().promptCacheTTL
        tenantCount = tenants.count
        healthy = (0..<slots).map { $0 < c.replicas.count }
        probeStreak = Array(repeating: 0, count: slots)
        outlier = g?.outlierDetection
        retryBreaker = g?.retry?.breaker ?? RetryBudget()
        pool = ConnectionPool(maxConnections: g?.maxConnections ?? ConnectionPool.envoyDefaultLimit,
                              maxPendingRequests: g?.maxPendingRequests ?? ConnectionPool.envoyDefaultLimit,
                              hosts: pooled ? slots : 0)
        rng = root.stream("gateway")
    }

    /// Schedules the health probes and the endpoint picker's first scrape.
    mutating func start(replicas: ReplicaView, live: Int, scheduler: inout Scheduler<Event>) {
        if let h = healthCheck { scheduler.schedule(.healthProbe, at: h.interval) }
        if eppScrapeInterval > 0 { scrapeEPP(replicas: replicas, live: live, scheduler: &scheduler) }
    }

    /// Requests waiting at the gateway: its queue and the connection pools.
    var waiting: Int { @inline(__always) get { liveShared + (pooled ? pool.livePending : 0) } }

    // MARK: Admission

    /// The fault filter's delay, drawn for one attempt.
    mutating func drawsFaultDelay() -> Bool {
        fault?.delay.map { faultStream.nextUniform() < $0.share } ?? false
    }

    /// The fault filter's delay (s).
    var faultDelay: Double { @inline(__always) get { fault?.delay?.fixed ?? 0 } }

    /// The fault filter's abort, drawn for one attempt (nil: it goes on).
    mutating func faultAbort() -> AttemptOutcome? {
        guard let abort = fault?.abort, faultStream.nextUniform() < abort.share else { return nil }
        return .response(status: abort.status)
    }

    /// The answer of the gateway's limits and gates to an attempt, or nil
    /// when it passes. Each limiter charges when it admits; an admitted
    /// attempt's prompt prefix enters the prompt cache.
    mutating func refusal(_ call: Call, maxTokens: Int?, now: Double) -> AttemptOutcome? {
        guard configured else { return nil }
        if !scopes.isEmpty {
            let reserved = Double(call.outputReservation(maxTokens: maxTokens))
            let cached = tracksPromptCache ? promptCacheRead(call, now: now) : 0
            let input = Double(call.prompt - cached)
            for i in scopes.indices {
                let k = scopes[i].instance(tenant: call.tenant, apiKey: call.apiKey)
                for q in measures[i].indices {
                    let cost: Double
                    switch measures[i][q] {
                    case .requests: cost = 1
                    case .tokens: cost = Double(call.prompt) + reserved
                    case .inputTokens: cost = input
                    case .outputTokens: cost = reserved
                    }
                    if case .reject(let wait) = limiters[i][k][q].acquire(cost, now: now) {
                        return .response(status: 429, retryAfter: wait)
                    }
                }
            }
        }
        if let cap = maxRequests, inside >= cap { return .response(status: 503, retryAfter: busyRetryAfter) }
        if let depth = priorities?.shedQueueDepth, !tenantCritical[Int(call.tenant)], liveShared >= depth {
            return .response(status: 503, retryAfter: busyRetryAfter)
        }
        if tracksPromptCache { promptCacheWrite(call, now: now) }
        return nil
    }

    /// An admitted attempt enters the route: its output-token hold, the
    /// in-flight count, the route timeout.
    mutating func routeStarted(_ rid: Int32, call: Call, maxTokens: Int?, generation: UInt32, scheduler: inout Scheduler<Event>) {
        if settlesOutput {
            setOutputHold(OutputHold(tenant: call.tenant, apiKey: call.apiKey, reserved: call.outputReservation(maxTokens: maxTokens)),
                          for: rid)
        }
        if configured { inside += 1 }
        if let t = routeTimeout { scheduler.schedule(.routeTimeout(request: rid, generation: generation), after: t) }
    }

    /// The service's own 503s carry its `Retry-After`, if it sets one.
    @inline(__always) func withRetryAfter(_ answer: AttemptOutcome) -> AttemptOutcome {
        if let wait = busyRetryAfter, case .response(503, nil, let shouldRetry) = answer {
            return .response(status: 503, retryAfter: wait, shouldRetry: shouldRetry)
        }
        return answer
    }

    /// Whether the route retries `outcome`.
    @inline(__always) func retries(_ outcome: AttemptOutcome) -> Bool { retry?.retries(outcome) == true }

    /// An attempt that reserved output tokens ends: what it did not
    /// generate goes back to the output-token quotas it was charged to.
    mutating func settleOutput(_ id: Int32, generated: Int32, now: Double) {
        guard settlesOutput, Int(id) < outputHolds.count else { return }
        let hold = outputHolds[Int(id)]
        outputHolds[Int(id)].reserved = 0
        let unused = Double(max(0, hold.reserved - generated))
        guard unused > 0 else { return }
        for i in scopes.indices {
            let k = scopes[i].instance(tenant: hold.tenant, apiKey: hold.apiKey)
            for q in measures[i].indices where measures[i][q] == .outputTokens {
                limiters[i][k][q].refund(unused, now: now)
            }
        }
    }

    // MARK: Queue

    /// Queues a request at the gateway (at the front: one sent back by a
    /// failed replica), by priority rank when priorities are set.
    mutating func pushShared(_ id: Int32, tenant: Int16, front: Bool = false) {
        liveShared += 1
        if rankedQueues.isEmpty {
            if front { sharedQueue.prepend(id) } else { sharedQueue.append(id) }
        } else {
            let k = tenantRank[Int(tenant)]
            if front { rankedQueues[k].prepend(id) } else { rankedQueues[k].append(id) }
        }
    }

    /// The next request of the gateway queue: the highest rank first; a
    /// non-critical one only while the reserved capacity is untouched.
    mutating func popShared(requests: inout RequestTable, replicas: ReplicaView) -> Int32? {
        guard !rankedQueues.isEmpty else { return sharedQueue.popFirst() }
        for k in rankedQueues.indices {
            while let id = rankedQueues[k].first, requests[id].phase == .done {
                rankedQueues[k].removeFirst()
                requests.remove(id)
            }
            guard let id = rankedQueues[k].first else { continue }
            if !mayStartNow(tenant: requests[id].tenant, replicas: replicas) { return nil }
            return rankedQueues[k].removeFirst()
        }
        return nil
    }

    /// Whether a request may take a batch slot now: always, unless it is
    /// non-critical and the slots left are the critical tier's reserve.
    func mayStartNow(tenant: Int16, replicas: ReplicaView) -> Bool {
        guard let p = priorities, p.reserved > 0, !tenantCritical[Int(tenant)] else { return true }
        let limit = replicas.roomLimit
        var used = 0, capacity = 0
        for r in replicas.states where r.status == .ready && !r.cutOff {
            used += r.inSystem
            capacity += limit
        }
        return Double(used) < (1 - p.reserved) * Double(capacity)
    }

    /// The first replica (round-robin order) with room, for the shared queue.
    mutating func replicaWithRoom(_ replicas: ReplicaView) -> Int? {
        let limit = replicas.roomLimit
        let n = replicas.prefillReplicas > 0 ? replicas.prefillReplicas : replicas.count
        let start = nextReplica % n
        // Read through a buffer: the replica structs are large, and this
        // scan runs on every arrival and every completion.
        let found: Int? = replicas.states.withUnsafeBufferPointer { buf in
            for k in 0..<n {
                let r = (start + k) % n
                if buf[r].status == .ready && !buf[r].cutOff && buf[r].liveWaiting + buf[r].running.count < limit { return r }
            }
            return nil
        }
        if let r = found { nextReplica = (r + 1) % n }
        return found
    }

    // MARK: Health

    /// An active health probe round: a probe fails when the replica is not
    /// ready or is cut off from the gateway.
    mutating func probe(replicas: ReplicaView, live: Int, scheduler: inout Scheduler<Event>) {
        guard let h = healthCheck else { return }
        for r in replicas.states.indices {
            let ok = replicas.isReachable(r)
            var streak = probeStreak[r]
            streak = ok ? max(streak, 0) + 1 : min(streak, 0) - 1
            probeStreak[r] = streak
            if ok && streak >= h.healthyThreshold { healthy[r] = true }
            if !ok && -streak >= h.unhealthyThreshold { healthy[r] = false }
        }
        let next = scheduler.now + h.interval
        if next <= duration || live > 0 { scheduler.schedule(.healthProbe, at: next) }
    }

    // MARK: Route retries

    /// What the gateway does when a try ends.
    enum TryEnd {
        /// The client hears the outcome.
        case answer
        /// A route retry (the breaker let it start).
        case retry(GatewayRetryPolicy)
        /// A retry the breaker refused: the client hears the outcome.
        case overflow
    }

    /// The gateway's side of try `req` ends with `outcome`: its place under
    /// `max_requests` and the retry breaker, the balancer's and outlier
    /// detector's record, then whether to retry it.
    mutating func tryEnded(_ req: Request, outcome: AttemptOutcome, retryable: Bool, now: Double) -> TryEnd {
        if configured { inside -= 1 }
        if req.gatewayRetries > 0 { retryBreaker.retryFinished() }
        if req.replica >= 0 { finished(replica: Int(req.replica), outcome: outcome, latency: now - req.arrival, now: now) }
        if retryable, let policy = retry, Int(req.gatewayRetries) < policy.numRetries {
            if retryBreaker.tryStartRetry(activeRequests: inside) { return .retry(policy) }
            return .overflow
        }
        return .answer
    }

    /// A route retry `rid` replaces try `id`: it keeps the hosts tried and
    /// the output reservation; returns the backoff before it is sent.
    mutating func retryReplaces(_ id: Int32, oldGeneration: UInt32, with rid: Int32, generation: UInt32, retry: Int,
                                policy: GatewayRetryPolicy) -> Double {
        if policy.previousHosts {
            setHostsTried(hostsTried(by: id, generation: oldGeneration), for: rid, generation: generation)
        }
        if settlesOutput, Int(id) < outputHolds.count {
            setOutputHold(outputHolds[Int(id)], for: rid)
            outputHolds[Int(id)].reserved = 0
        }
        return policy.backoff(retry: retry, &rng)
    }

    /// A route retry is dropped before its resend (its client let go).
    mutating func retryDropped(_ id: Int32, now: Double) {
        retryBreaker.retryFinished()
        settleOutput(id, generated: 0, now: now)
    }

    /// A route retry is resent: it is inside the cluster again.
    mutating func resent() {
        if configured { inside += 1 }
    }
}

extension Gateway {
    /// Prompt tokens read from the prompt cache: the call's leading prefix
    /// blocks its tenant sent within the cache's TTL (512 tokens each).
    func promptCacheRead(_ call: Call, now: Double) -> Int32 {
        var blocks = 0
        for b in call.prefix {
            guard let last = promptCache[promptCacheKey(b, tenant: call.tenant)], now - last <= promptCacheTTL else { break }
            blocks += 1
        }
        return min(Int32(clamping: blocks * 512), call.prompt)
    }

    /// An admitted attempt's prefix blocks enter (or are refreshed in) the prompt cache.
    mutating func promptCacheWrite(_ call: Call, now: Double) {
        for b in call.prefix { promptCache[promptCacheKey(b, tenant: call.tenant)] = now }
    }

    private func promptCacheKey(_ block: Int, tenant: Int16) -> Int {
        block &* tenantCount &+ Int(tenant)
    }

    /// The hosts the attempt of request `id` (slot generation `generation`)
    /// has tried: none when nothing was recorded for it.
    func hostsTried(by id: Int32, generation: UInt32) -> [Int32] {
        let i = Int(id)
        return i < triedHosts.count && triedHosts[i].generation == generation ? triedHosts[i].hosts : []
    }

    /// Records the hosts the attempt of request `id` has tried.
    mutating func setHostsTried(_ hosts: [Int32], for id: Int32, generation: UInt32) {
        let i = Int(id)
        if i >= triedHosts.count { triedHosts.append(contentsOf: repeatElement((generation: UInt32(0), hosts: [Int32]()), count: i - triedHosts.count + 1)) }
        triedHosts[i] = (generation, hosts)
    }

    /// Records request `rid`'s output reservation.
    mutating func setOutputHold(_ hold: OutputHold, for rid: Int32) {
        let i = Int(rid)
        if i >= outputHolds.count {
            outputHolds.append(contentsOf: repeatElement(OutputHold(tenant: 0, apiKey: 0, reserved: 0), count: i - outputHolds.count + 1))
        }
        outputHolds[i] = hold
    }
}

extension GatewayConfiguration.RateLimit.Scope {
    /// Which of a rule's limiters a request of this tenant and key uses.
    func instance(tenant: Int16, apiKey: Int32) -> Int {
        switch self {
        case .global: return 0
        case .tenant: return Int(tenant)
        case .apiKey: return Int(apiKey)
        }
    }
}
