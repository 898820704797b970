import SimulationCore
import Workload

/// The attempt lifecycle across components: a request arrives, the client
/// sends attempts, the gateway admits and routes them, a replica serves,
/// refuses or fails them, and the outcome goes back up to the gateway's
/// retries and the client. Each step asks the component that owns it.
extension ServingSimulation {
    // MARK: Arrival

    /// An arrival: a call through the client layer, or a request straight
    /// to the dispatcher.
    mutating func admit(size: RequestSize, prompt: Int32 = -1, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        guard arrivals.count() else { return }
        cluster.observeArrival(now: now)
        if prompt >= 0, arrivals.conversations != nil {
            if arrivals.conversations?.arrive(prompt, now: now) == true { startRound(prompt, arrival: now, scheduler: &scheduler) }
            return
        }
        if layered {
            newCall(size: size, user: -1, prefix: arrivals.pendingPrefix, prompt: prompt, scheduler: &scheduler)
            return
        }
        let tenant = arrivals.sampleTenant()
        let id = requests.insert(Request(arrival: now, prompt: Int32(size.prompt), output: Int32(size.output),
                                         tenant: tenant, measured: now >= recorder.warmup))
        if replicas.cachesPrefixes {
            replicas.describe(id, arrivals.content(prompt: prompt, prefix: arrivals.pendingPrefix), requests: requests)
        }
        dispatchArrival(id, scheduler: &scheduler)
    }

    /// Sends conversation `p`'s next round (multi-turn chat), which arrived
    /// at `arrival`: its prompt carries the conversation's answered rounds.
    mutating func startRound(_ p: Int32, arrival: Double, scheduler: inout Scheduler<Event>) {
        guard let prompt = arrivals.conversations?.promptTokens(p), let output = arrivals.sharedPrefix?.size.output else { return }
        arrivals.conversations?.sent(p, arrival: arrival, now: scheduler.now)
        newCall(size: RequestSize(prompt: prompt, output: output), user: -1, prefix: [], prompt: p, scheduler: &scheduler)
    }

    /// A user asks: the client answers from its cache or fallback, or sends
    /// the call's first attempt (and arms its hedge).
    mutating func newCall(size: RequestSize, user: Int32, prefix: [Int], prompt: Int32 = -1, scheduler: inout Scheduler<Event>) {
        let tenant = arrivals.sampleTenant()
        guard let id = clients.newCall(size: size, tenant: tenant, user: user, prefix: prefix, prompt: prompt, scheduler: &scheduler,
                                       recorder: &recorder) else { return }
        let generation = clients.calls[id].generation
        send(id, scheduler: &scheduler)
        clients.armHedge(id, generation: generation, scheduler: &scheduler)
    }

