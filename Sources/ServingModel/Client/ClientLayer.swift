import DequeModule
import SimulationCore
import Workload

/// The clients: user requests (calls) and their attempts' client side —
/// the concurrency limit, circuit breaker, response cache, retry throttle
/// and budget, retries, hedges, deadlines and fallbacks, and the closed
/// loop's users. Active when a scenario has a `client` or `gateway`
/// section or multi-turn chat; otherwise arrivals go straight to the
/// dispatcher.
///
/// It decides and returns what happens to a call (``Reaction``); the
/// router sends attempts and closes them at the gateway and replicas.
struct ClientLayer: Sendable {
    typealias Event = ServingSimulation.Event

    /// Client behaviour (the defaults when the scenario has no client layer).
    let settings: ClientConfiguration
    /// API keys the gateway tells apart (keys are drawn per call).
    let apiKeyCount: Int
    /// Arrivals end at this time (s); the warm-up ends at `warmup`.
    let duration: Double
    let warmup: Double
    var calls = CallTable()
    /// Attempts holding a permit of the concurrency limit.
    var permitsInUse = 0
    /// Calls waiting for a permit (first attempt or a retry).
    var waitingForPermit = Deque<(call: Int32, generation: UInt32)>()
    /// Attempts in flight over all users (Envoy's "active requests").
    var attemptsInFlight = 0
    var breaker: CircuitBreaker?
    var cache: ResponseCache?
    var throttle: RetryThrottle?
    var budget: RetryBudget?
    /// Start of the current run of 503s/timeouts without a success.
    var errorStreakStart: Double?
    var jitter: RandomStream
    var patience: RandomStream
    var keys: RandomStream
    var think: RandomStream
    var fallbackStream: RandomStream

    init(configuration c: ServingConfiguration, stream: RandomStream) {
        settings = c.client ?? ClientConfiguration()
        apiKeyCount = c.gateway?.apiKeys ?? 1
        duration = c.duration
        warmup = c.warmup
        breaker = settings.breaker
        cache = settings.cache?.cache
        throttle = settings.throttle
        budget = settings.budget
        jitter = stream.stream("jitter")
        patience = stream.stream("patience")
        keys = stream.stream("keys")
        think = stream.stream("think")
        fallbackStream = stream.stream("fallback")
    }

    /// The output tokens an attempt asks for at most (nil: no cap).
    var maxTokens: Int? { @inline(__always) get { settings.maxTokens } }

    /// Closed loop: every user's first request after one think time.
    mutating func start(_ scheduler: inout Scheduler<Event>) {
        guard case .closed(let users, let think) = settings.loop else { return }
        for u in 0..<users {
            let t = think.sample(&self.think)
            if t < duration { scheduler.schedule(.userArrival(user: Int32(u)), at: t) }
        }
    }

    /// Whether the clients make their own arrivals (a closed loop).
    var isClosedLoop: Bool {
        if case .closed = settings.loop { return true }
        return false
    }

    /// A user asks: answered from the cache or by the smaller-model
    /// fallback (nil), or a call whose first attempt the caller sends.
    mutating func newCall(size: RequestSize, tenant: Int16, user: Int32, prefix: [Int], prompt: Int32 = -1,
                          scheduler: inout Scheduler<Event>, recorder: inout Recorder) -> Int32? {
        let now = scheduler.now
        let output = settings.maxTokens.map { min(size.output, $0) } ?? size.output
        var call = Call(arrival: now, prompt: Int32(size.prompt), output: Int32(output), tenant: tenant,
                        apiKey: Int32(apiKeyCount > 1 ? keys.nextInt(below: apiKeyCount) : 0),
                        user: user, measured: now >= warmup)
        call.prefix = prefix
        call.promptIndex = prompt
        if let o = settings.overallTimeout { call.deadline = now + o }
        if let p = settings.patience { call.deadline = min(call.deadline, now + p.sample(&patience)) }
        recorder.clientMetrics.series.userRequests.add(at: now)
        if call.measured { recorder.clientMetrics.userRequests += 1 }
        if let c = settings.cache {
            call.cacheKey = Int32(c.keys.sample(&keys))
            if cache?.lookup(Int(call.cacheKey), now: now) == true {
                let id = calls.insert(call)
                scheduler.schedule(.callAnswer(call: id, generation: calls[id].generation, how: .cache), after: c.hitLatency)
                return nil
            }
        }
        let id = calls.insert(call)
        let generation = calls[id].generation
        if call.deadline < .infinity { scheduler.schedule(.callDeadline(call: id, generation: generation), at: call.deadline) }
        if case .smallerModel(let after, let latency)? = settings.fallback, let start = errorStreakStart, now - start >= after {
            scheduler.schedule(.callAnswer(call: id, generation: generation, how: .fallback), after: latency.sample(&fallbackStream))
            return nil
        }
        return id
    }

