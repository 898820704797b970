import Testing
@testable import ServingModel

/// Hystrix and resilience4j state transitions against their rules.
@Suite struct CircuitBreakerToolboxTests {
    static func feed(_ b: inout HystrixCircuitBreaker, failures: Int, successes: Int, at t: Double) {
        for _ in 0..<successes { b.record(failed: false, now: t) }
        for _ in 0..<failures { b.record(failed: true, now: t) }
    }

    @Test func hystrixNeedsTwentyRequestsAndHalfOfThemFailing() {
        var b = HystrixCircuitBreaker()
        Self.feed(&b, failures: 19, successes: 0, at: 1)
        #expect(b.state == .closed)                 // 19 < request volume 20
        var c = HystrixCircuitBreaker()
        Self.feed(&c, failures: 10, successes: 10, at: 1)
        #expect(c.state == .open)                   // 20 requests, 50%
        var d = HystrixCircuitBreaker()
        Self.feed(&d, failures: 9, successes: 11, at: 1)
        d.record(failed: true, now: 1)              // 10/21 = 47%
        #expect(d.state == .closed)
        d.record(failed: true, now: 1)              // 11/22 = 50%
        #expect(d.state == .open)
    }

    @Test func hystrixWindowRollsInOneSecondBuckets() {
        var b = HystrixCircuitBreaker()
        Self.feed(&b, failures: 19, successes: 0, at: 0.5)
        b.record(failed: true, now: 9.9)            // 20 in the window: opens
        #expect(b.state == .open)
        var c = HystrixCircuitBreaker()
        Self.feed(&c, failures: 19, successes: 0, at: 0.5)
        c.record(failed: true, now: 10.1)           // bucket 0 has rolled out
        #expect(c.state == .closed)
        #expect(c.healthCounts(now: 10.1) == (1, 1))
    }

    @Test func hystrixHalfOpenLetsOneTrialDecide() {
        var b = HystrixCircuitBreaker()
        Self.feed(&b, failures: 20, successes: 0, at: 1)
        let early = [b.tryAcquirePermission(now: 3), b.tryAcquirePermission(now: 6)]
        #expect(early == [false, false])           // not after 1 + 5 yet
        let trial = [b.tryAcquirePermission(now: 6.01), b.tryAcquirePermission(now: 6.02)]
        #expect(trial == [true, false])             // one trial only
        #expect(b.state == .halfOpen)
        b.record(failed: true, now: 6.5)            // trial fails: reopen from 6.5
        #expect(b.state == .open)
        let reopened = [b.tryAcquirePermission(now: 11.4), b.tryAcquirePermission(now: 11.6)]
        #expect(reopened == [false, true])
        b.record(failed: false, now: 11.7)          // trial succeeds: closed, window cleared
        #expect(b.state == .closed)
        Self.feed(&b, failures: 10, successes: 0, at: 12)
        #expect(b.state == .closed)
        #expect(b.healthCounts(now: 12) == (10, 10))
    }

    @Test func resilience4jCountWindowOpensOnFailureRateOnceMinimumCallsReached() {
        var b = Resilience4jCircuitBreaker(slidingWindowSize: 10)   // minimum capped to 10
        #expect(b.minimumNumberOfCalls == 10)
        for _ in 0..<9 { b.record(failed: true, duration: 0.1, now: 1) }
        #expect(b.state == .closed)                                 // 9 < 10 calls
        b.record(failed: false, duration: 0.1, now: 1)
        #expect(b.state == .open)                                   // 90%
        var c = Resilience4jCircuitBreaker(slidingWindowSize: 10, minimumNumberOfCalls: 10)
        for _ in 0..<6 { c.record(failed: false, duration: 0.1, now: 1) }
        for _ in 0..<4 { c.record(failed: true, duration: 0.1, now: 1) }
        #expect(c.state == .closed)                                 // 40%
        c.record(failed: true, duration: 0.1, now: 1)               // oldest success leaves: 50%
        #expect(c.state == .open)
    }

