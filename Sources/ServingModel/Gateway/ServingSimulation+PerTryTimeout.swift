import SimulationCore

/// Envoy's per-try timeout at the gateway (`gateway.retry.per_try_timeout`).
extension ServingSimulation {
    /// The per-try timeout of try `id` runs out. Once its answer streams
    /// (the first token has gone downstream) Envoy ignores it. Before that
    /// Envoy resets the upstream request, records a 504 against the host
    /// (outlier detection, the balancer), and retries the try if its policy
    /// retries resets (`5xx`, `gateway-error`, `reset`) and its breaker
    /// allows; otherwise the client gets the 504. The reset lets go of the
    /// gateway's hold at once (its `max_requests` count, retry breaker and
    /// connection); the replica treats it as any closed connection
    /// (`client.cancel_on_give_up`), and whatever it still computes for the
    /// try reaches nobody.
    mutating func perTryTimedOut(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        guard req.generation == generation, req.phase != .done, !req.orphan,
              clientState.calls.isLive(req.call, req.callGeneration) else { return }
        if req.firstToken >= 0 && req.firstToken <= scheduler.now { return }
        if req.measured { clientMetrics.gatewayPerTryTimeouts += 1 }
        // The gateway's side of the try ends now: Envoy resets the stream
        // (closing its connection) and answers a 504, retried as a reset.
        tryEnded(id, outcome: .response(status: 504), closing: true, retryable: gatewayRetry?.retriesPerTryTimeouts == true,
                 now: scheduler.now, scheduler: &scheduler)
        requests.slots[Int(id)].orphan = true
        requests.slots[Int(id)].resetByGateway = true
        // The replica's side: it sees the upstream connection close (its
        // attempt's end then reaches nobody, as marked).
        connectionClosed(id, scheduler: &scheduler)
    }
}