    /// Arms the call's next hedge (`generation`: the call's, taken before
    /// the send, which may already have ended it).
    @inline(__always) func armHedge(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) {
        if let h = settings.hedgeDelay { scheduler.schedule(.hedge(call: id, generation: generation), after: h) }
    }

    /// How a call's next attempt starts.
    enum Send {
        /// It waits for a permit of the concurrency limit.
        case waitingForPermit
        /// The breaker or the retry budget refused it; `giveUp`: the call
        /// has nothing else out and gives up.
        case refused(giveUp: Bool)
        /// It goes out (`isRetry`: a retry rather than a first try or hedge).
        case sent(isRetry: Bool)
    }

    /// Starts the call's next attempt, if a permit of the concurrency limit
    /// is free and the breaker and retry budget let it out.
    mutating func startAttempt(_ id: Int32, scheduler: inout Scheduler<Event>, recorder: inout Recorder) -> Send {
        if calls[id].holdsPermit {
            calls[id].holdsPermit = false
        } else if let limit = settings.concurrencyLimit, permitsInUse >= limit {
            calls[id].pendingSend = true
            waitingForPermit.append((id, calls[id].generation))
            return .waitingForPermit
        } else {
            permitsInUse += 1
        }
        let now = scheduler.now
        calls[id].pendingSend = false
        if !breaker.permitsCall(now: now) {
            recorder.clientMetrics.series.attemptErrors.add(at: now)
            if calls[id].measured { recorder.clientMetrics.breakerRejections += 1 }
            releasePermit(scheduler: &scheduler)
            return .refused(giveUp: calls[id].inFlight == 0)
        }
        let isRetry = calls[id].nextIsRetry
        if isRetry, budget?.tryStartRetry(activeRequests: attemptsInFlight) == false {
            releasePermit(scheduler: &scheduler)
            return .refused(giveUp: calls[id].inFlight == 0)
        }
        calls[id].attempts += 1
        calls[id].inFlight += 1
        attemptsInFlight += 1
        let call = calls[id]
        recorder.clientMetrics.series.attempts.add(at: now)
        if isRetry { recorder.clientMetrics.series.retries.add(at: now) }
        if call.measured {
            recorder.clientMetrics.attempts += 1
            if isRetry { recorder.clientMetrics.retries += 1 } else if call.attempts > 1 { recorder.clientMetrics.hedges += 1 }
        }
        return .sent(isRetry: isRetry)
    }

    /// Attempt `rid` (slot generation `generation`) is the call's latest;
    /// the client's per-try timer starts (at `sentAt`, for a gateway retry's copy).
    mutating func attemptStarted(_ id: Int32, attempt rid: Int32, generation: UInt32, sentAt: Double,
                                 scheduler: inout Scheduler<Event>) {
        calls[id].lastAttempt = rid
        calls[id].lastAttemptGeneration = generation
        if let t = settings.perTryTimeout {
            scheduler.schedule(.attemptTimeout(request: rid, generation: generation), at: sentAt + t)
        }
    }

