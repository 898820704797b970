import DequeModule
import SimulationCore

/// The running state of the cluster's dynamics.
struct ClusterState: Sendable {
    /// Desired replicas (the autoscaler's or schedule's last word).
    var desired: Int
    /// The HPA, when it scales the cluster.
    var hpa: HorizontalPodAutoscaler?
    /// The KPA, when it scales the cluster.
    var kpa: KnativePodAutoscaler?
    /// KPA: concurrency samples waiting out the metric lag, oldest first.
    var lagged = Deque<(time: Double, value: Double)>()
    /// HPA: each scrape's metric values (its first metric, then the others;
    /// nil where none could be taken), oldest first, kept for the lag.
    var hpaSamples = Deque<(time: Double, values: [Double?])>()
    /// Provisioned replicas over time (never reset, for GPU-hours so far).
    var provisioned: TimeWeightedAverage
    /// TTFTs of completions since the previous scrape (latency metrics).
    var ttftWindow = LogHistogram()
    /// Whether the HPA uses a TTFT metric (completions feed the window).
    var watchesTTFT = false
    /// Integrals at the previous scrape: (time, busy, ready).
    var lastScrape = (time: 0.0, busy: 0.0, ready: 0.0)
    /// Integrals at the previous time-series sample: (busy, ready).
    var lastSample = (busy: 0.0, ready: 0.0)
    /// Ready replicas over time (never reset).
    var ready: TimeWeightedAverage
    /// Busy replicas over time (never reset).
    var busy = TimeWeightedAverage(start: 0)
    /// Failures and cold starts draw from here.
    var rng: RandomStream
    /// Replicas ready now.
    var readyCount: Int
    /// Replicas starting, ready, draining or failed now, plus warm-pool instances.
    var provisionedCount: Int
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

    /// The scrape sentinel: a scheduled fault hits whichever life the replica is in.
    static let anyIncarnation = UInt32.max

    init(configuration c: ServingConfiguration, stream: RandomStream) {
        desired = c.replicas.count
        readyCount = c.replicas.count
        warmAvailable = c.replicas.dynamics?.warmPool?.size ?? 0
        provisionedCount = c.replicas.count + warmAvailable
        provisioned = TimeWeightedAverage(start: 0, value: Double(provisionedCount))
        ready = TimeWeightedAverage(start: 0, value: Double(c.replicas.count))
        rng = stream
        switch c.replicas.dynamics?.scaler {
        case .hpa(let settings, let metric, _)?:
            hpa = HorizontalPodAutoscaler(settings: settings)
            watchesTTFT = metric.isLatency || settings.additionalMetrics.contains { $0.metric.isLatency }
        case .kpa(let settings, _)?: kpa = KnativePodAutoscaler(settings: settings)
        default: break
        }
    }
}

/// Replica lifecycle, autoscaling, schedules and faults.
extension ServingSimulation {

    /// Records the provisioned count in the run's metrics and the
    /// never-reset GPU-hour integral.
    mutating func updateProvisioned(_ count: Double, at now: Double) {
        metrics.provisioned.update(to: count, at: now)
        cluster.provisioned.update(to: count, at: now)
    }

    /// Schedules the first scrape, sync, schedule steps and failures.
    mutating func startCluster(_ scheduler: inout Scheduler<Event>) {
        updateProvisioned(Double(cluster.provisionedCount), at: 0)
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
        if let faults = d.faults {
            for s in faults.slowdowns where s.replica < replicas.count {
                scheduler.schedule(.setSpeed(replica: Int32(s.replica), speed: s.speed), at: s.at)
                scheduler.schedule(.setSpeed(replica: Int32(s.replica), speed: 1), at: s.at + s.duration)
            }
            for (i, e) in faults.errors.enumerated() where e.replica < replicas.count {
                scheduler.schedule(.errorWindow(index: Int32(i), open: true), at: e.at)
                scheduler.schedule(.errorWindow(index: Int32(i), open: false), at: e.at + e.duration)
            }
            for z in faults.zoneOutages {
                scheduler.schedule(.zoneFail(zone: Int32(z.zone), downFor: z.downFor), at: z.at)
            }
            for f in faults.scheduled where f.replica < replicas.count {
                scheduler.schedule(.replicaFail(replica: Int32(f.replica), incarnation: ClusterState.anyIncarnation, downFor: f.downFor), at: f.at)
            }
            for r in replicas.indices where replicas[r].status == .ready { armRandomFailure(r, scheduler: &scheduler) }
        }
    }

