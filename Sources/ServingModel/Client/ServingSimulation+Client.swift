import SimulationCore
import Workload

/// The client layer: user requests (calls), their attempts, retries,
/// hedges, deadlines, breaker, cache and fallback. Active when a scenario
/// has a `client` or `gateway` section; otherwise arrivals go straight to
/// the dispatcher.
extension ServingSimulation {
    /// Closed loop: every user's first request after one think time.
    mutating func startClients(_ scheduler: inout Scheduler<Event>) {
        guard layered, case .closed(let users, let think) = client.loop else { return }
        for u in 0..<users {
            let t = think.sample(&clientState.think)
            if t < duration { scheduler.schedule(.userArrival(user: Int32(u)), at: t) }
        }
    }

    /// A user asks: cache, smaller-model fallback, or the first attempt.
    mutating func newCall(size: RequestSize, user: Int32, prefix: [Int], scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let output = client.maxTokens.map { min(size.output, $0) } ?? size.output
        var call = Call(arrival: now, prompt: Int32(size.prompt), output: Int32(output),
                        tenant: Int16(tenants.sample(&tenantStream)),
                        apiKey: Int32(apiKeyCount > 1 ? clientState.keys.nextInt(below: apiKeyCount) : 0),
                        user: user, measured: now >= warmup)
        call.prefix = prefix
        if let o = client.overallTimeout { call.deadline = now + o }
        if let p = client.patience { call.deadline = min(call.deadline, now + p.sample(&clientState.patience)) }
        clientMetrics.series.userRequests.add(at: now)
        if call.measured { clientMetrics.userRequests += 1 }
        if let c = client.cache {
            call.cacheKey = Int32(c.keys.sample(&clientState.keys))
            if clientState.cache!.lookup(Int(call.cacheKey), now: now) {
                let id = clientState.calls.insert(call)
                scheduler.schedule(.callAnswer(call: id, generation: clientState.calls[id].generation, how: .cache),
                                   after: c.hitLatency)
                return
            }
        }
        let id = clientState.calls.insert(call)
        let generation = clientState.calls[id].generation
        if call.deadline < .infinity { scheduler.schedule(.callDeadline(call: id, generation: generation), at: call.deadline) }
        if case .smallerModel(let after, let latency)? = client.fallback,
           let start = clientState.errorStreakStart, now - start >= after {
            scheduler.schedule(.callAnswer(call: id, generation: generation, how: .fallback),
                               after: latency.sample(&clientState.fallbackStream))
            return
        }
        send(id, scheduler: &scheduler)
        if let h = client.hedgeDelay { scheduler.schedule(.hedge(call: id, generation: generation), after: h) }
    }

