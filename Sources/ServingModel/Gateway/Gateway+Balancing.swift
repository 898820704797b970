import SimulationCore

/// The gateway's balancing: which replicas are eligible (health checks,
/// outlier ejection, the prefill pool), the endpoint picker's metrics and
/// shedding, the balancer's pick (``LoadBalancer``), and the route a
/// request takes to a replica through its connection pool.
extension Gateway {
    /// Whether the gateway would send new work to replica `r`. Without a
    /// gateway the dispatcher knows: ready and reachable replicas only.
    mutating func eligible(_ r: Int, replicas: ReplicaView, now: Double) -> Bool {
        if replicas.isDecodeReplica(r) { return false }  // new requests go to the prefill pool
        guard configured else { return replicas.isReachable(r) }
        let believed = healthCheck != nil ? healthy[r] && replicas.states[r].status != .stopped : replicas.states[r].status == .ready
        guard believed else { return false }
        // Optional chaining mutates in place; `outlier != nil` would copy the detector.
        if outlier?.isEjected(r, now: now) == true { return false }
        return true
    }

    /// What the endpoint picker reads of each replica: requests waiting, and
    /// the share of KV-cache blocks in use, as last scraped (or now).
    func eppMetrics(_ replicas: ReplicaView) -> (queue: [Int], kvCache: [Double]) {
        eppScrapeInterval > 0 ? (eppQueue, eppKVCache) : replicas.loadMetrics()
    }

    /// The endpoint picker scrapes the replicas' metrics, and schedules its
    /// next scrape while the run goes on.
    mutating func scrapeEPP(replicas: ReplicaView, live: Int, scheduler: inout Scheduler<Event>) {
        (eppQueue, eppKVCache) = replicas.loadMetrics()
        let next = scheduler.now + eppScrapeInterval
        if next <= duration || live > 0 { scheduler.schedule(.eppScrape, at: next) }
    }

    /// The endpoint picker's saturation detector: a sheddable tenant's
    /// request is refused (429) while no eligible replica has room.
    mutating func eppSheds(tenant: Int16, replicas: ReplicaView, now: Double) -> Bool {
        guard case .endpointPicker(let epp) = balancer, let below = epp.sheddableBelow,
              tenantPriority[Int(tenant)] < below else { return false }
        let candidates = replicas.states.indices.filter { eligible($0, replicas: replicas, now: now) }
        let (queue, kv) = eppMetrics(replicas)
        return epp.saturated(candidates, queue: queue, kvCache: kv)
    }

    /// Where the gateway sends a request.
    enum Routing {
        /// To replica `r`'s queue (it holds a connection when pooled).
        case deliver(Int)
        /// Nowhere yet: it waits in a host's pending list for a connection.
        case waitForConnection
        /// Refused with `status`: 429 (the endpoint picker sheds it), 502 (a
        /// connect failure), 503 (no live upstream, or the pending lists are full).
        case refuse(Int)
    }

    /// Routes request `id`: the balancer's pick, with nginx's
    /// `proxy_next_upstream error` on connect failures for the nginx
    /// balancers, then the host's connection pool.
    mutating func route(_ id: Int32, key: Int32, prefix: [Int], replicas: ReplicaView, requests: inout RequestTable,
                        recorder: inout Recorder, now: Double) -> Routing {
        if eppSheds(tenant: requests[id].tenant, replicas: replicas, now: now) { return .refuse(429) }
        let avoidsTried = retry?.previousHosts == true
        var tried = Set<Int>()
        while let r = tried.isEmpty && avoidsTried
                ? pickAvoidingTriedHosts(id, request: requests[id], key: key, prefix: prefix, replicas: replicas, now: now)
                : pick(excluding: tried, key: key, prefix: prefix, replicas: replicas, now: now) {
            if replicas.isReachable(r) {
                requests.slots[Int(id)].replica = Int32(r)
                // What the pick matched is known now, not when a connection frees.
                if let skip = prefixSkip(prompt: requests[id].prompt, prefix: prefix) { requests.slots[Int(id)].prefilled = skip }
                guard pooled else { return .deliver(r) }
                switch connect(id, to: r, requests: &requests, recorder: &recorder) {
                case .connected: return .deliver(r)
                case .waiting: return .waitForConnection
                case .overflow: return .refuse(503)
                }
            }
            // The replica is down or cut off: a connect failure.
            finished(replica: r, outcome: .connectionError, latency: 0, now: now)
            guard balancer.triesNextOnConnectFailure else { return .refuse(502) }
            tried.insert(r)
        }
        return .refuse(503)  // no live upstream
    }

