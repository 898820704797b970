import SimulationCore

/// The gateway: rate limits (429 with `Retry-After`), the `max_requests`
/// gate and priority shedding (503), load balancing with passive and active
/// health, and gateway–replica partitions.
extension ServingSimulation {
    /// The answer of the gateway's limits and gates to an attempt, or nil
    /// when it passes. Each limiter charges when it admits; an admitted
    /// attempt's prompt prefix enters the prompt cache.
    mutating func gatewayRefusal(_ call: Call, now: Double) -> AttemptOutcome? {
        guard gatewayState != nil else { return nil }
        if !gatewayState!.scopes.isEmpty {
            let reserved = Double(call.outputReservation(maxTokens: client.maxTokens))
            let cached = gatewayState!.tracksPromptCache ? gatewayState!.promptCacheRead(call, now: now) : 0
            let input = Double(call.prompt - cached)
            for i in gatewayState!.scopes.indices {
                let k = gatewayState!.scopes[i].instance(tenant: call.tenant, apiKey: call.apiKey)
                for q in gatewayState!.measures[i].indices {
                    let cost: Double
                    switch gatewayState!.measures[i][q] {
                    case .requests: cost = 1
                    case .tokens: cost = Double(call.prompt) + reserved
                    case .inputTokens: cost = input
                    case .outputTokens: cost = reserved
                    }
                    if case .reject(let wait) = gatewayState!.limiters[i][k][q].acquire(cost, now: now) {
                        return .response(status: 429, retryAfter: wait)
                    }
                }
            }
        }
        if let cap = gatewayState!.maxRequests, gatewayState!.inside >= cap { return .response(status: 503, retryAfter: busyRetryAfter) }
        if let depth = priorities?.shedQueueDepth, !tenantCritical[Int(call.tenant)],
           liveShared >= depth {
            return .response(status: 503, retryAfter: busyRetryAfter)
        }
        if gatewayState!.tracksPromptCache { gatewayState!.promptCacheWrite(call, now: now) }
        return nil
    }

    /// An attempt that reserved output tokens ends: what it did not
    /// generate goes back to the output-token quotas it was charged to.
    mutating func settleOutput(_ id: Int32, generated: Int32, now: Double) {
        guard Int(id) < gatewayState!.outputHolds.count else { return }
        let hold = gatewayState!.outputHolds[Int(id)]
        gatewayState!.outputHolds[Int(id)].reserved = 0
        let unused = Double(max(0, hold.reserved - generated))
        guard unused > 0 else { return }
        for i in gatewayState!.scopes.indices {
            let k = gatewayState!.scopes[i].instance(tenant: hold.tenant, apiKey: hold.apiKey)
            for q in gatewayState!.measures[i].indices where gatewayState!.measures[i][q] == .outputTokens {
                gatewayState!.limiters[i][k][q].refund(unused, now: now)
            }
        }
    }

    /// What the endpoint picker reads of each replica: requests waiting, and
    /// the share of KV-cache blocks in use (0 without a KV cache), as last
    /// scraped (or now, without scrapes).
    mutating func eppMetrics() -> (queue: [Int], kvCache: [Double]) {
        if eppScrapeInterval > 0 { return (gatewayState!.eppQueue, gatewayState!.eppKVCache) }
        return replicaMetrics()
    }

    /// Each replica's waiting requests and KV-cache use now.
    mutating func replicaMetrics() -> (queue: [Int], kvCache: [Double]) {
        (replicas.map(\.liveWaiting),
         replicas.map { $0.totalBlocks > 0 ? Double($0.totalBlocks - $0.freeBlocks) / Double($0.totalBlocks) : 0 })
    }

    /// The endpoint picker scrapes the replicas' metrics, and schedules its
    /// next scrape while the run goes on.
    mutating func scrapeEPP(_ scheduler: inout Scheduler<Event>) {
        (gatewayState!.eppQueue, gatewayState!.eppKVCache) = replicaMetrics()
        let next = scheduler.now + eppScrapeInterval
        if next <= duration || requests.live > 0 { scheduler.schedule(.eppScrape, at: next) }
    }