    /// Sends the call's next attempt, if a permit of the concurrency limit
    /// is free; otherwise queues it for one.
    mutating func send(_ id: Int32, scheduler: inout Scheduler<Event>) {
        if clientState.calls[id].holdsPermit {
            clientState.calls[id].holdsPermit = false
        } else if let limit = client.concurrencyLimit, clientState.permitsInUse >= limit {
            clientState.calls[id].pendingSend = true
            clientState.waitingForPermit.append((id, clientState.calls[id].generation))
            return
        } else {
            clientState.permitsInUse += 1
        }
        let now = scheduler.now
        clientState.calls[id].pendingSend = false
        if !clientState.breakerPermits(now: now) {
            clientMetrics.series.attemptErrors.add(at: now)
            if clientState.calls[id].measured { clientMetrics.breakerRejections += 1 }
            releasePermit(scheduler: &scheduler)
            if clientState.calls[id].inFlight == 0 { giveUp(id, scheduler: &scheduler) }
            return
        }
        let isRetry = clientState.calls[id].nextIsRetry
        if isRetry, clientState.budget != nil,
           !clientState.budget!.tryStartRetry(activeRequests: clientState.attemptsInFlight) {
            releasePermit(scheduler: &scheduler)
            if clientState.calls[id].inFlight == 0 { giveUp(id, scheduler: &scheduler) }
            return
        }
        clientState.calls[id].attempts += 1
        clientState.calls[id].inFlight += 1
        clientState.attemptsInFlight += 1
        let call = clientState.calls[id]
        clientMetrics.series.attempts.add(at: now)
        if isRetry { clientMetrics.series.retries.add(at: now) }
        if call.measured {
            clientMetrics.attempts += 1
            if isRetry { clientMetrics.retries += 1 } else if call.attempts > 1 { clientMetrics.hedges += 1 }
        }
        // Envoy's fault filter comes first: a delayed attempt meets the
        // abort and the gateway's limits when its delay is over.
        let delayed = gatewayFault?.delay.map { gatewayFaultStream.nextUniform() < $0.share } ?? false
        if !delayed, let refusal = faultAbort() ?? gatewayRefusal(call, now: now) {
            attemptAnswered(id, outcome: refusal, sentAt: now, isRetry: isRetry, scheduler: &scheduler)
            return
        }
        var req = Request(arrival: now, prompt: call.prompt, output: call.output, tenant: call.tenant, measured: call.measured)
        req.call = id
        req.callGeneration = call.generation
        req.isRetry = isRetry
        req.previousAttempt = call.lastAttempt
        req.previousAttemptGeneration = call.lastAttemptGeneration
        if delayed { req.faultHold = .held }
        let rid = requests.insert(req)
        clientState.calls[id].lastAttempt = rid
        clientState.calls[id].lastAttemptGeneration = requests[rid].generation
        if let t = client.perTryTimeout {
            scheduler.schedule(.attemptTimeout(request: rid, generation: requests[rid].generation), after: t)
        }
        if delayed {
            scheduler.schedule(.faultDelayEnded(request: rid, generation: requests[rid].generation), after: gatewayFault!.delay!.fixed)
            return
        }
        route(rid, call: call, scheduler: &scheduler)
    }

    /// An attempt the gateway admitted enters the route: its output-token
    /// hold, the gateway's in-flight count, the route timeout, a replica.
    mutating func route(_ rid: Int32, call: Call, scheduler: inout Scheduler<Event>) {
        clientMetrics.series.admitted.add(at: scheduler.now)
        if gatewayState?.settlesOutput == true {
            gatewayState!.setOutputHold(OutputHold(tenant: call.tenant, apiKey: call.apiKey,
                                                   reserved: call.outputReservation(maxTokens: client.maxTokens)), for: rid)
        }
        gatewayState?.inside += 1
        if let t = routeTimeout {
            scheduler.schedule(.routeTimeout(request: rid, generation: requests[rid].generation), after: t)
        }
        dispatchArrival(rid, scheduler: &scheduler)
    }

    /// A server-side end of attempt `id` (completion, rejection, queue
    /// timeout, crash): gateway accounting, then the client's reaction.
    mutating func attemptEnded(_ id: Int32, outcome answer: AttemptOutcome, now: Double, scheduler: inout Scheduler<Event>) {
        // Reset by the gateway's per-try timeout: the gateway and the client
        // let go of it then.
        if requests[id].resetByGateway {
            if answer.isSuccess && requests[id].measured { clientMetrics.wastedCompletions += 1 }
            return
        }
        // The service's own 503s carry its `Retry-After`, if it sets one.
        var outcome = answer
        if let wait = busyRetryAfter, case .response(503, nil, let shouldRetry) = answer {
            outcome = .response(status: 503, retryAfter: wait, shouldRetry: shouldRetry)
        }
        let req = requests[id]
        let retryable = !req.orphan && gatewayRetry?.retries(outcome) == true && clientState.calls.isLive(req.call, req.callGeneration)
        tryEnded(id, outcome: outcome, closing: Self.closesConnection(outcome), retryable: retryable, now: now, scheduler: &scheduler)
    }