    /// The balancer's pick under Envoy's `previous_hosts` retry predicate: a
    /// retry picks again (each pick moves the balancer on, as Envoy's
    /// `chooseHostOnce` does) while it lands on a host an earlier try went
    /// to, at most `host_selection_retry_max_attempts` more times, and the
    /// last pick stands. The host picked joins the attempt's tried hosts.
    mutating func pickAvoidingTriedHosts(_ id: Int32, request: Request, key: Int32, prefix: [Int], replicas: ReplicaView,
                                         now: Double) -> Int? {
        let maxRepicks = retry?.hostSelectionRetryMaxAttempts ?? 0
        let recorded = hostsTried(by: id, generation: request.generation)
        // A first try avoids nothing (a drained replica's request picked again included).
        let tried = request.gatewayRetries > 0 ? recorded : []
        var r = pick(excluding: [], key: key, prefix: prefix, replicas: replicas, now: now)
        var repicks = 0
        while let h = r, tried.contains(Int32(h)), repicks < maxRepicks {
            // The rejected pick leaves no trace in the balancer's counts.
            if case .leastRequest(var p) = balancer {
                balancer = .modifying
                p.finished(h)
                balancer = .leastRequest(p)
            }
            r = pick(excluding: [], key: key, prefix: prefix, replicas: replicas, now: now)
            repicks += 1
        }
        setHostsTried(recorded + (r.map { [Int32($0)] } ?? []), for: id, generation: request.generation)
        return r
    }

