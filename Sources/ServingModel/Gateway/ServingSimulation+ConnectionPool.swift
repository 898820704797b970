import SimulationCore

/// The gateway's HTTP/1.1 connection pools (see ``ConnectionPool``): an
/// attempt the balancer sent to host `r` takes one of its connections,
/// waits for one, or overflows.
extension ServingSimulation {
    /// Request `id`, routed to ready replica `r`, asks `r`'s pool for a
    /// connection: true when it has one and goes on to the replica; false
    /// when it waits or was refused (503, the pending lists are full).
    mutating func connect(_ id: Int32, to r: Int, scheduler: inout Scheduler<Event>) -> Bool {
        dropPendingTombstones(of: r)
        if gatewayState!.pool!.pending[r].isEmpty && gatewayState!.pool!.acquire(r) {
            requests.slots[Int(id)].pool = .connected
            return true
        }
        if gatewayState!.pool!.hasPendingRoom {
            gatewayState!.pool!.wait(id, for: r)
            requests.slots[Int(id)].pool = .pending
            if requests[id].measured { clientMetrics.pendingWaits += 1 }
        } else {
            if requests[id].measured { clientMetrics.pendingOverflows += 1 }
            reject(id, now: scheduler.now, status: 503, scheduler: &scheduler)
        }
        return false
    }

    /// Whether an attempt that ended with `outcome` closes its connection
    /// (a reset: a connection error, a timeout, the client's 499) rather
    /// than leaving it idle for reuse.
    static func closesConnection(_ outcome: AttemptOutcome) -> Bool {
        switch outcome {
        case .connectionError, .timeout: return true
        case .response(let status, _, _): return status == 499
        }
    }

    /// Attempt `id` let go of its connection: it goes idle, or closes
    /// (`closing`, a reset), and the host's oldest waiting request gets it
    /// in an event of its own, after the caller has finished with `id`.
    mutating func disconnect(_ id: Int32, closing: Bool, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        switch req.pool {
        case .none:
            return
        case .pending:
            // Ended while waiting (its client went, or its host failed). It
            // stays marked so that `withdraw` leaves its tombstone there.
            gatewayState!.pool!.leftPending()
        case .connected:
            let r = Int(req.replica)
            gatewayState!.pool!.release(r, close: closing)
            if !gatewayState!.pool!.pending[r].isEmpty { scheduler.schedule(.connectionFree(replica: Int32(r)), after: 0) }
            requests.slots[Int(id)].pool = .none
        }
    }

    /// A connection of host `r` is free: its waiting requests go on, oldest
    /// first, while connections can be had. A host that can no longer take
    /// them fails them (503, as Envoy's connect failure).
    mutating func connectionFree(_ r: Int, scheduler: inout Scheduler<Event>) {
        dropPendingTombstones(of: r)
        guard !gatewayState!.pool!.pending[r].isEmpty else { return }
        guard [.ready, .draining].contains(replicas[r].status), !replicas[r].cutOff else {
            failPending(of: r, scheduler: &scheduler)
            return
        }
        while let id = gatewayState!.pool!.pending[r].first, gatewayState!.pool!.acquire(r) {
            gatewayState!.pool!.pending[r].removeFirst()
            gatewayState!.pool!.leftPending()
            requests.slots[Int(id)].pool = .connected
            deliver(id, to: r, scheduler: &scheduler)
            dropPendingTombstones(of: r)
        }
    }

    /// Host `r` can take no more: the requests waiting for its connections
    /// fail (503).
    mutating func failPending(of r: Int, scheduler: inout Scheduler<Event>) {
        while let id = gatewayState!.pool!.pending[r].popFirst() {
            if requests[id].phase == .done { requests.remove(id); continue }
            reject(id, now: scheduler.now, status: 503, scheduler: &scheduler)
        }
    }

    /// Whether requests wait for connections to replica `r`.
    mutating func hasPending(_ r: Int) -> Bool {
        guard pooled else { return false }
        dropPendingTombstones(of: r)
        return !gatewayState!.pool!.pending[r].isEmpty
    }

    /// Frees the withdrawn requests at the front of `r`'s pending list.
    mutating func dropPendingTombstones(of r: Int) {
        while let id = gatewayState!.pool!.pending[r].first, requests[id].phase == .done {
            gatewayState!.pool!.pending[r].removeFirst()
            requests.remove(id)
        }
    }
}