    mutating func armRandomFailure(_ r: Int, scheduler: inout Scheduler<Event>) {
        guard let faults = dynamics?.faults, let mtbf = faults.mtbf else { return }
        let after = Distribution.exponential(mean: mtbf).sample(&cluster.rng)
        let down = faults.mttr.sample(&cluster.rng)
        scheduler.schedule(.replicaFail(replica: Int32(r), incarnation: replicas[r].incarnation, downFor: down), after: after)
    }

    /// Moves a replica to `status`, keeping the counts and integrals.
    mutating func setStatus(_ r: Int, _ status: ReplicaStatus, now: Double) {
        let old = replicas[r].status
        guard old != status else { return }
        replicas[r].status = status
        func provisioned(_ s: ReplicaStatus) -> Bool { s != .stopped }
        cluster.readyCount += (status == .ready ? 1 : 0) - (old == .ready ? 1 : 0)
        cluster.provisionedCount += (provisioned(status) ? 1 : 0) - (provisioned(old) ? 1 : 0)
        cluster.ready.update(to: Double(cluster.readyCount), at: now)
        updateProvisioned(Double(cluster.provisionedCount), at: now)
    }

    /// Starts a stopped (or restarting) replica: ready after a warm start
    /// when the warm pool has an instance, else after a cold start; a GPU
    /// stock-out (start limit) delays the start itself.
    mutating func startReplica(_ r: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        replicas[r].incarnation &+= 1
        setStatus(r, .starting, now: now)
        var begin = now
        if let limit = dynamics?.startLimit {
            while let first = cluster.recentStarts.first, first <= now - limit.interval { cluster.recentStarts.removeFirst() }
            if cluster.recentStarts.count >= limit.count {
                // The earliest time a slot frees: the count-th most recent start plus the window.
                begin = cluster.recentStarts[cluster.recentStarts.count - limit.count] + limit.interval
            }
            cluster.recentStarts.append(begin)
        }
        let cold = dynamics?.coldStart.sample(&cluster.rng) ?? 0
        var delay = cold
        if let pool = dynamics?.warmPool, cluster.warmAvailable > 0 {
            cluster.warmAvailable -= 1
            cluster.provisionedCount -= 1  // the instance moves from the pool to the replica
            updateProvisioned(Double(cluster.provisionedCount), at: now)
            delay = pool.warmStart
            scheduler.schedule(.warmPoolRefill, at: begin + cold)
        }
        scheduler.schedule(.replicaReady(replica: Int32(r), incarnation: replicas[r].incarnation), at: begin + delay)
    }

    mutating func replicaReady(_ r: Int, incarnation: UInt32, scheduler: inout Scheduler<Event>) {
        guard replicas[r].incarnation == incarnation, replicas[r].status == .starting else { return }
        setStatus(r, .ready, now: scheduler.now)
        armRandomFailure(r, scheduler: &scheduler)
        refill(replica: r, scheduler: &scheduler)
    }

    /// A crash: every request the replica holds is lost (the client sees
    /// an error), and it restarts after `downFor`.
    mutating func failReplica(_ r: Int, incarnation: UInt32, downFor: Double, scheduler: inout Scheduler<Event>) {
        guard incarnation == ClusterState.anyIncarnation || incarnation == replicas[r].incarnation else { return }
        let status = replicas[r].status
        guard status == .ready || status == .draining || status == .starting else { return }
        let now = scheduler.now
        var lost = replicas[r].running
        while let id = replicas[r].waiting.popFirst() {
            if requests[id].phase == .done { requests.remove(id) } else { lost.append(id) }
        }
        for id in lost {
            changeBlocks(-Int(requests[id].blocks), replica: r, now: now)
            fail(id, outcome: .connectionError, now: now, scheduler: &scheduler)
        }
        if pooled {
            // Its requests have ended (closing their connections); the idle
            // ones go with the host.
            failPending(of: r, scheduler: &scheduler)
            gatewayState!.pool!.closeAll(r)
        }
        replicas[r].liveWaiting = 0
        replicas[r].running.removeAll()
        for s in replicas[r].slots.indices {
            replicas[r].slots[s].active = false
            replicas[r].slots[s].run = nil
            replicas[r].slots[s].epoch &+= 1
        }
        replicas[r].inFlight = 0
        replicas[r].wakePending = false
        replicas[r].timerAt = .infinity
        for s in replicas[r].stageFree.indices { replicas[r].stageFree[s] = now }
        setBusy(r, false, now: now)
        replicas[r].incarnation &+= 1
        setStatus(r, .failed, now: now)
        scheduler.schedule(.replicaRestart(replica: Int32(r), incarnation: replicas[r].incarnation), after: downFor)
    }

