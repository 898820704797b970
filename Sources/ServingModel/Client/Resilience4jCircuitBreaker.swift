/// resilience4j's circuit breaker (`CircuitBreakerConfig.java`,
/// `CircuitBreakerStateMachine.java`, `CircuitBreakerMetrics.java`;
/// https://resilience4j.readme.io/docs/circuitbreaker [src]).
///
/// While closed, outcomes go into a sliding window: the last
/// `slidingWindowSize` calls (COUNT_BASED, default 100) or the calls of the
/// last `slidingWindowSize` seconds in one-second buckets (TIME_BASED).
/// Once the window holds `minimumNumberOfCalls` (100; for a count-based
/// window at most its size) the circuit opens if the failure rate ≥
/// `failureRateThreshold` (50%) **or** the slow-call rate ≥
/// `slowCallRateThreshold` (100%), a call being slow when it takes longer
/// than `slowCallDurationThreshold` (60 s). After `waitDurationInOpenState`
/// (60 s, strictly after) the next call moves it to half-open, where
/// `permittedNumberOfCallsInHalfOpenState` (10) calls are let through and
/// the rest refused; when all of them have completed the same thresholds
/// over just those calls reopen or close it (closing starts a fresh
/// window). Outcomes of calls that complete while open are ignored.
package struct Resilience4jCircuitBreaker: Sendable, Equatable {
    /// The kind of sliding window.
    package enum WindowType: Sendable, Equatable {
        /// The last `slidingWindowSize` calls.
        case countBased
        /// The calls of the last `slidingWindowSize` seconds.
        case timeBased
    }

    /// Failure percentage that opens the circuit (50).
    package let failureRateThreshold: Double
    /// Slow-call percentage that opens the circuit (100).
    package let slowCallRateThreshold: Double
    /// Seconds above which a call is slow (60).
    package let slowCallDurationThreshold: Double
    /// COUNT_BASED (default) or TIME_BASED.
    package let windowType: WindowType
    /// Calls (count-based) or seconds (time-based) in the window (100).
    package let slidingWindowSize: Int
    /// Calls needed before the rates are evaluated (100).
    package let minimumNumberOfCalls: Int
    /// Seconds to stay open (60).
    package let waitDurationInOpenState: Double
    /// Trial calls in half-open (10).
    package let permittedNumberOfCallsInHalfOpenState: Int
    /// The current state.
    package private(set) var state: CircuitState = .closed
    /// When the circuit last opened.
    package private(set) var openedAt = -Double.infinity
    // Closed-state window: one slot per call (count-based) or per second
    // (time-based), each with its tag (call number or epoch second).
    private var slotTags: [Int]
    private var slotCalls: [Int]
    private var slotFailures: [Int]
    private var slotSlow: [Int]
    private var callsRecorded = 0
    // Half-open trial accounting.
    private var trialsIssued = 0
    private var trialCalls = 0
    private var trialFailures = 0
    private var trialSlow = 0

    /// A breaker with resilience4j's defaults unless given.
    package init(failureRateThreshold: Double = 50, slowCallRateThreshold: Double = 100, slowCallDurationThreshold: Double = 60,
                windowType: WindowType = .countBased, slidingWindowSize: Int = 100, minimumNumberOfCalls: Int = 100,
                waitDurationInOpenState: Double = 60, permittedNumberOfCallsInHalfOpenState: Int = 10) {
        self.failureRateThreshold = failureRateThreshold
        self.slowCallRateThreshold = slowCallRateThreshold
        self.slowCallDurationThreshold = slowCallDurationThreshold
        self.windowType = windowType
        self.slidingWindowSize = slidingWindowSize
        self.minimumNumberOfCalls = windowType == .countBased ? min(minimumNumberOfCalls, slidingWindowSize) : minimumNumberOfCalls
        self.waitDurationInOpenState = waitDurationInOpenState
        self.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState
        let slots = max(slidingWindowSize, 1)
        self.slotTags = Array(repeating: Int.min, count: slots)
        self.slotCalls = Array(repeating: 0, count: slots)
        self.slotFailures = Array(repeating: 0, count: slots)
        self.slotSlow = Array(repeating: 0, count: slots)
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the breaker's mapping (`client.breaker`).
    package func validate(at path: String = "client.breaker") throws(ServingModelError) {
        try ServingModelError.check(failureRateThreshold > 0 && failureRateThreshold <= 100, path + ".failure_rate_threshold",
                                    "\(failureRateThreshold)%", "a percentage above 0% and at most 100%")
        try ServingModelError.check(slowCallRateThreshold > 0 && slowCallRateThreshold <= 100, path + ".slow_call_rate_threshold",
                                    "\(slowCallRateThreshold)%", "a percentage above 0% and at most 100%")
        try ServingModelError.check(slowCallDurationThreshold > 0, path + ".slow_call_duration", slowCallDurationThreshold, "a duration > 0")
        try ServingModelError.check(slidingWindowSize >= 1, path + ".window_size", slidingWindowSize, "an integer >= 1")
        try ServingModelError.check(minimumNumberOfCalls >= 1, path + ".minimum_calls", minimumNumberOfCalls, "an integer >= 1")
        try ServingModelError.check(waitDurationInOpenState.isFinite && waitDurationInOpenState > 0, path + ".wait_in_open",
                                    waitDurationInOpenState, "a duration > 0")
        try ServingModelError.check(permittedNumberOfCallsInHalfOpenState >= 1, path + ".half_open_calls",
                                    permittedNumberOfCallsInHalfOpenState, "an integer >= 1")
    }

    /// Calls, failures and slow calls in the closed-state window at `now`.
    package func windowCounts(now: Double) -> (calls: Int, failures: Int, slow: Int) {
        var calls = 0, failures = 0, slow = 0
        for i in slotTags.indices where slotTags[i] != Int.min {
            if windowType == .timeBased, slotTags[i] <= second(now) - slidingWindowSize { continue }
            calls += slotCalls[i]
            failures += slotFailures[i]
            slow += slotSlow[i]
        }
        return (calls, failures, slow)
    }

    /// Whether a call may go out at `now`.
    package mutating func tryAcquirePermission(now: Double) -> Bool {
        if state == .open {
            guard now > openedAt + waitDurationInOpenState else { return false }
            state = .halfOpen
            trialsIssued = 0
            trialCalls = 0
            trialFailures = 0
            trialSlow = 0
        }
        if state == .halfOpen {
            guard trialsIssued < permittedNumberOfCallsInHalfOpenState else { return false }
            trialsIssued += 1
        }
        return true
    }

    /// Records a permitted call that took `duration` seconds, ending at `now`.
    package mutating func record(failed: Bool, duration: Double, now: Double) {
        let slow = duration > slowCallDurationThreshold
        switch state {
        case .open:
            return
        case .halfOpen:
            trialCalls += 1
            if failed { trialFailures += 1 }
            if slow { trialSlow += 1 }
            guard trialCalls >= permittedNumberOfCallsInHalfOpenState else { return }
            if exceeds(calls: trialCalls, failures: trialFailures, slow: trialSlow) {
                open(now: now)
            } else {
                state = .closed
                clearWindow()
            }
        case .closed:
            let tag = windowType == .countBased ? callsRecorded : second(now)
            let slot = ((tag % slidingWindowSize) + slidingWindowSize) % slidingWindowSize
            if slotTags[slot] != tag {
                slotTags[slot] = tag
                slotCalls[slot] = 0
                slotFailures[slot] = 0
                slotSlow[slot] = 0
            }
            slotCalls[slot] += 1
            if failed { slotFailures[slot] += 1 }
            if slow { slotSlow[slot] += 1 }
            callsRecorded += 1
            let (calls, failures, slowCalls) = windowCounts(now: now)
            if calls >= minimumNumberOfCalls, exceeds(calls: calls, failures: failures, slow: slowCalls) { open(now: now) }
        }
    }

    private func exceeds(calls: Int, failures: Int, slow: Int) -> Bool {
        Double(failures) * 100 / Double(calls) >= failureRateThreshold || Double(slow) * 100 / Double(calls) >= slowCallRateThreshold
    }

    private mutating func open(now: Double) {
        state = .open
        openedAt = now
        clearWindow()
    }

    private mutating func clearWindow() {
        for i in slotTags.indices { slotTags[i] = Int.min }
        callsRecorded = 0
    }

    private func second(_ t: Double) -> Int {
        Int(t.rounded(.down))
    }
}
