import SimulationCore

/// What the run records: the service's metrics (``ServingMetrics``) and
/// what users and the gateway saw (``ClientMetrics``). The other
/// components report to it through its `on…` hooks; none of them reads it.
struct Recorder: Sendable {
    /// The service's metrics.
    var metrics: ServingMetrics
    /// The clients' and gateway's metrics (recorded when the scenario has a
    /// client layer).
    var clientMetrics: ClientMetrics
    /// The SLO a completion is judged against (nil: every one is good).
    let slo: SLOTargets?
    /// Whether every measured completion is kept.
    let recordRequests: Bool
    /// Width of the arrival intervals latency is binned by (nil: none).
    let latencyBinWidth: Double?
    /// End of the warm-up: later events are measured.
    let warmup: Double
    /// Origins of the load stages requests are binned by (empty: none).
    let stageOrigins: [Double]
    /// The serving front end's time per request outside the engine
    /// (`request_overhead` of the hardware profile), added to every time to
    /// first token and end-to-end latency: a fixed delay in series with the
    /// engine, which holds no engine capacity, so it shifts latencies
    /// without changing the queueing.
    let requestOverhead: Double

    init(configuration c: ServingConfiguration) {
        metrics = ServingMetrics(interval: c.timeSeriesInterval, warmup: c.warmup, duration: c.duration)
        clientMetrics = ClientMetrics(interval: c.timeSeriesInterval)
        slo = c.slo
        recordRequests = c.recordRequests
        latencyBinWidth = c.latencyByArrivalInterval
        warmup = c.warmup
        requestOverhead = c.replicas.hardware?.requestOverhead ?? 0
        if c.attribution { metrics.attribution = Attribution(keepRecords: c.recordRequests, intervalWidth: c.latencyByArrivalInterval) }
        if case .processes(let ps) = c.arrivals, ps.count == 1, case .constantStages(let s) = ps[0] {
            stageOrigins = s.origins
            metrics.stages = Array(repeating: StageLatency(), count: s.stages.count)
        } else {
            stageOrigins = []
        }
    }

    /// The load stage request `req` arrived in.
    @inline(__always) func stage(of req: Request) -> Int {
        var k = 0
        while k + 1 < stageOrigins.count, req.arrival >= stageOrigins[k + 1] { k += 1 }
        return k
    }

    /// A request of a load stage did not complete.
    @inline(__always) mutating func stageFailed(_ req: Request) {
        if !stageOrigins.isEmpty { metrics.stages[stage(of: req)].failed += 1 }
    }

    /// A prefix-cache lookup at admission: `hit` of `prompt` tokens were
    /// cached (`first`: the request's first admission, not a recompute),
    /// and `evicted` cached blocks made room.
    mutating func onPrefixLookup(prompt: Int, hit: Int, first: Bool, evicted: Int, now: Double) {
        guard now >= warmup else { return }
        if first {
            metrics.prefixCache.promptTokens += prompt
            metrics.prefixCache.hitTokens += hit
        }
        metrics.prefixCache.savedPrefillTokens += hit
        metrics.prefixCache.evictions += evicted
    }

    /// Cached blocks evicted for a running sequence's new blocks.
    mutating func onPrefixEvictions(_ n: Int, now: Double) {
        if now >= warmup { metrics.prefixCache.evictions += n }
    }

    /// The warm-up is over: the utilisation integrals restart.
    mutating func onWarmupEnd(now: Double) {
        metrics.busyReplicas.reset(at: now)
        metrics.kvBlocksInUse.reset(at: now)
        metrics.provisioned.reset(at: now)
    }

    /// A request reaches the dispatcher.
    mutating func onOffered(_ req: Request, now: Double) {
        metrics.series.offered.add(at: now)
        if req.measured { metrics.offered += 1 }
        if !stageOrigins.isEmpty { metrics.stages[stage(of: req)].arrivals += 1 }
    }

    /// A request is refused (full queue, no replica, too large).
    mutating func onRejected(_ req: Request, now: Double) {
        metrics.series.rejected.add(at: now)
        if req.measured { metrics.rejected += 1 }
        stageFailed(req)
    }