    mutating func restartReplica(_ r: Int, incarnation: UInt32, scheduler: inout Scheduler<Event>) {
        guard replicas[r].incarnation == incarnation, replicas[r].status == .failed else { return }
        startReplica(r, scheduler: &scheduler)
    }

    /// A draining replica with nothing left stops.
    mutating func retireIfDrained(_ r: Int, now: Double) {
        guard replicas[r].status == .draining, replicas[r].inSystem == 0, replicas[r].inFlight == 0, !replicas[r].busy,
              !hasPending(r) else { return }
        setStatus(r, .stopped, now: now)
        if pooled { gatewayState!.pool!.closeAll(r) }  // Envoy drains a removed host's pool
    }

    /// Brings the provisioned replicas (failed ones included: they restart
    /// by themselves) to `target`.
    mutating func scale(to target: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        cluster.desired = target
        var active = replicas.indices.filter { [.starting, .ready, .failed].contains(replicas[$0].status) }.count
        // Up: take draining replicas back first, then start stopped ones.
        for r in replicas.indices where active < target && replicas[r].status == .draining {
            setStatus(r, .ready, now: now)
            refill(replica: r, scheduler: &scheduler)
            active += 1
        }
        for r in replicas.indices where active < target && replicas[r].status == .stopped {
            startReplica(r, scheduler: &scheduler)
            active += 1
        }
        guard active > target else { return }
        // Down: cancel starting replicas (newest first), then drain the
        // least loaded ready ones.
        for r in replicas.indices.reversed() where active > target && replicas[r].status == .starting {
            replicas[r].incarnation &+= 1
            setStatus(r, .stopped, now: now)
            active -= 1
        }
        let candidates = replicas.indices.filter { replicas[$0].status == .ready }
            .sorted { (replicas[$0].inSystem, -$0) < (replicas[$1].inSystem, -$1) }
        for r in candidates where active > target {
            setStatus(r, .draining, now: now)
            active -= 1
            // Its queued (not yet admitted) requests go back to the gateway.
            while let id = replicas[r].waiting.popFirst() {
                if requests[id].phase == .done { requests.remove(id); continue }
                replicas[r].liveWaiting -= 1
                if requests[id].resetByGateway {
                    // Reset by the gateway, which has let go of it: nobody to send it back for.
                    if requests[id].measured { metrics.cancelled += 1 }
                    requests.remove(id)
                    continue
                }
                gatewayReleased(replica: r, now: now)
                // Its connection to the draining host goes idle (closed when the host stops).
                if pooled { disconnect(id, closing: false, scheduler: &scheduler) }
                requests.slots[Int(id)].replica = -1
                redispatch(id, scheduler: &scheduler)
            }
            retireIfDrained(r, now: now)
        }
    }

    /// Sends a request that lost its replica to another one.
    mutating func redispatch(_ id: Int32, scheduler: inout Scheduler<Event>) {
        switch dispatch {
        case .sharedQueue:
            if let r = replicaWithRoom() {
                enqueue(id, replica: r, scheduler: &scheduler)
            } else {
                pushShared(id, front: true)
                liveShared += 1
            }
        case .roundRobin:
            push(id, scheduler: &scheduler)
        }
    }

    /// Requests held across ready replicas and the gateway queue.
    var concurrencyHeld: Double {
        var held = Double(liveShared)
        for r in replicas where r.status == .ready { held += Double(r.inSystem) }
        return held
    }

    /// Samples the autoscaler's metric over ready replicas.
    mutating func scrapeMetric(_ scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        if case .kpa(_, let scrape)? = dynamics?.scaler {
            // The KPA sees the concurrency `lag` seconds late.
            cluster.lagged.append((now, concurrencyHeld))
            while let first = cluster.lagged.first, first.time <= now - scrape.lag + 1e-9 {
                cluster.lagged.removeFirst()
                cluster.kpa!.observe(now: first.time + scrape.lag, concurrency: first.value)
            }
            if now + scrape.interval <= duration { scheduler.schedule(.scrape, after: scrape.interval) }
            return
        }
        guard case .hpa(let settings, let metric, let scrape)? = dynamics?.scaler else { return }
        let busyNow = cluster.busy.integral(at: now), readyNow = cluster.ready.integral(at: now)
        let values = ([metric] + settings.additionalMetrics.map(\.metric)).map {
            metricValue($0, busyNow: busyNow, readyNow: readyNow)
        }
        cluster.lastScrape = (now, busyNow, readyNow)
        cluster.ttftWindow = LogHistogram()
        cluster.hpaSamples.append((now, values))
        // Keep the newest sample old enough to be seen, and those after it.
        while cluster.hpaSamples.count > 2, cluster.hpaSamples[1].time <= now - scrape.lag { cluster.hpaSamples.removeFirst() }
        if now + scrape.interval <= duration { scheduler.schedule(.scrape, after: scrape.interval) }
    }

