import SimulationCore

/// Prefill/decode disaggregation (see ``Disaggregation``).
extension ReplicaPool {
    /// Its prefill replica has sampled the first token of `id`: the request
    /// leaves the running set, keeps its blocks, and its KV cache crosses
    /// the interconnect, after the transfers ahead of it on a shared link.
    mutating func handOff(_ id: Int32, requests: RequestTable, scheduler: inout Scheduler<Event>, recorder: inout Recorder) {
        guard let d = disaggregation else { return }
        let now = scheduler.now
        let busy = d.linkTime(tokens: Int(requests[id].prompt))
        var start = now
        if d.sharedLink {
            let p = Int(requests[id].replica)
            start = max(now, states[p].linkFree)
            states[p].linkFree = start + busy
        }
        let seconds = start - now + busy + d.latency
        recorder.onKVTransfer(requests[id], seconds: seconds, wait: start - now)
        recorder.metrics.attribution?.kvTransfer(id, seconds: seconds)
        scheduler.schedule(.kvTransferDone(request: id, generation: requests[id].generation), after: seconds)
    }

    /// A KV cache has arrived: the prefill replica frees its blocks and the
    /// least loaded decode replica queues the request.
    mutating func kvTransferDone(_ id: Int32, generation: UInt32, requests: inout RequestTable, scheduler: inout Scheduler<Event>,
                                 recorder: inout Recorder) {
        guard requests[id].generation == generation, requests[id].phase == .running else { return }
        let now = scheduler.now
        let p = Int(requests[id].replica)
        changeBlocks(-Int(requests[id].blocks), replica: p, now: now, recorder: &recorder)
        requests.slots[Int(id)].blocks = 0
        kick(replica: p, requests: &requests, scheduler: &scheduler, recorder: &recorder)
        var best = prefillReplicas
        for r in prefillReplicas..<states.count where states[r].inSystem < states[best].inSystem { best = r }
        requests.slots[Int(id)].replica = Int32(best)
        requests.slots[Int(id)].phase = .waiting
        states[best].waiting.append(id)
        states[best].liveWaiting += 1
        kick(replica: best, requests: &requests, scheduler: &scheduler, recorder: &recorder)
    }

    /// A replica takes requests that arrive already prefilled (a decode
    /// replica's transferred ones) from the head of its queue into its
    /// running set while sequence slots and KV blocks allow, before the
    /// iteration is planned, so they decode in it. A request at the head
    /// that still needs prefill stops this; the usual admission takes it.
    mutating func admitPrefilled(replica r: Int, policy: ContinuousBatching, now: Double, requests: inout RequestTable,
                                 recorder: inout Recorder) {
        let reserve = Int(Double(states[r].totalBlocks) * policy.watermark)
        while states[r].running.count < policy.maxNumSeqs, let id = peekWaiting(replica: r, requests: &requests) {
            let req = requests[id]
            guard req.generated > 0, req.prefilled >= prefillTarget(req) else { return }
            let need = blocks(for: Int(req.prompt + req.generated))
            if states[r].freeBlocks - need < reserve { return }
            _ = popWaiting(replica: r, requests: &requests)
            requests.slots[Int(id)].phase = .running
            requests.slots[Int(id)].blocks = Int32(need)
            changeBlocks(need, replica: r, now: now, recorder: &recorder)
            states[r].running.append(id)
        }
    }
}