    /// The balancer's choice among eligible replicas, nil when none is.
    /// `key` (the call's API key) and `prefix` (its prompt's blocks) matter
    /// only to balancers that ``LoadBalancer/readsCall``.
    mutating func pick(excluding tried: Set<Int>, key: Int32, prefix: [Int], replicas: ReplicaView, now: Double) -> Int? {
        let n = replicas.count
        switch balancer {
        case .none, .roundRobin:
            // The common case, without building the excluded set.
            for k in 0..<n {
                let r = (nextReplica + k) % n
                if !tried.contains(r) && eligible(r, replicas: replicas, now: now) {
                    nextReplica = (r + 1) % n
                    return r
                }
            }
            return nil
        default:
            break
        }
        var excluded = tried
        for r in 0..<n where !eligible(r, replicas: replicas, now: now) { excluded.insert(r) }
        if excluded.count >= n { return nil }
        let hashKey = UInt64(bitPattern: Int64(key))
        switch balancer {
        case .none, .roundRobin, .modifying:
            return nil  // handled above
        case .random:
            let choices = (0..<n).filter { !excluded.contains($0) }
            return choices[rng.nextInt(below: choices.count)]
        case .weightedRoundRobin(var b):
            balancer = .modifying
            defer { balancer = .weightedRoundRobin(b) }
            return b.pick(now: now, excluding: excluded)
        case .leastConnections(var b):
            balancer = .modifying
            defer { balancer = .leastConnections(b) }
            return b.pick(now: now, excluding: excluded)
        case .leastRequest(var p):
            balancer = .modifying
            defer { balancer = .leastRequest(p) }
            // Envoy samples among all hosts; a draw of an excluded host is
            // undone and drawn again (Envoy's `host_selection_retry`).
            for _ in 0..<32 {
                let r = p.pick(&rng)
                if !excluded.contains(r) { return r }
                p.finished(r)
            }
            return Self.leastLoaded(excluding: excluded, replicas: replicas)
        case .consistentHash(let ring):
            // Walk on from the key's owner to the next eligible host.
            if let owner = ring.host(forKey: hashKey), !excluded.contains(owner) { return owner }
            var walked = ring
            for r in excluded { walked.remove(host: r) }
            return walked.host(forKey: hashKey)
        case .maglev(var table, let size, let weights):
            let hosts = (0..<n).filter { !excluded.contains($0) }
            if table?.hosts != hosts {
                table = MaglevTable(hosts: hosts, weights: weights, size: size)
                balancer = .maglev(table, size: size, weights: weights)
            }
            return table?.host(forKey: hashKey)
        case .prefixAffinity(var router):
            balancer = .modifying
            let loads = (0..<n).map { excluded.contains($0) ? Int(Int32.max) : replicas.states[$0].inSystem }
            let before = (0..<n).map { router.matchLength(prefix, worker: $0) }
            let routed = router.route(prefix, loads: loads, now: now)
            balancer = .prefixAffinity(router)
            let r = excluded.contains(routed) ? Self.leastLoaded(excluding: excluded, replicas: replicas) : routed
            if let r { prefixMatch = before[r] }
            return r
        case .dynamicWeights(var d, var current):
            balancer = .modifying
            defer { balancer = .dynamicWeights(d, current: current) }
            let weights = d.weights(now: now)
            var total = 0.0
            var best: Int?
            for r in 0..<n where !excluded.contains(r) {
                current[r] += weights[r]
                total += weights[r]
                if best == nil || current[r] > current[best ?? r] { best = r }
            }
            guard let b = best, total > 0 else { return Self.leastLoaded(excluding: excluded, replicas: replicas) }
            current[b] -= total
            return b
        case .endpointPicker(var epp):
            balancer = .modifying
            let candidates = (0..<n).filter { !excluded.contains($0) }
            let (queue, kv) = eppMetrics(replicas)
            let (r, matched) = epp.pick(candidates, queue: queue, kvCache: kv, prompt: prefix, now: now, &rng)
            balancer = .endpointPicker(epp)
            prefixMatch = matched
            return r
        }
    }

    /// The eligible replica with the fewest requests (first on ties).
    static func leastLoaded(excluding excluded: Set<Int>, replicas: ReplicaView) -> Int? {
        var best: Int?
        for r in replicas.states.indices where !excluded.contains(r) {
            if let b = best, replicas.states[r].inSystem >= replicas.states[b].inSystem { continue }
            best = r
        }
        return best
    }

    /// Prefill tokens a prefix-matching route saves: the prompt's leading
    /// blocks the chosen replica has already seen (512 tokens each in
    /// Mooncake's trace), at most the prompt less one token.
    @inline(__always) func prefixSkip(prompt: Int32, prefix: [Int]) -> Int32? {
        guard balancer.matchesPrefixes, !prefix.isEmpty else { return nil }
        let skip = min(Int32(prefixMatch * 512), prompt - 1)
        return skip > 0 ? skip : nil
    }

    /// A request leaves replica `r`'s queue unserved (the replica drains).
    mutating func released(replica r: Int, now: Double) {
        balancer.released(r, now: now)
    }

    /// Balancer and outlier bookkeeping when an attempt on replica `r` ends.
    mutating func finished(replica r: Int, outcome: AttemptOutcome, latency: Double, now: Double) {
        guard configured else { return }
        let failed: Bool
        switch outcome {
        case .response(let status, _, _): failed = status >= 500
        case .timeout, .connectionError: failed = true
        }
        balancer.finished(r, failed: failed, latency: latency, now: now)
        _ = outlier?.record(r, is5xx: failed, now: now)
    }
}