    /// The attempt's answer goes back to its client (or to nobody, when the
    /// client has gone).
    mutating func passToClient(_ id: Int32, outcome: AttemptOutcome, now: Double, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        if gatewayState?.settlesOutput == true {
            settleOutput(id, generated: outcome.isSuccess ? req.output : req.generated, now: now)
        }
        if req.orphan {
            if outcome.isSuccess && req.measured { clientMetrics.wastedCompletions += 1 }
            return
        }
        if req.isRetry { clientState.budget?.retryFinished() }
        clientState.attemptsInFlight -= 1
        releasePermit(scheduler: &scheduler)
        guard clientState.calls.isLive(req.call, req.callGeneration) else {
            if outcome.isSuccess && req.measured { clientMetrics.wastedCompletions += 1 }
            return
        }
        clientState.calls[req.call].inFlight -= 1
        // Answered: nothing the client does next (closing the other hedges)
        // may touch this attempt, which its caller is about to free.
        requests.slots[Int(id)].orphan = true
        react(req.call, outcome: outcome, duration: now - req.arrival, scheduler: &scheduler)
    }

    /// An attempt refused before reaching a replica (429, a 503 from a gate).
    mutating func attemptAnswered(_ id: Int32, outcome: AttemptOutcome, sentAt: Double, isRetry: Bool,
                                  scheduler: inout Scheduler<Event>) {
        clientState.attemptsInFlight -= 1
        if isRetry { clientState.budget?.retryFinished() }
        releasePermit(scheduler: &scheduler)
        clientState.calls[id].inFlight -= 1
        react(id, outcome: outcome, duration: scheduler.now - sentAt, scheduler: &scheduler)
    }

    /// The client's per-try timeout for attempt `id`.
    mutating func attemptTimedOut(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        guard req.generation == generation, req.phase != .done, !req.orphan,
              clientState.calls.isLive(req.call, req.callGeneration) else { return }
        orphan(id, scheduler: &scheduler)
        react(req.call, outcome: .timeout, duration: scheduler.now - req.arrival, scheduler: &scheduler)
    }

    /// The client stops waiting for attempt `id`; with `cancel_on_give_up`
    /// a queued attempt is withdrawn, and with `running` a scheduled one is
    /// aborted too. One waiting for a gateway connection is always
    /// withdrawn: Envoy cancels its own pending request when the downstream
    /// stream ends, whatever the replicas would notice.
    mutating func orphan(_ id: Int32, scheduler: inout Scheduler<Event>) {
        requests.slots[Int(id)].orphan = true
        let req = requests[id]
        if req.isRetry { clientState.budget?.retryFinished() }
        clientState.attemptsInFlight -= 1
        if clientState.calls.isLive(req.call, req.callGeneration) { clientState.calls[req.call].inFlight -= 1 }
        releasePermit(scheduler: &scheduler)
        // A gateway retry still in its backoff, or an attempt the fault
        // filter holds, is dropped when it is due.
        if requests[id].awaitingResend || requests[id].faultHold == .held { return }
        connectionClosed(id, scheduler: &scheduler)
    }

    /// The replica of attempt `id` sees its connection close: with
    /// `cancel_on_give_up` a queued attempt is withdrawn, and with `running`
    /// a scheduled one is aborted too; one still waiting for a gateway
    /// connection is always withdrawn.
    mutating func connectionClosed(_ id: Int32, scheduler: inout Scheduler<Event>) {
        if requests[id].pool != .pending {
            switch client.cancelOnGiveUp {
            case .none:
                return
            case .queued:
                guard requests[id].phase == .waiting, requests[id].firstScheduled < 0 else { return }
            case .running:
                if requests[id].phase == .running {
                    abortRunning(id, scheduler: &scheduler)
                    return
                }
            }
        }
        // nginx logs such a request as 499 (client closed request): not a
        // failure of the replica.
        if requests[id].measured { metrics.cancelled += 1 }
        attemptEnded(id, outcome: .response(status: 499), now: scheduler.now, scheduler: &scheduler)
        withdraw(id, scheduler: &scheduler)
    }