    /// The endpoint picker's saturation detector: a sheddable tenant's
    /// request is refused (429) while no eligible replica has room.
    mutating func eppSheds(_ id: Int32, now: Double) -> Bool {
        guard gatewayState?.kind == .endpointPicker, let below = gatewayState!.epp!.sheddableBelow,
              tenants.tenants[Int(requests[id].tenant)].priority < below else { return false }
        let candidates = replicas.indices.filter { eligible($0, now: now) }
        let (queue, kv) = eppMetrics()
        return gatewayState!.epp!.saturated(candidates, queue: queue, kvCache: kv)
    }

    /// Pushes a request to one replica's queue: the balancer's choice (plain
    /// round robin without a gateway), with nginx's `proxy_next_upstream
    /// error` on connect failures for the nginx balancers. No eligible
    /// replica, or a full replica queue, is a 503.
    mutating func push(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        if eppSheds(id, now: now) {
            reject(id, now: now, status: 429, scheduler: &scheduler)
            return
        }
        var tried = Set<Int>()
        while let r = tried.isEmpty && gatewayRetry?.previousHosts == true ? pickAvoidingTriedHosts(id, now: now)
                : pick(id, excluding: tried, now: now) {
            if replicas[r].status == .ready && !replicas[r].cutOff {
                requests.slots[Int(id)].replica = Int32(r)
                // What the pick matched is known now, not when a connection frees.
                if let prefixRouted = prefixSkip(id, replica: r) { requests.slots[Int(id)].prefilled = prefixRouted }
                if pooled && !connect(id, to: r, scheduler: &scheduler) { return }
                deliver(id, to: r, scheduler: &scheduler)
                return
            }
            // The replica is down or cut off: a connect failure.
            gatewayFinished(replica: r, outcome: .connectionError, latency: 0, now: now)
            switch gatewayState?.kind ?? .none {
            case .weightedRoundRobin, .leastConnections: tried.insert(r)
            default:
                reject(id, now: now, status: 502, scheduler: &scheduler)
                return
            }
        }
        reject(id, now: now, status: 503, scheduler: &scheduler)  // no live upstream
    }

    /// The balancer's pick under Envoy's `previous_hosts` retry predicate: a
    /// retry picks again (each pick moves the balancer on, as Envoy's
    /// `chooseHostOnce` does) while it lands on a host an earlier try went
    /// to, at most `host_selection_retry_max_attempts` more times, and the
    /// last pick stands. The host picked joins the attempt's tried hosts.
    mutating func pickAvoidingTriedHosts(_ id: Int32, now: Double) -> Int? {
        let policy = gatewayRetry!
        let generation = requests[id].generation
        let recorded = gatewayState!.hostsTried(by: id, generation: generation)
        // A first try avoids nothing (a drained replica's request picked again included).
        let tried = requests[id].gatewayRetries > 0 ? recorded : []
        var r = pick(id, excluding: [], now: now)
        var repicks = 0
        while let h = r, tried.contains(Int32(h)), repicks < policy.hostSelectionRetryMaxAttempts {
            // The rejected pick leaves no trace in the balancer's counts.
            if gatewayState!.kind == .leastRequest { gatewayState!.p2c!.finished(h) }
            r = pick(id, excluding: [], now: now)
            repicks += 1
        }
        gatewayState!.setHostsTried(recorded + (r.map { [Int32($0)] } ?? []), for: id, generation: generation)
        return r
    }

    /// Hands request `id` to replica `r`'s queue; a full one answers 503.
    /// The gateway's per-try timer starts here, once the try has its
    /// connection (Envoy arms it when the pool is ready). A try moved to
    /// another replica by a drain gets a second timer, which can only find
    /// it reset or streaming already: the first one decides.
    mutating func deliver(_ id: Int32, to r: Int, scheduler: inout Scheduler<Event>) {
        if let cap = maxQueue, replicas[r].liveWaiting >= cap {
            reject(id, now: scheduler.now, status: 503, scheduler: &scheduler)
            return
        }
        if let t = gatewayPerTryTimeout {
            scheduler.schedule(.perTryTimeout(request: id, generation: requests[id].generation), after: t)
        }
        enqueue(id, replica: r, scheduler: &scheduler)
    }