    /// A gateway retry `rid` replaces attempt `id` of call `call`: the
    /// call's latest attempt moves on, and the client's per-try timer runs
    /// on from the attempt's send.
    mutating func attemptReplaced(_ id: Int32, by rid: Int32, generation: UInt32, call: Int32, sentAt: Double,
                                  scheduler: inout Scheduler<Event>) {
        if calls[call].lastAttempt == id {
            calls[call].lastAttempt = rid
            calls[call].lastAttemptGeneration = generation
        }
        if let t = settings.perTryTimeout, sentAt + t > scheduler.now {
            scheduler.schedule(.attemptTimeout(request: rid, generation: generation), at: sentAt + t)
        }
    }

    /// Whether attempt `req` still belongs to a live call.
    @inline(__always) func isLive(_ req: Request) -> Bool { calls.isLive(req.call, req.callGeneration) }

    /// The attempt's answer reaches its client: true when the call is still
    /// live and reacts (the caller then calls ``react(_:outcome:duration:scheduler:recorder:)``).
    mutating func attemptReturned(_ req: Request, outcome: AttemptOutcome, scheduler: inout Scheduler<Event>,
                                  recorder: inout Recorder) -> Bool {
        if req.orphan {
            if outcome.isSuccess && req.measured { recorder.clientMetrics.wastedCompletions += 1 }
            return false
        }
        if req.isRetry { budget?.retryFinished() }
        attemptsInFlight -= 1
        releasePermit(scheduler: &scheduler)
        guard calls.isLive(req.call, req.callGeneration) else {
            if outcome.isSuccess && req.measured { recorder.clientMetrics.wastedCompletions += 1 }
            return false
        }
        calls[req.call].inFlight -= 1
        return true
    }

    /// An attempt of call `id` was refused before reaching a replica (429,
    /// a 503 from a gate); the caller then reacts.
    mutating func attemptRefused(_ id: Int32, isRetry: Bool, scheduler: inout Scheduler<Event>) {
        attemptsInFlight -= 1
        if isRetry { budget?.retryFinished() }
        releasePermit(scheduler: &scheduler)
        calls[id].inFlight -= 1
    }

    /// The client stops waiting for attempt `req`.
    mutating func attemptAbandoned(_ req: Request, scheduler: inout Scheduler<Event>) {
        if req.isRetry { budget?.retryFinished() }
        attemptsInFlight -= 1
        if calls.isLive(req.call, req.callGeneration) { calls[req.call].inFlight -= 1 }
        releasePermit(scheduler: &scheduler)
    }

    /// What the client does next with a call.
    enum Reaction {
        /// Nothing now: hedges are still out, a retry is scheduled, or the
        /// deadline will end it.
        case wait
        /// The call ends.
        case end(CallEnd)
        /// Every attempt failed (or none may be sent): fallback or failure.
        case giveUp
    }