    /// What the client does with an attempt's outcome.
    mutating func react(_ id: Int32, outcome: AttemptOutcome, duration: Double, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let success = outcome.isSuccess
        clientState.breakerRecord(failed: !success, duration: duration, now: now)
        let measured = clientState.calls[id].measured
        switch outcome {
        case .response(let status, _, _) where status == 429:
            clientMetrics.series.status429.add(at: now)
            if measured { clientMetrics.status429 += 1 }
        case .response(let status, _, _) where status >= 500:
            clientMetrics.series.status503.add(at: now)
            if measured { clientMetrics.status503 += 1 }
        case .timeout:
            clientMetrics.series.attemptErrors.add(at: now)
            if measured { clientMetrics.attemptTimeouts += 1 }
        case .connectionError:
            clientMetrics.series.attemptErrors.add(at: now)
            if measured { clientMetrics.connectionErrors += 1 }
        default: break
        }
        if success {
            clientState.throttle?.recordSuccess()
            clientState.errorStreakStart = nil
            let key = clientState.calls[id].cacheKey
            if key >= 0 { clientState.cache?.insert(Int(key), now: now) }
            endCall(id, .served, now: now, scheduler: &scheduler)
            return
        }
        if client.retry.isRetryable(outcome) { clientState.throttle?.recordFailure() }
        if isServerFailure(outcome), clientState.errorStreakStart == nil { clientState.errorStreakStart = now }
        // Hedges still out: wait for them.
        if clientState.calls[id].inFlight > 0 || clientState.calls[id].pendingSend { return }
        let call = clientState.calls[id]
        switch client.retry.decide(outcome, attempt: Int(call.attempts), previousDelay: call.previousDelay, &clientState.jitter) {
        case .done: endCall(id, .served, now: now, scheduler: &scheduler)
        case .giveUp: giveUp(id, scheduler: &scheduler)
        case .retry(let delay):
            if let t = clientState.throttle, !t.allowsRetry {
                giveUp(id, scheduler: &scheduler)
                return
            }
            if now + delay >= call.deadline { return }  // the deadline ends it
            clientState.calls[id].previousDelay = delay
            clientState.calls[id].pendingSend = true
            scheduler.schedule(.retry(call: id, generation: call.generation), after: delay)
        }
    }

    /// Whether the outcome says the service is failing (5xx, a timeout, a
    /// connection error), as opposed to a 4xx such as a 429.
    func isServerFailure(_ outcome: AttemptOutcome) -> Bool {
        if case .response(let status, _, _) = outcome { return status >= 500 }
        return true
    }

    /// A scheduled retry fires.
    mutating func retryDue(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard clientState.calls.isLive(id, generation) else { return }
        clientState.calls[id].nextIsRetry = true
        send(id, scheduler: &scheduler)
    }

    /// A hedge timer fires: another attempt while none has answered.
    mutating func hedgeDue(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard clientState.calls.isLive(id, generation) else { return }
        let call = clientState.calls[id]
        guard call.inFlight > 0, !call.pendingSend, Int(call.attempts) < client.retry.maxAttempts else { return }
        if let t = clientState.throttle, !t.allowsRetry { return }
        clientState.calls[id].nextIsRetry = false
        send(id, scheduler: &scheduler)
        scheduler.schedule(.hedge(call: id, generation: generation), after: client.hedgeDelay!)
    }

    /// The call's deadline or the user's patience runs out.
    mutating func deadlinePassed(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard clientState.calls.isLive(id, generation) else { return }
        let call = clientState.calls[id]
        if call.inFlight > 0 {
            let rid = call.lastAttempt
            if rid >= 0, requests[rid].generation == call.lastAttemptGeneration, requests[rid].phase != .done,
               !requests[rid].orphan, requests[rid].call == id {
                orphan(rid, scheduler: &scheduler)
            }
        }
        endCall(id, .abandoned, now: scheduler.now, scheduler: &scheduler)
    }

    /// Every attempt failed (or none may be sent): fallback or failure.
    mutating func giveUp(_ id: Int32, scheduler: inout Scheduler<Event>) {
        if case .response(let latency)? = client.fallback {
            clientState.calls[id].pendingSend = true
            scheduler.schedule(.callAnswer(call: id, generation: clientState.calls[id].generation, how: .fallback), after: latency)
            return
        }
        endCall(id, .failed, now: scheduler.now, scheduler: &scheduler)
    }

