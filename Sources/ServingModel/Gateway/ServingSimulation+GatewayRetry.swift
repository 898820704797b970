import SimulationCore

/// The end of a try at the gateway, and Envoy route retries (see ``GatewayRetryPolicy``).
extension ServingSimulation {
    /// The gateway's side of try `id` ends with `outcome`: its connection
    /// (closed when `closing`), its place under `max_requests` and the retry
    /// breaker, the balancer's and outlier detector's record. Then, when the
    /// outcome is `retryable` and the try has retries left, a gateway retry
    /// while the breaker allows; otherwise the client hears `outcome`.
    mutating func tryEnded(_ id: Int32, outcome: AttemptOutcome, closing: Bool, retryable: Bool, now: Double,
                           scheduler: inout Scheduler<Event>) {
        if pooled { disconnect(id, closing: closing, scheduler: &scheduler) }
        let req = requests[id]
        gatewayState?.inside -= 1
        if req.gatewayRetries > 0 { gatewayState!.retryBreaker!.retryFinished() }
        if req.replica >= 0 { gatewayFinished(replica: Int(req.replica), outcome: outcome, latency: now - req.arrival, now: now) }
        if retryable, let policy = gatewayRetry, Int(req.gatewayRetries) < policy.numRetries {
            if gatewayState!.retryBreaker!.tryStartRetry(activeRequests: gatewayState!.inside) {
                retryAtGateway(id, policy: policy, scheduler: &scheduler)
                return
            }
            if req.measured { clientMetrics.gatewayRetryOverflows += 1 }
        }
        passToClient(id, outcome: outcome, now: now, scheduler: &scheduler)
    }

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
        copy.faultHold = old.faultHold
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
        // The client's per-try timer runs from the attempt's send, the route
        // timeout from the route's start (after any fault delay).
        if let t = client.perTryTimeout, old.arrival + t > scheduler.now {
            scheduler.schedule(.attemptTimeout(request: rid, generation: generation), at: old.arrival + t)
        }
        let routeStart = old.arrival + (old.faultHold == .never ? 0 : gatewayFault!.delay!.fixed)
        if let t = routeTimeout, routeStart + t > scheduler.now {
            scheduler.schedule(.routeTimeout(request: rid, generation: generation), at: routeStart + t)
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
