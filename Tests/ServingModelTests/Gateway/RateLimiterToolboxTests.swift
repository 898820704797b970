import SimulationCore
import Testing
@testable import ServingModel

/// Token bucket, GCRA and sliding window against their reference rules.
@Suite struct RateLimiterToolboxTests {
    @Test func envoyBucketStartsFullAndAddsTokensPerFillEachInterval() {
        var b = TokenBucket(maxTokens: 3, tokensPerFill: 1, fillInterval: 1)
        for _ in 0..<3 { #expect(b.acquire(now: 0) == .admit) }
        #expect(b.acquire(now: 0) == .reject(retryAfter: 1))
        #expect(b.acquire(now: 0.75) == .reject(retryAfter: 0.25))
        #expect(b.acquire(now: 1) == .admit)
        #expect(b.acquire(now: 1.5) == .reject(retryAfter: 0.5))
        // Four fills by t = 5 refill only up to max_tokens.
        b.update(now: 5)
        #expect(b.tokens == 3)
    }

    @Test func bucketRetryAfterCountsWholeFillsAndRefusesCostsAboveCapacity() {
        var b = TokenBucket(maxTokens: 10, tokensPerFill: 5, fillInterval: 2)
        #expect(b.acquire(10, now: 0) == .admit)
        // 7 tokens need two fills of 5: at t = 4.
        #expect(b.acquire(7, now: 0.5) == .reject(retryAfter: 3.5))
        #expect(b.acquire(7, now: 4) == .admit)
        #expect(b.acquire(11, now: 100) == .reject(retryAfter: .infinity))
        var c = TokenBucket(maxTokens: 4, tokensPerSecond: 2)
        #expect(c.acquire(4, now: 0) == .admit)
        #expect(c.acquire(3, now: 0.5) == .reject(retryAfter: 1))
        #expect(c.acquire(3, now: 1.5) == .admit)
    }

    /// GCRA with τ = (depth − 1)·T admits exactly what a continuously refilled
    /// bucket of that depth admits, bursts included, with the same waits.
    @Test(arguments: [1.0, 3.0, 8.0])
    func gcraMatchesAnEquivalentTokenBucket(depth: Double) {
        let rate = 4.0
        var bucket = TokenBucket(maxTokens: depth, tokensPerSecond: rate)
        var gcra = GCRA(rate: rate, burst: depth)
        var rng = RandomStream(seed: 11).stream("arrivals")
        var t = 0.0
        var admitted = 0
        var rejected = 0
        for _ in 0..<3000 {
            // Times on a 1/64 s grid keep the arithmetic exact; one arrival
            // in five starts a burst of 2–10 simultaneous requests.
            t += (Distribution.exponential(mean: 0.3).sample(&rng) * 64).rounded(.down) / 64
            let burst = rng.nextUniform() < 0.2 ? 2 + rng.nextInt(below: 9) : 1
            for _ in 0..<burst {
                let cost = rng.nextUniform() < 0.1 ? 2.0 : 1.0
                let a = bucket.acquire(cost, now: t)
                let g = gcra.acquire(cost, now: t)
                #expect(a == g, "t=\(t) cost=\(cost)")
                if a.isAdmitted { admitted += 1 } else { rejected += 1 }
            }
        }
        #expect(admitted > 100 && rejected > 100)
    }

    /// Envoy's interval bucket (one token per T) agrees with GCRA too when
    /// every arrival falls on a fill tick, where both have seen the same
    /// refills. Off the grid they differ either way: the bucket refills on
    /// fixed ticks, GCRA relative to the last admission.
    @Test func intervalBucketMatchesGCRAOnlyOnTheFillGrid() {
        let interval = 0.25
        var bucket = TokenBucket(maxTokens: 4, tokensPerFill: 1, fillInterval: interval)
        var gcra = GCRA(rate: 1 / interval, burst: 4)
        var rng = RandomStream(seed: 12).stream("grid")
        var tick = 0
        var rejected = 0
        for _ in 0..<2000 {
            tick += rng.nextInt(below: 3)
            let t = Double(tick) * interval
            for _ in 0..<(1 + rng.nextInt(below: 3)) {
                let a = bucket.acquire(now: t)
                let g = gcra.acquire(now: t)
                #expect(a.isAdmitted == g.isAdmitted, "t=\(t)")
                if !a.isAdmitted { rejected += 1 }
            }
        }
        #expect(rejected > 100)
        var b2 = TokenBucket(maxTokens: 1, tokensPerFill: 1, fillInterval: 1)
        var g2 = GCRA(rate: 1, burst: 1)
        let times = [0, 0.5, 1.5, 2.2]
        let bucketSays = times.map { b2.acquire(now: $0).isAdmitted }
        let gcraSays = times.map { g2.acquire(now: $0).isAdmitted }
        #expect(bucketSays == [true, false, true, true])   // a token arrived at the tick t = 2
        #expect(gcraSays == [true, false, true, false])    // TAT 2.5 after the admission at 1.5
    }

    @Test func gcraRejectsUntilTheTheoreticalArrivalTimeLessTolerance() {
        var g = GCRA(rate: 10, burst: 5)
        for _ in 0..<5 { #expect(g.acquire(now: 0).isAdmitted) }
        let r = g.acquire(now: 0)
        #expect(abs((r.retryAfter ?? 0) - 0.1) < 1e-12)
        #expect(!g.acquire(now: 0.099).isAdmitted)
        #expect(g.acquire(now: 0.1).isAdmitted)
        #expect(g.acquire(6, now: 100) == .reject(retryAfter: .infinity))
    }

    @Test func slidingWindowWeighsThePreviousWindow() {
        var s = SlidingWindowLimiter(limit: 10, window: 60)
        for i in 0..<10 { #expect(s.acquire(now: Double(i)).isAdmitted) }
        // Full: wait into the next window until 10·(60 − e)/60 + 1 ≤ 10, e = 6.
        let r = s.acquire(now: 30)
        #expect(abs((r.retryAfter ?? 0) - 36) < 1e-9)
        #expect(!s.acquire(now: 65.9).isAdmitted)
        #expect(s.acquire(now: 66).isAdmitted)
        // At t = 90 the estimate is 10·0.5 + 1 = 6.
        #expect(abs(s.estimate(now: 90) - 6) < 1e-9)
        // Two windows later the history is gone.
        #expect(s.estimate(now: 200) == 0)
    }

    @Test func slidingWindowRetryAfterWithinTheWindowIsExact() {
        var s = SlidingWindowLimiter(limit: 10, window: 10)
        for _ in 0..<10 { _ = s.acquire(now: 5) }
        // At t = 12 the estimate is 10·0.8 + current: two more fit.
        for _ in 0..<2 { #expect(s.acquire(now: 12).isAdmitted) }
        let r = s.acquire(now: 12)
        guard let wait = r.retryAfter else { Issue.record("expected a rejection"); return }
        // 10·(20 − s)/10 + 2 + 1 ≤ 10 from s = 13.
        #expect(abs(wait - 1) < 1e-9)
        #expect(!s.acquire(now: 12 + wait - 0.01).isAdmitted)
        #expect(s.acquire(now: 12 + wait + 1e-9).isAdmitted)
    }

    @Test func validationNamesTheParameter() {
        let e1 = #expect(throws: ServingModelError.self) { try TokenBucket(maxTokens: 0, fillInterval: 1).validate() }
        #expect(e1?.key == "token_bucket.max_tokens")
        let e2 = #expect(throws: ServingModelError.self) { try TokenBucket(maxTokens: 5, fillInterval: -1).validate() }
        #expect(e2?.key == "token_bucket.fill_interval")
        let e3 = #expect(throws: ServingModelError.self) { try GCRA(emissionInterval: 0, burstTolerance: 1).validate() }
        #expect(e3?.key == "gcra.emission_interval")
        let e4 = #expect(throws: ServingModelError.self) { try SlidingWindowLimiter(limit: 10, window: 0).validate() }
        #expect(e4?.key == "sliding_window.window")
        #expect(throws: Never.self) { try TokenBucket(maxTokens: 5, tokensPerSecond: 1).validate() }
    }

    /// A refund gives back what a reservation did not use: right after the
    /// charge it restores the limiter exactly, later it never builds credit
    /// beyond a full burst (bucket and GCRA) and it comes off the window
    /// the charge was counted in (sliding window).
    @Test func refundsRestoreQuotaWithoutBankingCredit() {
        var bucket = TokenBucket(maxTokens: 10, tokensPerSecond: 1)
        var gcra = GCRA(rate: 1, burst: 10)
        #expect(bucket.acquire(8, now: 0) == .admit && gcra.acquire(8, now: 0) == .admit)
        #expect(bucket.acquire(5, now: 0) == .reject(retryAfter: 3) && gcra.acquire(5, now: 0) == .reject(retryAfter: 3))
        bucket.refund(6, now: 0)
        gcra.refund(6, now: 0)
        #expect(bucket.acquire(8, now: 0) == .admit && gcra.acquire(8, now: 0) == .admit)
        // Late refunds: back to a full burst of 10, never 10 + more.
        bucket.refund(50, now: 20)
        gcra.refund(50, now: 20)
        #expect(bucket.acquire(10, now: 20) == .admit && gcra.acquire(10, now: 20) == .admit)
        #expect(bucket.acquire(1, now: 20) == .reject(retryAfter: 1) && gcra.acquire(1, now: 20) == .reject(retryAfter: 1))

        var window = SlidingWindowLimiter(limit: 100, window: 60)
        #expect(window.acquire(90, now: 10) == .admit)
        window.refund(40, now: 20)
        #expect(window.currentCount == 50)
        // In the next window the charge sits in the previous count.
        window.refund(20, now: 70)
        #expect(window.currentCount == 0 && window.previousCount == 30)
        #expect(window.estimate(now: 90) == 15)
    }
}
