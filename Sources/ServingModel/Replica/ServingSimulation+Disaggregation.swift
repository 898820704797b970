import SimulationCore

/// Prefill/decode disaggregation (see ``Disaggregation``).
extension ServingSimulation {
    /// Whether replica `r` is in the decode pool. `mutating` only so that
    /// self is passed by reference: called from mutating code on every
    /// iteration and dispatch, a non-mutating method gets a copy of the
    /// whole model.
    mutating func isDecodeReplica(_ r: Int) -> Bool { prefillReplicas > 0 && r >= prefillReplicas }

    /// Its prefill replica has sampled the first token of `id`: the request
    /// leaves the running set, keeps its blocks, and its KV cache crosses
    /// the interconnect, after the transfers ahead of it on a shared link.
    mutating func handOff(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let d = disaggregation!
        let now = scheduler.now
        let busy = d.linkTime(tokens: Int(requests[id].prompt))
        var start = now
        if d.sharedLink {
            let p = Int(requests[id].replica)
            start = max(now, replicas[p].linkFree)
            replicas[p].linkFree = start + busy
        }
        let seconds = start - now + busy + d.latency
        if requests[id].measured {
            metrics.kvTransfers += 1
            metrics.kvTransferSeconds += seconds
            metrics.kvTransferWaitSeconds += start - now
        }
        scheduler.schedule(.kvTransferDone(request: id, generation: requests[id].generation), after: seconds)
    }

    /// A KV cache has arrived: the prefill replica frees its blocks and the
    /// least loaded decode replica queues the request.
    mutating func kvTransferDone(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard requests[id].generation == generation, requests[id].phase == .running else { return }
        let now = scheduler.now
        let p = Int(requests[id].replica)
        changeBlocks(-Int(requests[id].blocks), replica: p, now: now)
        requests.slots[Int(id)].blocks = 0
        kick(replica: p, scheduler: &scheduler)
        var best = prefillReplicas
        for r in prefillReplicas..<replicas.count where replicas[r].inSystem < replicas[best].inSystem { best = r }
        requests.slots[Int(id)].replica = Int32(best)
        requests.slots[Int(id)].phase = .waiting
        replicas[best].waiting.append(id)
        replicas[best].liveWaiting += 1
        kick(replica: best, scheduler: &scheduler)
    }

    /// A replica takes requests that arrive already prefilled (a decode
    /// replica's transferred ones) from the head of its queue into its
    /// running set while sequence slots and KV blocks allow, before the
    /// iteration is planned, so they decode in it. A request at the head
    /// that still needs prefill stops this; the usual admission takes it.
    mutating func admitPrefilled(replica r: Int, policy: ContinuousBatching, now: Double) {
        let reserve = Int(Double(replicas[r].totalBlocks) * policy.watermark)
        while replicas[r].running.count < policy.maxNumSeqs, let id = peekWaiting(replica: r) {
            let req = requests[id]
            guard req.generated > 0, req.prefilled >= prefillTarget(req) else { return }
            let need = blocks(for: Int(req.prompt + req.generated))
            if replicas[r].freeBlocks - need < reserve { return }
            _ = popWaiting(replica: r)
            requests.slots[Int(id)].phase = .running
            requests.slots[Int(id)].blocks = Int32(need)
            changeBlocks(need, replica: r, now: now)
            replicas[r].running.append(id)
        }
    }
}