    /// Sends call `id`'s next attempt: the client's limits, then Envoy's
    /// fault filter (a delayed attempt meets the abort and the gateway's
    /// limits when its delay is over), the gateway's limits, the route.
    mutating func send(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let isRetry: Bool
        switch clients.startAttempt(id, scheduler: &scheduler, recorder: &recorder) {
        case .waitingForPermit: return
        case .refused(let giveUp):
            if giveUp { self.giveUp(id, scheduler: &scheduler) }
            return
        case .sent(let retry): isRetry = retry
        }
        let now = scheduler.now
        let call = clients.calls[id]
        let delayed = gateway.drawsFaultDelay()
        if !delayed, let refusal = faultAbortCounted(measured: call.measured) ?? gateway.refusal(call, maxTokens: clients.maxTokens, now: now) {
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
        if replicas.cachesPrefixes {
            replicas.describe(rid, arrivals.content(prompt: call.promptIndex, prefix: call.prefix), requests: requests)
        }
        let generation = requests[rid].generation
        clients.attemptStarted(id, attempt: rid, generation: generation, sentAt: now, scheduler: &scheduler)
        if delayed {
            scheduler.schedule(.faultDelayEnded(request: rid, generation: generation), after: gateway.faultDelay)
            return
        }
        route(rid, call: call, scheduler: &scheduler)
    }

    /// An attempt the gateway admitted enters the route, then the dispatcher.
    mutating func route(_ rid: Int32, call: Call, scheduler: inout Scheduler<Event>) {
        recorder.clientMetrics.series.admitted.add(at: scheduler.now)
        gateway.routeStarted(rid, call: call, maxTokens: clients.maxTokens, generation: requests[rid].generation,
                             scheduler: &scheduler)
        dispatchArrival(rid, scheduler: &scheduler)
    }

    /// A delayed attempt's fault delay is over: the abort and the gateway's
    /// limits, then the route, unless its client has let go meanwhile.
    mutating func faultDelayEnded(_ rid: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard requests[rid].generation == generation, requests[rid].faultHold == .held else { return }
        requests.slots[Int(rid)].faultHold = .released
        let req = requests[rid]
        guard !req.orphan, clients.isLive(req) else {
            requests.remove(rid)
            return
        }
        let call = clients.calls[req.call]
        if let refusal = faultAbortCounted(measured: call.measured) ?? gateway.refusal(call, maxTokens: clients.maxTokens, now: scheduler.now) {
            requests.remove(rid)
            attemptAnswered(req.call, outcome: refusal, sentAt: req.arrival, isRetry: req.isRetry, scheduler: &scheduler)
            return
        }
        route(rid, call: call, scheduler: &scheduler)
    }

    /// The fault filter's abort draw (``Gateway/faultAbort()``), counted
    /// for the attribution when it aborts.
    mutating func faultAbortCounted(measured: Bool) -> AttemptOutcome? {
        let abort = gateway.faultAbort()
        if abort != nil && measured { recorder.metrics.attribution?.errors.faultAborts += 1 }
        return abort
    }

    // MARK: Dispatch

    /// Sends a new request to the gateway queue or a replica. One whose
    /// prompt + max_tokens exceed the profile's `max_model_len` is refused
    /// at once with 400, as vLLM's OpenAI server refuses it before the
    /// engine sees it; max_tokens is the client's `max_tokens` when set,
    /// else the request's own output length (what benchmark clients and
    /// `ignore_eos` runs send).
    mutating func dispatchArrival(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        recorder.onOffered(requests[id], now: now)
        recorder.metrics.attribution?.dispatched(id, now: now)
        if let limit = configuration.replicas.hardware?.maxModelLength,
           Int(requests[id].prompt) + (layered ? clients.maxTokens ?? Int(requests[id].output) : Int(requests[id].output)) > limit {
            reject(id, now: now, status: 400, scheduler: &scheduler)
            return
        }
        if !replicas.fits(requests[id]) {
            reject(id, now: now, status: 413, scheduler: &scheduler)
            return
        }
        if requests.live > ServingLimits.maxHeldRequests {
            // Far past saturation: refuse rather than hold without limit.
            reject(id, now: now, scheduler: &scheduler)
            return
        }
        switch gateway.dispatch {
        case .sharedQueue:
            if gateway.mayStartNow(tenant: requests[id].tenant, replicas: replicas.view), let r = gateway.replicaWithRoom(replicas.view) {
                enqueue(id, replica: r, scheduler: &scheduler)
            } else if let cap = gateway.maxQueue, gateway.liveShared >= cap {
                reject(id, now: now, scheduler: &scheduler)
            } else {
                gateway.pushShared(id, tenant: requests[id].tenant)
                if let t = gateway.sharedQueueTimeout {
                    scheduler.schedule(.queueTimeout(request: id, generation: requests[id].generation), after: t)
                }
            }
        case .roundRobin:
            push(id, scheduler: &scheduler)
        }
    }

    /// Pushes a request to one replica's queue: the balancer's choice (plain
    /// round robin without a gateway); a refusal is answered at once.
    mutating func push(_ id: Int32, scheduler: inout Scheduler<Event>) {
        var key: Int32 = 0, prefix: [Int] = []
        if gateway.balancer.readsCall, requests[id].call >= 0 {
            let call = clients.calls[requests[id].call]
            (key, prefix) = (call.apiKey, call.prefix)
        }
        switch gateway.route(id, key: key, prefix: prefix, replicas: replicas.view, requests: &requests, recorder: &recorder,
                             now: scheduler.now) {
        case .deliver(let r): deliver(id, to: r, scheduler: &scheduler)
        case .waitForConnection: break
        case .refuse(let status): reject(id, now: scheduler.now, status: status, scheduler: &scheduler)
        }
    }

    /// Hands request `id` to replica `r`'s queue; a full one answers 503.
    /// The gateway's per-try timer starts here, once the try has its
    /// connection (Envoy arms it when the pool is ready). A try moved to
    /// another replica by a drain gets a second timer, which can only find
    /// it reset or streaming already: the first one decides.
    mutating func deliver(_ id: Int32, to r: Int, scheduler: inout Scheduler<Event>) {
        if let cap = gateway.maxQueue, replicas.states[r].liveWaiting >= cap {
            reject(id, now: scheduler.now, status: 503, scheduler: &scheduler)
            return
        }
        if let t = gateway.perTryTimeout {
            scheduler.schedule(.perTryTimeout(request: id, generation: requests[id].generation), after: t)
        }
        enqueue(id, replica: r, scheduler: &scheduler)
    }

    /// Queues request `id` at replica `r`; an injected error fails it there.
    mutating func enqueue(_ id: Int32, replica r: Int, scheduler: inout Scheduler<Event>) {
        recorder.metrics.attribution?.enqueued(id, now: scheduler.now)
        if let status = replicas.enqueue(id, replica: r, requests: &requests, scheduler: &scheduler, recorder: &recorder) {
            if requests[id].measured, recorder.metrics.attribution != nil {
                AttributionErrors.bump(&recorder.metrics.attribution!.errors.injectedByReplica, r)
            }
            fail(id, outcome: .response(status: status), now: scheduler.now, scheduler: &scheduler)
        }
    }

    /// A host's connection is free: its waiting requests go on, oldest
    /// first, while connections can be had. A host that can no longer take
    /// them fails them (503, as Envoy's connect failure).
    mutating func connectionFree(_ r: Int, scheduler: inout Scheduler<Event>) {
        guard gateway.hasPending(r, requests: &requests) else { return }
        guard [.ready, .draining].contains(replicas.states[r].status), !replicas.states[r].cutOff else {
            failPending(of: r, scheduler: &scheduler)
            return
        }
        while let id = gateway.takeConnectedPending(of: r, requests: &requests) {
            deliver(id, to: r, scheduler: &scheduler)
            gateway.dropPendingTombstones(of: r, requests: &requests)
        }
    }

    /// Host `r` can take no more: the requests waiting for its connections fail (503).
    mutating func failPending(of r: Int, scheduler: inout Scheduler<Event>) {
        while let id = gateway.popPending(of: r, requests: &requests) {
            reject(id, now: scheduler.now, status: 503, scheduler: &scheduler)
        }
    }

    // MARK: Ends at the service

    /// Refuses a request (`status` to its client: 503 for a full queue or
    /// no ready replica, 413 for one that can never fit, 400 for one
    /// longer than the model's context, 502 for a connect failure, 429 for
    /// the endpoint picker's shedding).
    mutating func reject(_ id: Int32, now: Double, status: Int = 503, scheduler: inout Scheduler<Event>) {
        if status == 400 { recorder.onRejectedTooLong(requests[id], now: now) } else { recorder.onRejected(requests[id], now: now) }
        if layered {
            let outcome: AttemptOutcome = status == 502 ? .connectionError : .response(status: status)
            attemptEnded(id, outcome: outcome, now: now, scheduler: &scheduler)
        }
        requests.remove(id)
    }

    /// Ends request `id` as failed at its replica, its attempt with
    /// `outcome`: lost in a crash (a connection error), or answered with an
    /// injected error (`cluster.faults.errors`).
    mutating func fail(_ id: Int32, outcome: AttemptOutcome, now: Double, scheduler: inout Scheduler<Event>) {
        recorder.onFailed(requests[id], now: now)
        if layered { attemptEnded(id, outcome: outcome, now: now, scheduler: &scheduler) }
        requests.remove(id)
    }

    /// Records a completion and frees the request.
    mutating func complete(_ id: Int32, now: Double, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        cluster.observeTTFT(recorder.onCompleted(req, now: now))
        if layered {
            // An answer from a replica cut off from the gateway is lost.
            let lost = req.replica >= 0 && replicas.states[Int(req.replica)].cutOff
            if recorder.metrics.attribution != nil, !lost, !req.orphan, !req.resetByGateway, clients.isLive(req) {
                recorder.onAttributed(id, req, callStart: clients.calls[req.call].arrival, now: now)
            }
            attemptEnded(id, outcome: lost ? .connectionError : .response(status: 200), now: now, scheduler: &scheduler)
        } else if recorder.metrics.attribution != nil {
            recorder.onAttributed(id, req, callStart: req.arrival, now: now)
        }
        requests.remove(id)
    }

    /// A waiting request's queue timeout.
    mutating func expire(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let req = requests[id]
        guard req.generation == generation, req.phase == .waiting, req.firstScheduled < 0 else { return }
        recorder.onTimedOut(req, now: now)
        if layered { attemptEnded(id, outcome: .response(status: 503), now: now, scheduler: &scheduler) }
        withdraw(id, scheduler: &scheduler)
    }

    /// Takes a waiting request out of its queue: left there as a tombstone,
    /// freed when popped.
    mutating func withdraw(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        requests.slots[Int(id)].phase = .done
        if req.pool == .pending {
            // A tombstone in its host's pending list; a draining host may
            // have waited only for it.
            retireIfDrained(Int(req.replica), now: scheduler.now)
            return
        }
        if req.replica >= 0 {
            replicas.withdrew(replica: Int(req.replica), requests: &requests, scheduler: &scheduler)
        } else {
            gateway.liveShared -= 1
        }
    }

    /// The client of running request `id` went away and the engine aborts it.
    mutating func abortRunning(_ id: Int32, scheduler: inout Scheduler<Event>) {
        let r = Int(requests[id].replica)
        let removed = replicas.abort(id, replica: r, requests: &requests)
        if removed { dropAborted(id, replica: r, now: scheduler.now, scheduler: &scheduler) }
        replicas.afterAbort(replica: r, removed: removed, requests: &requests, scheduler: &scheduler, recorder: &recorder)
    }

    /// Frees an aborted sequence (already out of the running list) and ends
    /// its attempt as the client's 499.
    mutating func dropAborted(_ id: Int32, replica r: Int, now: Double, scheduler: inout Scheduler<Event>) {
        replicas.freeBlocks(of: id, replica: r, now: now, requests: &requests, recorder: &recorder)
        recorder.onCancelled(requests[id])
        attemptEnded(id, outcome: .response(status: 499), now: now, scheduler: &scheduler)
        requests.remove(id)
    }

    // MARK: Back through the gateway

    /// A server-side end of attempt `id` (completion, rejection, queue
    /// timeout, crash): gateway accounting, then the client's reaction.
    mutating func attemptEnded(_ id: Int32, outcome answer: AttemptOutcome, now: Double, scheduler: inout Scheduler<Event>) {
        // Reset by the gateway's per-try timeout: the gateway and the client
        // let go of it then.
        if requests[id].resetByGateway {
            if answer.isSuccess && requests[id].measured { recorder.clientMetrics.wastedCompletions += 1 }
            return
        }
        let outcome = gateway.withRetryAfter(answer)
        let req = requests[id]
        let retryable = !req.orphan && gateway.retries(outcome) && clients.isLive(req)
        tryEnded(id, outcome: outcome, closing: Gateway.closesConnection(outcome), retryable: retryable, now: now, scheduler: &scheduler)
    }

    /// The gateway's side of try `id` ends with `outcome`: its connection
    /// (closed when `closing`), then a gateway retry, or the client hears it.
    mutating func tryEnded(_ id: Int32, outcome: AttemptOutcome, closing: Bool, retryable: Bool, now: Double,
                           scheduler: inout Scheduler<Event>) {
        gateway.disconnect(id, closing: closing, requests: &requests, scheduler: &scheduler)
        let req = requests[id]
        switch gateway.tryEnded(req, outcome: outcome, retryable: retryable, now: now) {
        case .retry(let policy):
            retryAtGateway(id, policy: policy, scheduler: &scheduler)
            return
        case .overflow:
            if req.measured { recorder.clientMetrics.gatewayRetryOverflows += 1 }
        case .answer:
            break
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
        replicas.copyContent(from: id, to: rid, requests: requests)
        let generation = requests[rid].generation
        // The client's per-try timer runs from the attempt's send, the route
        // timeout from the route's start (after any fault delay).
        clients.attemptReplaced(id, by: rid, generation: generation, call: old.call, sentAt: old.arrival, scheduler: &scheduler)
        let wait = gateway.retryReplaces(id, oldGeneration: old.generation, with: rid, generation: generation,
                                         retry: Int(copy.gatewayRetries), policy: policy)
        let routeStart = old.arrival + (old.faultHold == .never ? 0 : gateway.faultDelay)
        if let t = gateway.routeTimeout, routeStart + t > scheduler.now {
            scheduler.schedule(.routeTimeout(request: rid, generation: generation), at: routeStart + t)
        }
        if old.measured { recorder.clientMetrics.gatewayRetries += 1 }
        scheduler.schedule(.gatewayResend(request: rid, generation: generation), after: wait)
    }

    /// A gateway retry's backoff is over: it goes to a replica, unless its
    /// client has given up meanwhile.
    mutating func gatewayResend(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard requests[id].generation == generation, requests[id].awaitingResend else { return }
        requests.slots[Int(id)].awaitingResend = false
        let req = requests[id]
        if req.orphan || !clients.isLive(req) {
            gateway.retryDropped(id, now: scheduler.now)
            requests.remove(id)
            return
        }
        gateway.resent()
        dispatchArrival(id, scheduler: &scheduler)
    }

    /// The attempt's answer goes back to its client (or to nobody, when the
    /// client has gone).
    mutating func passToClient(_ id: Int32, outcome: AttemptOutcome, now: Double, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        gateway.settleOutput(id, generated: outcome.isSuccess ? req.output : req.generated, now: now)
        guard clients.attemptReturned(req, outcome: outcome, scheduler: &scheduler, recorder: &recorder) else { return }
        // Answered: nothing the client does next (closing the other hedges)
        // may touch this attempt, which its caller is about to free.
        requests.slots[Int(id)].orphan = true
        react(req.call, outcome: outcome, duration: now - req.arrival, scheduler: &scheduler)
    }

    /// An attempt refused before reaching a replica (429, a 503 from a gate).
    mutating func attemptAnswered(_ id: Int32, outcome: AttemptOutcome, sentAt: Double, isRetry: Bool,
                                  scheduler: inout Scheduler<Event>) {
        clients.attemptRefused(id, isRetry: isRetry, scheduler: &scheduler)
        react(id, outcome: outcome, duration: scheduler.now - sentAt, scheduler: &scheduler)
    }

    // MARK: Timeouts and cancellation

    /// The client's per-try timeout for attempt `id`.
    mutating func attemptTimedOut(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        guard req.generation == generation, req.phase != .done, !req.orphan, clients.isLive(req) else { return }
        if req.measured, recorder.metrics.attribution != nil {
            AttributionErrors.bump(&recorder.metrics.attribution!.errors.attemptTimeoutsByReplica, Int(req.replica))
        }
        orphan(id, scheduler: &scheduler)
        react(req.call, outcome: .timeout, duration: scheduler.now - req.arrival, scheduler: &scheduler)
    }

    /// The route timeout of attempt `id` runs out: it spans every gateway
    /// retry of the attempt, from its send to the end of the streamed
    /// answer. Before the first token Envoy answers 504 (`upstream request
    /// timeout`); once the answer streams, the client's stream is reset (a
    /// connection error). Either way Envoy resets the upstream request,
    /// which the replica treats as any closed connection.
    mutating func routeTimedOut(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        guard req.generation == generation, req.phase != .done, !req.orphan, clients.isLive(req) else { return }
        let streaming = req.firstToken >= 0 && req.firstToken <= scheduler.now
        let outcome: AttemptOutcome = streaming ? .connectionError : .response(status: 504)
        if req.measured { recorder.clientMetrics.routeTimeouts += 1 }
        orphan(id, scheduler: &scheduler)
        react(req.call, outcome: outcome, duration: scheduler.now - req.arrival, scheduler: &scheduler)
    }

    /// The gateway's per-try timeout of try `id` runs out. Once its answer
    /// streams Envoy ignores it. Before that Envoy resets the upstream
    /// request, records a 504 against the host, and retries the try if its
    /// policy retries resets and its breaker allows; otherwise the client
    /// gets the 504. The replica treats the reset as any closed connection,
    /// and whatever it still computes for the try reaches nobody.
    mutating func perTryTimedOut(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        let req = requests[id]
        guard req.generation == generation, req.phase != .done, !req.orphan, clients.isLive(req) else { return }
        if req.firstToken >= 0 && req.firstToken <= scheduler.now { return }
        if req.measured { recorder.clientMetrics.gatewayPerTryTimeouts += 1 }
        if req.measured, recorder.metrics.attribution != nil {
            AttributionErrors.bump(&recorder.metrics.attribution!.errors.perTryTimeoutsByReplica, Int(req.replica))
        }
        tryEnded(id, outcome: .response(status: 504), closing: true, retryable: gateway.retry?.retriesPerTryTimeouts == true,
                 now: scheduler.now, scheduler: &scheduler)
        requests.slots[Int(id)].orphan = true
        requests.slots[Int(id)].resetByGateway = true
        connectionClosed(id, scheduler: &scheduler)
    }

    /// The client stops waiting for attempt `id`. A gateway retry still in
    /// its backoff, or an attempt the fault filter holds, is dropped when it
    /// is due; any other sees its connection close.
    mutating func orphan(_ id: Int32, scheduler: inout Scheduler<Event>) {
        requests.slots[Int(id)].orphan = true
        clients.attemptAbandoned(requests[id], scheduler: &scheduler)
        if requests[id].awaitingResend || requests[id].faultHold == .held { return }
        connectionClosed(id, scheduler: &scheduler)
    }

    /// The replica of attempt `id` sees its connection close: with
    /// `cancel_on_give_up` a queued attempt is withdrawn, and with `running`
    /// a scheduled one is aborted too; one still waiting for a gateway
    /// connection is always withdrawn (Envoy cancels its own pending request).
    mutating func connectionClosed(_ id: Int32, scheduler: inout Scheduler<Event>) {
        if requests[id].pool != .pending {
            switch clients.settings.cancelOnGiveUp {
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
        recorder.onCancelled(requests[id])
        attemptEnded(id, outcome: .response(status: 499), now: scheduler.now, scheduler: &scheduler)
        withdraw(id, scheduler: &scheduler)
    }

    // MARK: The call's end

    /// What the client does with an attempt's outcome.
    mutating func react(_ id: Int32, outcome: AttemptOutcome, duration: Double, scheduler: inout Scheduler<Event>) {
        switch clients.react(id, outcome: outcome, duration: duration, scheduler: &scheduler, recorder: &recorder) {
        case .wait: break
        case .end(let end): endCall(id, end, scheduler: &scheduler)
        case .giveUp: giveUp(id, scheduler: &scheduler)
        }
    }

    /// Every attempt failed (or none may be sent): fallback or failure.
    mutating func giveUp(_ id: Int32, scheduler: inout Scheduler<Event>) {
        if !clients.answerWithFallback(id, scheduler: &scheduler) { endCall(id, .failed, scheduler: &scheduler) }
    }

    /// The call's deadline or the user's patience runs out.
    mutating func deadlinePassed(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        guard clients.calls.isLive(id, generation) else { return }
        if let rid = clients.attemptAwaited(by: id, requests: requests) {
            if requests[rid].measured, recorder.metrics.attribution != nil {
                AttributionErrors.bump(&recorder.metrics.attribution!.errors.abandonedByReplica, Int(requests[rid].replica))
            }
            orphan(rid, scheduler: &scheduler)
        }
        endCall(id, .abandoned, scheduler: &scheduler)
    }

    /// Records how a call ended, closes its attempts still out (as gRPC
    /// cancels the losing hedges), frees it, and (closed loop) schedules the
    /// user's next request.
    mutating func endCall(_ id: Int32, _ end: ClientLayer.CallEnd, scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let prompt = clients.calls[id].promptIndex
        if clients.recordEnd(id, end, now: now, recorder: &recorder) {
            for rid in clients.attemptsOut(of: id, requests: requests) where !requests[rid].orphan && requests[rid].phase != .done {
                orphan(rid, scheduler: &scheduler)
            }
        }
        clients.removeCall(id, now: now, limitReached: arrivals.limitReached, scheduler: &scheduler)
        // A conversation's next round waits for this one's end. It goes out
        // from its own event: a round refused at once ends inside its send,
        // and a chain of them must not nest.
        if prompt >= 0, arrivals.conversations?.ended(prompt, answered: end == .served || end == .cache) == true {
            scheduler.schedule(.conversationRound(prompt: prompt), at: now)
        }
    }
}
