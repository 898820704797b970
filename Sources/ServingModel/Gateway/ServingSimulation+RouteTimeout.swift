import SimulationCore

/// Envoy's route timeout at the gateway (`gateway.route_timeout`).
extension ServingSimulation {
    /// The route timeout of attempt `id` runs out: it spans every gateway
    /// retry of the attempt, from its send to the end of the streamed
    /// answer. Before the first token Envoy answers 504 (`upstream request
    /// timeout`); once the answer streams, its headers have gone, so the
    /// client's stream is reset (a connection error). Either way Envoy
    /// resets the upstream request, which the replica treats as any closed
    /// connection (`client.cancel_on_give_up`).
    mutating func routeTimedOut(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        guard req.generation == generation, req.phase != .done, !req.orphan,
              clientState.calls.isLive(req.call, req.callGeneration) else { return }
        let streaming = req.firstToken >= 0 && req.firstToken <= scheduler.now
        let outcome: AttemptOutcome = streaming ? .connectionError : .response(status: 504)
        if req.measured { clientMetrics.routeTimeouts += 1 }
        orphan(id, scheduler: &scheduler)
        react(req.call, outcome: outcome, duration: scheduler.now - req.arrival, scheduler: &scheduler)
    }
}