    /// A request fails at its replica (a crash or an injected error).
    mutating func onFailed(_ req: Request, now: Double) {
        metrics.series.failed.add(at: now)
        if req.measured { metrics.failed += 1 }
        stageFailed(req)
    }

    /// A request longer than the model's context is refused (HTTP 400):
    /// a rejection, counted apart too.
    mutating func onRejectedTooLong(_ req: Request, now: Double) {
        onRejected(req, now: now)
        if req.measured { metrics.rejectedTooLong += 1 }
    }

    /// A waiting request's queue timeout runs out.
    mutating func onTimedOut(_ req: Request, now: Double) {
        metrics.series.timedOut.add(at: now)
        if req.measured { metrics.timedOut += 1 }
        stageFailed(req)
    }

    /// A request's client went away (nginx's 499) or the gateway reset it.
    mutating func onCancelled(_ req: Request) {
        if req.measured { metrics.cancelled += 1 }
        stageFailed(req)
    }

    /// A running sequence is preempted (recomputed later).
    mutating func onPreempted(now: Double) {
        if now >= warmup { metrics.preemptions += 1 }
    }

    /// Busy replicas change.
    mutating func onBusy(_ count: Int, now: Double) {
        metrics.busyReplicas.update(to: Double(count), at: now)
    }

    /// KV blocks in use over all replicas change.
    mutating func onKVBlocks(_ inUse: Int, now: Double) {
        metrics.kvBlocksInUse.update(to: Double(inUse), at: now)
    }

    /// Provisioned replicas change.
    mutating func onProvisioned(_ count: Int, now: Double) {
        metrics.provisioned.update(to: Double(count), at: now)
    }

    /// A KV cache leaves its prefill replica: it arrives `seconds` later,
    /// of which `wait` queued behind other transfers.
    mutating func onKVTransfer(_ req: Request, seconds: Double, wait: Double) {
        guard req.measured else { return }
        metrics.kvTransfers += 1
        metrics.kvTransferSeconds += seconds
        metrics.kvTransferWaitSeconds += wait
    }

    /// A measured completion `id` reached its user, whose call began at
    /// `callStart`: its latency goes to the attribution.
    mutating func onAttributed(_ id: Int32, _ req: Request, callStart: Double, now: Double) {
        guard req.measured else { return }
        metrics.attribution?.completed(id, req, callStart: callStart, overhead: requestOverhead, now: now)
    }

    /// Records a completion; returns its time to first token.
    mutating func onCompleted(_ req: Request, now: Double) -> Double {
        let e2e = now - req.arrival + requestOverhead
        let ttft = req.firstToken >= 0 ? req.firstToken - req.arrival + requestOverhead : e2e
        let tpot = req.output > 1 ? (e2e - ttft) / Double(req.output - 1) : 0
        let good = slo?.met(ttft: ttft, tpot: tpot, e2e: e2e) ?? true
        metrics.series.completed.add(at: now)
        metrics.lastCompletion = now
        metrics.series.outputTokens.add(Double(req.output), at: now)
        metrics.series.ttftSum.add(ttft, at: now)
        if let w = latencyBinWidth {
            let bin = Int(req.arrival / w)
            while metrics.byArrival.count <= bin { metrics.byArrival.append(ArrivalIntervalLatency()) }
            metrics.byArrival[bin].queueWait.record(req.firstScheduled - req.arrival)
            metrics.byArrival[bin].ttft.record(ttft)
            metrics.byArrival[bin].e2e.record(e2e)
            if req.output > 1 { metrics.byArrival[bin].tpot.record(tpot) }
            if good { metrics.byArrival[bin].good += 1 }
        }
        if !stageOrigins.isEmpty {
            let k = stage(of: req)
            metrics.stages[k].completed += 1
            metrics.stages[k].queueWait.record(req.firstScheduled - req.arrival)
            metrics.stages[k].ttft.record(ttft)
            metrics.stages[k].e2e.record(e2e)
            if req.output > 1 { metrics.stages[k].tpot.record(tpot) }
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
        return ttft
    }
}