    /// One HPA metric's average over ready replicas now (nil without any).
    /// `mutating` only so that self is passed by reference: called from
    /// mutating code, a non-mutating method gets a copy of the whole model.
    mutating func metricValue(_ metric: ScalingMetric, busyNow: Double, readyNow: Double) -> Double? {
        let ready = Double(cluster.readyCount)
        switch metric {
        case .utilization:
            let readyTime = readyNow - cluster.lastScrape.ready
            return readyTime > 0 ? min(1, (busyNow - cluster.lastScrape.busy) / readyTime) : nil
        case .inFlight:
            return ready > 0 ? concurrencyHeld / ready : nil
        case .queueDepth:
            guard ready > 0 else { return nil }
            var waiting = Double(liveShared)
            for r in replicas where r.status == .ready { waiting += Double(r.liveWaiting) }
            return waiting / ready
        case .kvCache:
            guard ready > 0 else { return nil }
            var used = 0
            for r in replicas where r.status == .ready { used += r.totalBlocks - r.freeBlocks }
            return Double(used) / (ready * Double(blocksPerReplica))
        case .ttftP50, .ttftP90, .ttftP99:
            guard cluster.ttftWindow.count > 0 else { return nil }
            return cluster.ttftWindow.percentile(metric == .ttftP50 ? 0.5 : metric == .ttftP90 ? 0.9 : 0.99)
        }
    }

    /// One autoscaler decision (HPA: on the newest sample old enough for
    /// the lag; KPA: on its windows of lagged samples).
    mutating func autoscale(_ scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        if case .kpa(let settings, _)? = dynamics?.scaler {
            let desired = max(cluster.kpa!.decide(now: now, current: cluster.desired, ready: cluster.readyCount),
                              cluster.predictive?.floor ?? 0)
            if desired != cluster.desired { scale(to: desired, scheduler: &scheduler) }
            if now + settings.tickInterval <= duration { scheduler.schedule(.autoscalerSync, after: settings.tickInterval) }
            return
        }
        guard case .hpa(let settings, _, let scrape)? = dynamics?.scaler, cluster.hpa != nil else { return }
        if dynamics?.keda != nil && cluster.desired == 0 {
            // Scaled to zero: KEDA, not the HPA, brings the first replica back.
            if now + settings.syncPeriod <= duration { scheduler.schedule(.autoscalerSync, after: settings.syncPeriod) }
            return
        }
        let seen = cluster.hpaSamples.last { $0.time <= now - scrape.lag + 1e-9 }?.values ?? []
        let desired = max(cluster.hpa!.decide(now: now, current: cluster.desired, ready: cluster.readyCount, metric: seen.first ?? nil,
                                              additional: Array(seen.dropFirst())),
                          cluster.predictive?.floor ?? 0)
        if desired != cluster.desired { scale(to: desired, scheduler: &scheduler) }
        if now + settings.syncPeriod <= duration { scheduler.schedule(.autoscalerSync, after: settings.syncPeriod) }
    }

    mutating func followSchedule(step i: Int, scheduler: inout Scheduler<Event>) {
        guard case .schedule(let plan)? = dynamics?.scaler else { return }
        scale(to: plan.counts[i], scheduler: &scheduler)
    }

    /// KEDA polls its trigger: zero to one replica when active, one or
    /// more to zero after `cooldown_period` inactive.
    mutating func kedaPoll(_ scheduler: inout Scheduler<Event>) {
        guard let k = dynamics?.keda else { return }
        let now = scheduler.now
        var held = liveShared
        for r in replicas { held += r.inSystem }
        let arrived = arrivalsSoFar - cluster.kedaArrivalsSeen
        cluster.kedaArrivalsSeen = arrivalsSoFar
        if Double(arrived + held) > k.activationThreshold {
            cluster.kedaLastActive = now
            if cluster.desired == 0 { scale(to: 1, scheduler: &scheduler) }
        } else if cluster.desired > 0, now - cluster.kedaLastActive >= k.cooldownPeriod {
            scale(to: 0, scheduler: &scheduler)
        }
        if now + k.pollingInterval <= duration { scheduler.schedule(.kedaPoll, after: k.pollingInterval) }
    }
}