    @Test func resilience4jSlowCallsOpenTheCircuit() {
        var b = Resilience4jCircuitBreaker(slowCallRateThreshold: 50, slowCallDurationThreshold: 2,
                                           slidingWindowSize: 10, minimumNumberOfCalls: 10)
        for i in 0..<10 { b.record(failed: false, duration: i < 4 ? 3 : 2, now: 1) }
        #expect(b.state == .closed)                                 // 4 slow (2 s is not slow)
        var c = Resilience4jCircuitBreaker(slowCallRateThreshold: 50, slowCallDurationThreshold: 2,
                                           slidingWindowSize: 10, minimumNumberOfCalls: 10)
        for i in 0..<10 { c.record(failed: false, duration: i < 5 ? 3 : 1, now: 1) }
        #expect(c.state == .open)
        // The default slow threshold (100%) needs every call slow.
        var d = Resilience4jCircuitBreaker(slidingWindowSize: 5)
        for _ in 0..<5 { d.record(failed: false, duration: 61, now: 1) }
        #expect(d.state == .open)
    }

    @Test func resilience4jHalfOpenPermitsTrialsThenClosesOrReopens() {
        var b = Resilience4jCircuitBreaker(slidingWindowSize: 4, waitDurationInOpenState: 60, permittedNumberOfCallsInHalfOpenState: 3)
        for _ in 0..<4 { b.record(failed: true, duration: 0.1, now: 10) }
        #expect(b.state == .open)
        let waits = [b.tryAcquirePermission(now: 40), b.tryAcquirePermission(now: 70)]
        #expect(waits == [false, false])
        let trials = (0..<4).map { _ in b.tryAcquirePermission(now: 70.5) }
        #expect(trials == [true, true, true, false])
        b.record(failed: true, duration: 0.1, now: 71)
        b.record(failed: false, duration: 0.1, now: 71)
        #expect(b.state == .halfOpen)
        b.record(failed: true, duration: 0.1, now: 71)              // 2 of 3 failed
        #expect(b.state == .open)
        let next = (0..<3).map { _ in b.tryAcquirePermission(now: 131.5) }
        #expect(next == [true, true, true])
        for _ in 0..<3 { b.record(failed: false, duration: 0.1, now: 132) }
        #expect(b.state == .closed)
        #expect(b.windowCounts(now: 132).calls == 0)
    }

    @Test func resilience4jTimeWindowForgetsOldSeconds() {
        var b = Resilience4jCircuitBreaker(windowType: .timeBased, slidingWindowSize: 10, minimumNumberOfCalls: 5)
        for t in 0..<5 { b.record(failed: true, duration: 0.1, now: Double(t)) }
        #expect(b.state == .open)
        var c = Resilience4jCircuitBreaker(windowType: .timeBased, slidingWindowSize: 10, minimumNumberOfCalls: 5)
        for _ in 0..<4 { c.record(failed: true, duration: 0.1, now: 0.5) }
        c.record(failed: true, duration: 0.1, now: 10.5)            // second 0 is out of the window
        #expect(c.state == .closed)
        #expect(c.windowCounts(now: 10.5).calls == 1)
    }

    @Test func theEnumForwardsToItsKind() {
        var b = CircuitBreaker.hystrix(HystrixCircuitBreaker(requestVolumeThreshold: 2))
        b.record(failed: true, duration: 1, now: 0)
        b.record(failed: true, duration: 1, now: 0)
        #expect(b.state == .open)
        let refused = b.tryAcquirePermission(now: 1)
        #expect(!refused)
        let e = #expect(throws: ServingModelError.self) {
            try CircuitBreaker.resilience4j(Resilience4jCircuitBreaker(failureRateThreshold: 0)).validate()
        }
        #expect(e?.key == "client.breaker.failure_rate_threshold")
    }
}
