import SimulationCore

/// Envoy route retries at the gateway (see ``GatewayRetryPolicy``).
extension ServingSimulation {
    /// Attempt `id` ended with an answer the gateway retries: a copy of it
    /// (same client attempt, same send time) waits out the backoff and goes
    /// to a replica again; the client hears nothing yet. The caller frees
    /// `id` as usual.
    mutating func retryAtGateway(_ id: Int32, policy: GatewayRetryPolicy, scheduler: inout Scheduler<Event>) {
        let old = requests[id]
        var copy = Request(arrival: old.arrival, prompt: old.prompt, output: old.output, tenant: old.tenant, measured: old.measured)
        copy.call = old.call
        copy.callGeneration = old.callGeneration
        copy.isRetry = old.isRetry
        copy.previousAttempt = old.previousAttempt
        copy.previousAttemptGeneration = old.previousAttemptGeneration
        copy.gatewayRetries = old.gatewayRetries + 1
        copy.awaitingResend = true
        let rid = requests.insert(copy)
        let generation = requests[rid].generation
        if clientState.calls[old.call].lastAttempt == id {
            clientState.calls[old.call].lastAttempt = rid
            clientState.calls[old.call].lastAttemptGeneration = generation
        }
        if policy.previousHosts {
            gatewayState!.setHostsTried(gatewayState!.hostsTried(by: id, generation: old.generation), for: rid, generation: generation)
        }
        if gatewayState!.settlesOutput, Int(id) < gatewayState!.outputHolds.count {
            gatewayState!.setOutputHold(gatewayState!.outputHolds[Int(id)], for: rid)
            gatewayState!.outputHolds[Int(id)].reserved = 0
        }
        // The client's per-try timer and the route timeout run from the
        // attempt's send.
        if let t = client.perTryTimeout, old.arrival + t > scheduler.now {
            scheduler.schedule(.attemptTimeout(request: rid, generation: generation), at: old.arrival + t)
        }
        if let t = routeTimeout, old.arrival + t > scheduler.now {
            scheduler.schedule(.routeTimeout(request: rid, generation: generation), at: old.arrival + t)
        }
        if old.measured { clientMetrics.gatewayRetries += 1 }
        let wait = policy.backoff(retry: Int(copy.gatewayRetries), &gatewayState!.rng)
        scheduler.schedule(.gatewayResend(request: rid, generation: generation), after: wait)
    }

    /// A gateway retry's backoff is over: it goes to a replica, unless its
    /// client has given up meanwhile.
    mutating func gatewayResend(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard requests[id].generation == generation, requests[id].awaitingResend else { return }
        requests.slots[Int(id)].awaitingResend = false
        let req = requests[id]
        if req.orphan || !clientState.calls.isLive(req.call, req.callGeneration) {
            gatewayState!.retryBreaker!.retryFinished()
            if gatewayState!.settlesOutput { settleOutput(id, generated: 0, now: scheduler.now) }
            requests.remove(id)
            return
        }
        gatewayState!.inside += 1
        dispatchArrival(id, scheduler: &scheduler)
    }
}
