import SimulationCore

/// The gateway's HTTP/1.1 connection pools (see ``ConnectionPool``): an
/// attempt the balancer sent to host `r` takes one of its connections,
/// waits for one, or overflows.
extension Gateway {
    /// What a request routed to a host got from its pool.
    enum Connection {
        /// A connection: it goes on to the replica.
        case connected
        /// It waits in the host's pending list.
        case waiting
        /// The pending lists are full: the caller refuses it (503).
        case overflow
    }

    /// Request `id`, routed to ready replica `r`, asks `r`'s pool for a connection.
    mutating func connect(_ id: Int32, to r: Int, requests: inout RequestTable, recorder: inout Recorder) -> Connection {
        dropPendingTombstones(of: r, requests: &requests)
        if pool.pending[r].isEmpty && pool.acquire(r) {
            requests.slots[Int(id)].pool = .connected
            return .connected
        }
        if pool.hasPendingRoom {
            pool.wait(id, for: r)
            requests.slots[Int(id)].pool = .pending
            if requests[id].measured { recorder.clientMetrics.pendingWaits += 1 }
            return .waiting
        }
        if requests[id].measured { recorder.clientMetrics.pendingOverflows += 1 }
        return .overflow
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
    mutating func disconnect(_ id: Int32, closing: Bool, requests: inout RequestTable, scheduler: inout Scheduler<Event>) {
        guard pooled else { return }
        let req = requests[id]
        switch req.pool {
        case .none:
            return
        case .pending:
            // Ended while waiting (its client went, or its host failed). It
            // stays marked so that `withdraw` leaves its tombstone there.
            pool.leftPending()
        case .connected:
            let r = Int(req.replica)
            pool.release(r, close: closing)
            if !pool.pending[r].isEmpty { scheduler.schedule(.connectionFree(replica: Int32(r)), after: 0) }
            requests.slots[Int(id)].pool = .none
        }
    }

    /// The oldest request waiting for host `r` when a connection can be had
    /// for it (it then holds the connection), else nil.
    mutating func takeConnectedPending(of r: Int, requests: inout RequestTable) -> Int32? {
        guard let id = pool.pending[r].first, pool.acquire(r) else { return nil }
        pool.pending[r].removeFirst()
        pool.leftPending()
        requests.slots[Int(id)].pool = .connected
        return id
    }

    /// The next live request waiting for host `r`, taken out (the caller fails it).
    mutating func popPending(of r: Int, requests: inout RequestTable) -> Int32? {
        while let id = pool.pending[r].popFirst() {
            if requests[id].phase == .done { requests.remove(id); continue }
            return id
        }
        return nil
    }

    /// Whether requests wait for connections to replica `r`.
    mutating func hasPending(_ r: Int, requests: inout RequestTable) -> Bool {
        guard pooled else { return false }
        dropPendingTombstones(of: r, requests: &requests)
        return !pool.pending[r].isEmpty
    }

    /// Frees the withdrawn requests at the front of `r`'s pending list.
    mutating func dropPendingTombstones(of r: Int, requests: inout RequestTable) {
        while let id = pool.pending[r].first, requests[id].phase == .done {
            pool.pending[r].removeFirst()
            requests.remove(id)
        }
    }

    /// Host `r` is gone (failed or stopped): its connections close.
    mutating func closeConnections(of r: Int) {
        if pooled { pool.closeAll(r) }
    }
}
