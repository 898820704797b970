import SimulationCore

/// An attempt's passage through the fault filter's delay (`gateway.fault.delay`).
enum FaultHold: UInt8, Sendable {
    /// Not held: its route started at its send.
    case never
    /// Held now: sent by its client, not yet routed.
    case held
    /// Held, then let go: its route started the fault's delay after its send.
    case released
}

/// Envoy's HTTP fault filter at the gateway (`gateway.fault`): the abort
/// and the end of the delay. `send` draws the delay, since the filter comes
/// before everything else the gateway does with an attempt.
extension ServingSimulation {
    /// The fault filter's abort, drawn for one attempt (nil: it goes on).
    mutating func faultAbort() -> AttemptOutcome? {
        guard let abort = gatewayFault?.abort, gatewayFaultStream.nextUniform() < abort.share else { return nil }
        return .response(status: abort.status)
    }

    /// A delayed attempt's fault delay is over: the abort and the gateway's
    /// limits, then the route, unless its client has let go meanwhile.
    mutating func faultDelayEnded(_ rid: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard requests[rid].generation == generation, requests[rid].faultHold == .held else { return }
        requests.slots[Int(rid)].faultHold = .released
        let req = requests[rid]
        guard !req.orphan, clientState.calls.isLive(req.call, req.callGeneration) else {
            requests.remove(rid)
            return
        }
        let call = clientState.calls[req.call]
        if let refusal = faultAbort() ?? gatewayRefusal(call, now: scheduler.now) {
            requests.remove(rid)
            attemptAnswered(req.call, outcome: refusal, sentAt: req.arrival, isRetry: req.isRetry, scheduler: &scheduler)
            return
        }
        route(rid, call: call, scheduler: &scheduler)
    }
}