    /// Whether the gateway would send new work to replica `r`. Without a
    /// gateway the dispatcher knows: ready and reachable replicas only.
    mutating func eligible(_ r: Int, now: Double) -> Bool {
        if isDecodeReplica(r) { return false }  // new requests go to the prefill pool
        guard gatewayState != nil else { return replicas[r].status == .ready && !replicas[r].cutOff }
        let believed = gatewayState!.healthChecked ? gatewayState!.healthy[r] && replicas[r].status != .stopped
            : replicas[r].status == .ready
        guard believed else { return false }
        // Optional chaining mutates in place; `outlier != nil` would copy the detector.
        if gatewayState!.outlier?.isEjected(r, now: now) == true { return false }
        return true
    }

    /// The balancer's choice among eligible replicas, nil when none is.
    mutating func pick(_ id: Int32, excluding tried: Set<Int>, now: Double) -> Int? {
        let n = replicas.count
        let kind = gatewayState?.kind ?? .none
        if kind == .none || kind == .roundRobin {
            // The common case, without building the excluded set.
            for k in 0..<n {
                let r = (nextReplica + k) % n
                if !tried.contains(r) && eligible(r, now: now) {
                    nextReplica = (r + 1) % n
                    return r
                }
            }
            return nil
        }
        var excluded = tried
        for r in 0..<n where !eligible(r, now: now) { excluded.insert(r) }
        if excluded.count >= n { return nil }
        switch kind {
        case .none, .roundRobin:
            return nil  // handled above
        case .random:
            let choices = (0..<n).filter { !excluded.contains($0) }
            return choices[gatewayState!.rng.nextInt(below: choices.count)]
        case .weightedRoundRobin:
            return gatewayState!.swrr!.pick(now: now, excluding: excluded)
        case .leastConnections:
            return gatewayState!.leastConn!.pick(now: now, excluding: excluded)
        case .leastRequest:
            // Envoy samples among all hosts; a draw of an excluded host is
            // undone and drawn again (Envoy's `host_selection_retry`).
            for _ in 0..<32 {
                var rng = gatewayState!.rng
                let r = gatewayState!.p2c!.pick(&rng)
                gatewayState!.rng = rng
                if !excluded.contains(r) { return r }
                gatewayState!.p2c!.finished(r)
            }
            return leastLoaded(excluding: excluded)
        case .consistentHash:
            // Walk on from the key's owner to the next eligible host.
            let key = UInt64(bitPattern: Int64(clientState.calls[requests[id].call].apiKey))
            if let owner = gatewayState!.ring!.host(forKey: key), !excluded.contains(owner) { return owner }
            var ring = gatewayState!.ring!
            for r in excluded { ring.remove(host: r) }
            return ring.host(forKey: key)
        case .maglev:
            let key = UInt64(bitPattern: Int64(clientState.calls[requests[id].call].apiKey))
            let hosts = (0..<n).filter { !excluded.contains($0) }
            if gatewayState!.maglev?.hosts != hosts {
                gatewayState!.maglev = MaglevTable(hosts: hosts, weights: gatewayState!.maglevWeights, size: gatewayState!.maglevSize)
            }
            return gatewayState!.maglev!.host(forKey: key)
        case .prefixAffinity:
            let loads = (0..<n).map { excluded.contains($0) ? Int(Int32.max) : replicas[$0].inSystem }
            let prefix = clientState.calls[requests[id].call].prefix
            let before = (0..<n).map { gatewayState!.prefix!.matchLength(prefix, worker: $0) }
            let routed = gatewayState!.prefix!.route(prefix, loads: loads, now: now)
            let r = excluded.contains(routed) ? leastLoaded(excluding: excluded) : routed
            if let r { gatewayState!.prefixMatch = before[r] }
            return r
        case .dynamicWeights:
            let weights = gatewayState!.dynamic!.weights(now: now)
            var total = 0.0
            var best: Int?
            for r in 0..<n where !excluded.contains(r) {
                gatewayState!.dynamicCurrent[r] += weights[r]
                total += weights[r]
                if best == nil || gatewayState!.dynamicCurrent[r] > gatewayState!.dynamicCurrent[best!] { best = r }
            }
            guard let b = best, total > 0 else { return leastLoaded(excluding: excluded) }
            gatewayState!.dynamicCurrent[b] -= total
            return b
        case .endpointPicker:
            let candidates = (0..<n).filter { !excluded.contains($0) }
            let (queue, kv) = eppMetrics()
            let prompt = clientState.calls[requests[id].call].prefix
            var rng = gatewayState!.rng
            let (r, matched) = gatewayState!.epp!.pick(candidates, queue: queue, kvCache: kv, prompt: prompt, now: now, &rng)
            gatewayState!.rng = rng
            gatewayState!.prefixMatch = matched
            return r
        }
    }

