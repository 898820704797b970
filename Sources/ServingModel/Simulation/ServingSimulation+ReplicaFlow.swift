import SimulationCore

/// A replica's work ends: its requests complete (up to the gateway and
/// client), it takes more from the gateway's queue, starts its next work,
/// and a draining replica with nothing left stops.
extension ServingSimulation {
    /// Policy `none`: the request in service is done.
    mutating func finishService(replica r: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let id = replicas.running(r)[0]
        replicas.states[r].running.removeAll(keepingCapacity: true)
        complete(id, now: now, scheduler: &scheduler)
        afterWork(replica: r, now: now, scheduler: &scheduler)
    }

    /// Policy `dynamic`: the batch in flight is done.
    mutating func finishBatch(replica r: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        for id in replicas.running(r) { complete(id, now: now, scheduler: &scheduler) }
        replicas.states[r].running.removeAll(keepingCapacity: true)
        afterWork(replica: r, now: now, scheduler: &scheduler)
    }

    /// After a service or batch: the replica is idle, refills, starts again.
    mutating func afterWork(replica r: Int, now: Double, scheduler: inout Scheduler<Event>) {
        replicas.setBusy(r, false, now: now, recorder: &recorder)
        refill(replica: r, scheduler: &scheduler)
        replicas.kick(replica: r, requests: &requests, scheduler: &scheduler, recorder: &recorder)
        retireIfDrained(r, now: now)
    }

    /// Policy `continuous`: applies a micro-batch's progress, completes
    /// finished sequences, frees aborted ones, hands prefilled ones to the
    /// decode pool, and plans the next micro-batch.
    mutating func finishIteration(replica r: Int, slot: Int, epoch: UInt16, scheduler: inout Scheduler<Event>) {
        guard var batch = replicas.beginFinish(replica: r, slot: slot, epoch: epoch) else { return }
        let now = scheduler.now
        var finished = false
        var aborted: [Int32] = [], handedOff: [Int32] = []
        let steps = Int32(batch.run?.steps ?? 1)
        for (i, id) in batch.members.enumerated() {
            switch replicas.advance(id, chunk: batch.chunks[i], steps: steps, replica: r, now: now, requests: &requests,
                                    recorder: &recorder) {
            case .continues: break
            case .finished:
                complete(id, now: now, scheduler: &scheduler)
                finished = true
            case .aborted: aborted.append(id)
            case .handedOff: handedOff.append(id)
            }
        }
        replicas.endFinish(&batch, replica: r, slot: slot, anyFinished: finished, requests: requests)
        if !aborted.isEmpty {
            replicas.removeRunning(aborted, replica: r)
            for id in aborted { dropAborted(id, replica: r, now: now, scheduler: &scheduler) }
        }
        if !handedOff.isEmpty {
            replicas.removeRunning(handedOff, replica: r)
            for id in handedOff { replicas.handOff(id, requests: requests, scheduler: &scheduler, recorder: &recorder) }
        }
        replicas.states[r].inFlight -= 1
        refill(replica: r, scheduler: &scheduler)
        replicas.afterIteration(replica: r, now: now, requests: &requests, scheduler: &scheduler, recorder: &recorder)
        retireIfDrained(r, now: now)
    }

    /// A replica freed room: it pulls from the gateway's shared queue.
    mutating func refill(replica r: Int, scheduler: inout Scheduler<Event>) {
        guard gateway.dispatch == .sharedQueue, replicas.isReachable(r), !replicas.isDecodeReplica(r) else { return }
        let limit = replicas.roomLimit
        while replicas.states[r].inSystem < limit, let id = gateway.popShared(requests: &requests, replicas: replicas.view) {
            if requests[id].phase == .done { requests.remove(id); continue }  // abandoned
            gateway.liveShared -= 1
            enqueue(id, replica: r, scheduler: &scheduler)
        }
    }

    /// A draining replica with nothing left stops (Envoy drains a removed
    /// host's connection pool).
    mutating func retireIfDrained(_ r: Int, now: Double) {
        guard replicas.states[r].status == .draining, replicas.isIdle(r), !gateway.hasPending(r, requests: &requests) else { return }
        replicas.setStatus(r, .stopped, now: now, recorder: &recorder)
        gateway.closeConnections(of: r)
    }
}
