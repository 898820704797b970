import SimulationCore

/// Cluster control's decisions applied to the replicas: scaling to a
/// target, starts (cold, warm, delayed by stock-outs), readiness, crashes
/// and their restarts. Requests a replica gives back go to the gateway.
extension ServingSimulation {
    /// Brings the provisioned replicas (failed ones included: they restart
    /// by themselves) to `target`.
    mutating func scale(to target: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        cluster.desired = target
        let all = 0..<replicas.count
        var active = all.filter { [.starting, .ready, .failed].contains(replicas.states[$0].status) }.count
        // Up: take draining replicas back first, then start stopped ones.
        for r in all where active < target && replicas.states[r].status == .draining {
            replicas.setStatus(r, .ready, now: now, recorder: &recorder)
            refill(replica: r, scheduler: &scheduler)
            active += 1
        }
        for r in all where active < target && replicas.states[r].status == .stopped {
            startReplica(r, scheduler: &scheduler)
            active += 1
        }
        guard active > target else { return }
        // Down: cancel starting replicas (newest first), then drain the
        // least loaded ready ones.
        for r in all.reversed() where active > target && replicas.states[r].status == .starting {
            replicas.states[r].incarnation &+= 1
            replicas.setStatus(r, .stopped, now: now, recorder: &recorder)
            active -= 1
        }
        let candidates = all.filter { replicas.states[$0].status == .ready }
            .sorted { (replicas.states[$0].inSystem, -$0) < (replicas.states[$1].inSystem, -$1) }
        for r in candidates where active > target {
            replicas.setStatus(r, .draining, now: now, recorder: &recorder)
            active -= 1
            // Its queued (not yet admitted) requests go back to the gateway.
            while let id = replicas.popWaiting(replica: r, requests: &requests) {
                if requests[id].resetByGateway {
                    // Reset by the gateway, which has let go of it: nobody to send it back for.
                    recorder.onCancelled(requests[id])
                    requests.remove(id)
                    continue
                }
                gateway.released(replica: r, now: now)
                // Its connection to the draining host goes idle (closed when the host stops).
                gateway.disconnect(id, closing: false, requests: &requests, scheduler: &scheduler)
                requests.slots[Int(id)].replica = -1
                redispatch(id, scheduler: &scheduler)
            }
            retireIfDrained(r, now: now)
        }
    }

    /// Sends a request that lost its replica to another one.
    mutating func redispatch(_ id: Int32, scheduler: inout Scheduler<Event>) {
        switch gateway.dispatch {
        case .sharedQueue:
            if let r = gateway.replicaWithRoom(replicas.view) {
                enqueue(id, replica: r, scheduler: &scheduler)
            } else {
                gateway.pushShared(id, tenant: requests[id].tenant, front: true)
            }
        case .roundRobin:
            push(id, scheduler: &scheduler)
        }
    }

    /// Starts a stopped (or restarting) replica: ready after a warm start
    /// when the warm pool has an instance, else after a cold start; a GPU
    /// stock-out (start limit) delays the start itself.
    mutating func startReplica(_ r: Int, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        replicas.states[r].incarnation &+= 1
        replicas.setStatus(r, .starting, now: now, recorder: &recorder)
        let plan = cluster.planStart(now: now)
        var delay = plan.cold
        if let warm = plan.warmStart {
            // The instance moves from the pool to the replica.
            replicas.addProvisioned(-1, now: now, recorder: &recorder)
            delay = warm
            scheduler.schedule(.warmPoolRefill, at: plan.begin + plan.cold)
        }
        scheduler.schedule(.replicaReady(replica: Int32(r), incarnation: replicas.states[r].incarnation), at: plan.begin + delay)
    }

    /// A starting replica has finished its cold start.
    mutating func replicaReady(_ r: Int, incarnation: UInt32, scheduler: inout Scheduler<Event>) {
        guard replicas.states[r].incarnation == incarnation, replicas.states[r].status == .starting else { return }
        replicas.setStatus(r, .ready, now: scheduler.now, recorder: &recorder)
        cluster.armRandomFailure(r, incarnation: replicas.states[r].incarnation, scheduler: &scheduler)
        refill(replica: r, scheduler: &scheduler)
    }

    /// A crash: every request the replica holds is lost (the client sees
    /// an error), and it restarts after `downFor`.
    mutating func failReplica(_ r: Int, incarnation: UInt32, downFor: Double, scheduler: inout Scheduler<Event>) {
        guard incarnation == ClusterControl.anyIncarnation || incarnation == replicas.states[r].incarnation else { return }
        let status = replicas.states[r].status
        guard status == .ready || status == .draining || status == .starting else { return }
        let now = scheduler.now
        for id in replicas.crash(r, now: now, requests: &requests, recorder: &recorder) {
            fail(id, outcome: .connectionError, now: now, scheduler: &scheduler)
        }
        if gateway.pooled {
            // Its requests have ended (closing their connections); the idle
            // ones go with the host.
            failPending(of: r, scheduler: &scheduler)
            gateway.closeConnections(of: r)
        }
        replicas.clearAfterCrash(r, now: now, recorder: &recorder)
        scheduler.schedule(.replicaRestart(replica: Int32(r), incarnation: replicas.states[r].incarnation), after: downFor)
    }
}