    /// What the client does with an attempt's outcome.
    mutating func react(_ id: Int32, outcome: AttemptOutcome, duration: Double, scheduler: inout Scheduler<Event>,
                        recorder: inout Recorder) -> Reaction {
        let now = scheduler.now
        let success = outcome.isSuccess
        breaker.recordOutcome(failed: !success, duration: duration, now: now)
        let measured = calls[id].measured
        switch outcome {
        case .response(let status, _, _) where status == 429:
            recorder.clientMetrics.series.status429.add(at: now)
            if measured { recorder.clientMetrics.status429 += 1 }
        case .response(let status, _, _) where status >= 500:
            recorder.clientMetrics.series.status503.add(at: now)
            if measured { recorder.clientMetrics.status503 += 1 }
        case .timeout:
            recorder.clientMetrics.series.attemptErrors.add(at: now)
            if measured { recorder.clientMetrics.attemptTimeouts += 1 }
        case .connectionError:
            recorder.clientMetrics.series.attemptErrors.add(at: now)
            if measured { recorder.clientMetrics.connectionErrors += 1 }
        default: break
        }
        if success {
            throttle?.recordSuccess()
            errorStreakStart = nil
            let key = calls[id].cacheKey
            if key >= 0 { cache?.insert(Int(key), now: now) }
            return .end(.served)
        }
        if settings.retry.isRetryable(outcome) { throttle?.recordFailure() }
        if Self.isServerFailure(outcome), errorStreakStart == nil { errorStreakStart = now }
        // Hedges still out: wait for them.
        if calls[id].inFlight > 0 || calls[id].pendingSend { return .wait }
        let call = calls[id]
        switch settings.retry.decide(outcome, attempt: Int(call.attempts), previousDelay: call.previousDelay, &jitter) {
        case .done: return .end(.served)
        case .giveUp: return .giveUp
        case .retry(let delay):
            if let t = throttle, !t.allowsRetry { return .giveUp }
            if now + delay >= call.deadline { return .wait }  // the deadline ends it
            calls[id].previousDelay = delay
            calls[id].pendingSend = true
            scheduler.schedule(.retry(call: id, generation: call.generation), after: delay)
            return .wait
        }
    }

    /// Whether the outcome says the service is failing (5xx, a timeout, a
    /// connection error), as opposed to a 4xx such as a 429.
    static func isServerFailure(_ outcome: AttemptOutcome) -> Bool {
        if case .response(let status, _, _) = outcome { return status >= 500 }
        return true
    }

    /// A scheduled retry fires: true when the call sends it.
    mutating func retryDue(_ id: Int32, generation: UInt32) -> Bool {
        guard calls.isLive(id, generation) else { return false }
        calls[id].nextIsRetry = true
        return true
    }

    /// A hedge timer fires: true when the call sends another attempt (none
    /// has answered, attempts and the throttle allow it).
    mutating func hedgeDue(_ id: Int32, generation: UInt32) -> Bool {
        guard calls.isLive(id, generation) else { return false }
        let call = calls[id]
        guard call.inFlight > 0, !call.pendingSend, Int(call.attempts) < settings.retry.maxAttempts else { return false }
        if let t = throttle, !t.allowsRetry { return false }
        calls[id].nextIsRetry = false
        return true
    }

    /// The attempt a call whose deadline passed still waits for (nil: none).
    @inline(__always) func attemptAwaited(by id: Int32, requests: RequestTable) -> Int32? {
        let call = calls[id]
        guard call.inFlight > 0 else { return nil }
        let rid = call.lastAttempt
        guard rid >= 0, requests[rid].generation == call.lastAttemptGeneration, requests[rid].phase != .done,
              !requests[rid].orphan, requests[rid].call == id else { return nil }
        return rid
    }

    /// Gives up on a call: with a fallback answer it comes later (true);
    /// otherwise the caller ends it as failed.
    mutating func answerWithFallback(_ id: Int32, scheduler: inout Scheduler<Event>) -> Bool {
        guard case .response(let latency)? = settings.fallback else { return false }
        calls[id].pendingSend = true
        scheduler.schedule(.callAnswer(call: id, generation: calls[id].generation, how: .fallback), after: latency)
        return true
    }

    /// How a call ended.
    enum CallEnd { case served, cache, fallback, failed, abandoned }

    /// Records how a call ended: true when its attempts still out must be
    /// closed (the caller closes them, then calls ``removeCall(_:now:limitReached:scheduler:)``).
    mutating func recordEnd(_ id: Int32, _ end: CallEnd, now: Double, recorder: inout Recorder) -> Bool {
        let call = calls[id]
        switch end {
        case .served, .cache:
            recorder.clientMetrics.series.served.add(at: now)
            if end == .cache { recorder.clientMetrics.series.cacheHits.add(at: now) }
            if call.measured {
                if end == .cache { recorder.clientMetrics.cacheHits += 1 } else { recorder.clientMetrics.served += 1 }
                recorder.clientMetrics.latency.record(now - call.arrival + (end == .cache ? 0 : recorder.requestOverhead))
            }
        case .fallback:
            recorder.clientMetrics.series.fallbacks.add(at: now)
            if call.measured { recorder.clientMetrics.fallbacks += 1 }
        case .failed:
            recorder.clientMetrics.series.failed.add(at: now)
            if call.measured { recorder.clientMetrics.failed += 1 }
        case .abandoned:
            recorder.clientMetrics.series.abandoned.add(at: now)
            if call.measured { recorder.clientMetrics.abandoned += 1 }
        }
        return call.inFlight > 0 && settings.cancelOnGiveUp != .none
    }