    /// How a call ended.
    enum CallEnd { case served, cache, fallback, failed, abandoned }

    /// Records how a call ended, frees it, and (closed loop) schedules the
    /// user's next request after a think time.
    mutating func endCall(_ id: Int32, _ end: CallEnd, now: Double, scheduler: inout Scheduler<Event>) {
        let call = clientState.calls[id]
        switch end {
        case .served, .cache:
            clientMetrics.series.served.add(at: now)
            if end == .cache { clientMetrics.series.cacheHits.add(at: now) }
            if call.measured {
                if end == .cache { clientMetrics.cacheHits += 1 } else { clientMetrics.served += 1 }
                clientMetrics.latency.record(now - call.arrival)
            }
        case .fallback:
            clientMetrics.series.fallbacks.add(at: now)
            if call.measured { clientMetrics.fallbacks += 1 }
        case .failed:
            clientMetrics.series.failed.add(at: now)
            if call.measured { clientMetrics.failed += 1 }
        case .abandoned:
            clientMetrics.series.abandoned.add(at: now)
            if call.measured { clientMetrics.abandoned += 1 }
        }
        if call.inFlight > 0, client.cancelOnGiveUp != .none { closeAttempts(of: id, call, scheduler: &scheduler) }
        clientState.calls.remove(id)
        if call.user >= 0, case .closed(_, let think) = client.loop {
            let next = now + think.sample(&clientState.think)
            if next < duration && !limitReached { scheduler.schedule(.userArrival(user: call.user), at: next) }
        }
    }

    /// The attempts call `id` still has out (losing hedges) are closed, as
    /// gRPC cancels the other hedges once one answer is committed: walked
    /// back from the latest attempt; if a link was freed meanwhile (a gateway
    /// retry replaced its attempt), by a search of all requests.
    mutating func closeAttempts(of id: Int32, _ call: Call, scheduler: inout Scheduler<Event>) {
        var open = Int(call.inFlight)
        var rid = call.lastAttempt, generation = call.lastAttemptGeneration
        while open > 0, rid >= 0 {
            let r = requests.slots[Int(rid)]
            guard r.generation == generation, r.phase != .done, r.call == id, r.callGeneration == call.generation else { break }
            if !r.orphan {
                orphan(rid, scheduler: &scheduler)
                open -= 1
            }
            (rid, generation) = (r.previousAttempt, r.previousAttemptGeneration)
        }
        guard open > 0 else { return }
        for rid in requests.slots.indices {
            let r = requests.slots[rid]
            if r.phase != .done, r.call == id, r.callGeneration == call.generation, !r.orphan {
                orphan(Int32(rid), scheduler: &scheduler)
            }
        }
    }

    /// A cache hit or fallback answer arrives.
    mutating func callAnswered(_ id: Int32, generation: UInt32, how: AnswerKind, scheduler: inout Scheduler<Event>) {
        guard clientState.calls.isLive(id, generation) else { return }
        endCall(id, how == .cache ? .cache : .fallback, now: scheduler.now, scheduler: &scheduler)
    }

    /// Frees a permit, or hands it to the first call waiting for one; that
    /// call sends in an event of its own, so no attempt starts inside the
    /// replica code that ended another.
    mutating func releasePermit(scheduler: inout Scheduler<Event>) {
        while let next = clientState.waitingForPermit.popFirst() {
            guard clientState.calls.isLive(next.call, next.generation), clientState.calls[next.call].pendingSend else { continue }
            clientState.calls[next.call].holdsPermit = true
            scheduler.schedule(.sendHeld(call: next.call, generation: next.generation), after: 0)
            return
        }
        clientState.permitsInUse -= 1
    }

    /// A call handed a permit sends its attempt (or passes the permit on if
    /// it ended meanwhile).
    mutating func sendHeld(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard clientState.calls.isLive(id, generation), clientState.calls[id].holdsPermit else {
            releasePermit(scheduler: &scheduler)
            return
        }
        send(id, scheduler: &scheduler)
    }
}