    /// The eligible replica with the fewest requests (first on ties).
    /// `mutating` only so that self is passed by reference: called from
    /// mutating code, a non-mutating method gets a copy of the whole model.
    mutating func leastLoaded(excluding excluded: Set<Int>) -> Int? {
        var best: Int?
        for r in replicas.indices where !excluded.contains(r) {
            if best == nil || replicas[r].inSystem < replicas[best!].inSystem { best = r }
        }
        return best
    }

    /// Prefill tokens a prefix-affinity route saves: the prompt's leading
    /// blocks the chosen replica has already seen (512 tokens each in
    /// Mooncake's trace), at most the prompt less one token.
    mutating func prefixSkip(_ id: Int32, replica r: Int) -> Int32? {
        guard gatewayState?.kind == .prefixAffinity || gatewayState?.kind == .endpointPicker else { return nil }
        let prefix = clientState.calls[requests[id].call].prefix
        guard !prefix.isEmpty else { return nil }
        let matched = gatewayState!.prefixMatch
        let skip = min(Int32(matched * 512), requests[id].prompt - 1)
        return skip > 0 ? skip : nil
    }

    /// A request leaves replica `r`'s queue unserved (the replica drains):
    /// the balancer's connection count goes back down, nothing is judged.
    mutating func gatewayReleased(replica r: Int, now: Double) {
        switch gatewayState?.kind ?? .none {
        case .weightedRoundRobin: gatewayState!.swrr!.finished(r, failed: false, now: now)
        case .leastConnections: gatewayState!.leastConn!.finished(r, failed: false, now: now)
        case .leastRequest: gatewayState!.p2c!.finished(r)
        default: break
        }
    }

    /// Balancer bookkeeping when an attempt on replica `r` ends.
    mutating func gatewayFinished(replica r: Int, outcome: AttemptOutcome, latency: Double, now: Double) {
        guard gatewayState != nil else { return }
        let failed: Bool
        switch outcome {
        case .response(let status, _, _): failed = status >= 500
        case .timeout, .connectionError: failed = true
        }
        switch gatewayState!.kind {
        case .weightedRoundRobin: gatewayState!.swrr!.finished(r, failed: failed, now: now)
        case .leastConnections: gatewayState!.leastConn!.finished(r, failed: failed, now: now)
        case .leastRequest: gatewayState!.p2c!.finished(r)
        case .dynamicWeights: gatewayState!.dynamic!.record(r, latency: latency, failed: failed, now: now)
        default: break
        }
        gatewayState!.outlier?.record(r, is5xx: failed, now: now)
    }

    /// An active health probe round: every replica is probed; a probe fails
    /// when the replica is not ready or is cut off from the gateway.
    mutating func probeReplicas(_ scheduler: inout Scheduler<Event>) {
        guard let h = gateway?.healthCheck else { return }
        for r in replicas.indices {
            let ok = replicas[r].status == .ready && !replicas[r].cutOff
            var streak = gatewayState!.probeStreak[r]
            streak = ok ? max(streak, 0) + 1 : min(streak, 0) - 1
            gatewayState!.probeStreak[r] = streak
            if ok && streak >= h.healthyThreshold { gatewayState!.healthy[r] = true }
            if !ok && -streak >= h.unhealthyThreshold { gatewayState!.healthy[r] = false }
        }
        let next = scheduler.now + h.interval
        if next <= duration || requests.live > 0 { scheduler.schedule(.healthProbe, at: next) }
    }

    /// A gateway–replica partition starts or ends. While cut off, the
    /// gateway cannot reach the replica (connect failures) and answers of
    /// work already there are lost (connection errors).
    mutating func setCutOff(_ r: Int, _ cut: Bool, scheduler: inout Scheduler<Event>) {
        replicas[r].cutOff = cut
        if !cut, dispatch == .sharedQueue { refill(replica: r, scheduler: &scheduler) }
    }
}