    /// Frees an ended call and (closed loop) schedules its user's next
    /// request after a think time.
    mutating func removeCall(_ id: Int32, now: Double, limitReached: Bool, scheduler: inout Scheduler<Event>) {
        let user = calls[id].user
        calls.remove(id)
        if user >= 0, case .closed(_, let think) = settings.loop {
            let next = now + think.sample(&self.think)
            if next < duration && !limitReached { scheduler.schedule(.userArrival(user: user), at: next) }
        }
    }

    /// The attempts call `id` still has out, in the order they are to be
    /// closed (as gRPC cancels the other hedges once one answer is
    /// committed): walked back from the latest attempt; if a link was freed
    /// meanwhile (a gateway retry replaced its attempt), by a search of all
    /// requests. The caller closes each still open when its turn comes.
    func attemptsOut(of id: Int32, requests: RequestTable) -> [Int32] {
        let call = calls[id]
        var open = Int(call.inFlight)
        var ids: [Int32] = []
        var rid = call.lastAttempt, generation = call.lastAttemptGeneration
        while open > 0, rid >= 0 {
            let r = requests.slots[Int(rid)]
            guard r.generation == generation, r.phase != .done, r.call == id, r.callGeneration == call.generation else { break }
            if !r.orphan {
                ids.append(rid)
                open -= 1
            }
            (rid, generation) = (r.previousAttempt, r.previousAttemptGeneration)
        }
        guard open > 0 else { return ids }
        for rid in requests.slots.indices {
            let r = requests.slots[rid]
            if r.phase != .done, r.call == id, r.callGeneration == call.generation, !r.orphan { ids.append(Int32(rid)) }
        }
        return ids
    }

    /// A cache hit or fallback answer arrives: the call's end, if it is live.
    @inline(__always) func answered(_ id: Int32, generation: UInt32, how: ServingSimulation.AnswerKind) -> CallEnd? {
        guard calls.isLive(id, generation) else { return nil }
        return how == .cache ? .cache : .fallback
    }

    /// Frees a permit, or hands it to the first call waiting for one; that
    /// call sends in an event of its own, so no attempt starts inside the
    /// replica code that ended another.
    mutating func releasePermit(scheduler: inout Scheduler<Event>) {
        while let next = waitingForPermit.popFirst() {
            guard calls.isLive(next.call, next.generation), calls[next.call].pendingSend else { continue }
            calls[next.call].holdsPermit = true
            scheduler.schedule(.sendHeld(call: next.call, generation: next.generation), after: 0)
            return
        }
        permitsInUse -= 1
    }

    /// A call handed a permit: true when it sends its attempt (else the
    /// permit passes on).
    mutating func sendHeld(_ id: Int32, generation: UInt32, scheduler: inout Scheduler<Event>) -> Bool {
        guard calls.isLive(id, generation), calls[id].holdsPermit else {
            releasePermit(scheduler: &scheduler)
            return false
        }
        return true
    }

    /// The breaker's state and calls in flight, sampled.
    @inline(__always) func sample(into series: inout ClientSeries) {
        let state: Double
        switch breaker?.state {
        case .open?: state = 1
        case .halfOpen?: state = 0.5
        default: state = 0
        }
        series.breakerState.append(state)
        series.callsInFlight.append(Double(calls.live))
    }
}
