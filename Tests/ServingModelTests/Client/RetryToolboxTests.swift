import SimulationCore
import Testing
@testable import ServingModel

/// Backoff variants, SDK retry rules, Envoy's retry budget and gRPC throttling.
@Suite struct RetryToolboxTests {
    /// Draws `n` delays and checks they lie in `[low, high]` and that their
    /// mean is within 5 standard errors of `mean` (`sd` is the delay's
    /// standard deviation, or a bound on it).
    static func check(_ b: Backoff, retriesTaken k: Int, previous: Double = 0, low: Double, high: Double,
                      mean: Double, sd: Double, seed: UInt64 = 3) {
        var rng = RandomStream(seed: seed).stream("backoff")
        let n = 20_000
        var sum = 0.0
        var lo = Double.infinity
        var hi = -Double.infinity
        for _ in 0..<n {
            let d = b.delay(retriesTaken: k, previous: previous, &rng)
            sum += d
            lo = min(lo, d)
            hi = max(hi, d)
        }
        #expect(lo >= low && hi <= high, "\(b) k=\(k): [\(lo), \(hi)] outside [\(low), \(high)]")
        let tolerance = 5 * sd / Double(n).squareRoot() + 1e-12
        #expect(abs(sum / Double(n) - mean) <= tolerance, "\(b) k=\(k): mean \(sum / Double(n)) vs \(mean)")
        // The draws use the whole range, not a corner of it.
        if sd > 0 { #expect(hi - lo > 0.9 * (high - low)) }
    }

    static func uniform(_ b: Backoff, k: Int, _ low: Double, _ high: Double, previous: Double = 0) {
        check(b, retriesTaken: k, previous: previous, low: low, high: high, mean: (low + high) / 2, sd: (high - low) / 12.0.squareRoot())
    }

    @Test func awsVariantsFollowTheirFormulas() {
        var rng = RandomStream(seed: 1)
        let plain = Backoff.exponential(base: 1, cap: 10)
        #expect((0..<6).map { plain.delay(retriesTaken: $0, previous: 0, &rng) } == [1, 2, 4, 8, 10, 10])
        Self.uniform(.fullJitter(base: 0.1, cap: 10), k: 3, 0, 0.8)
        Self.uniform(.fullJitter(base: 0.1, cap: 0.5), k: 3, 0, 0.5)
        Self.uniform(.equalJitter(base: 0.1, cap: 10), k: 3, 0.4, 0.8)
        // Decorrelated: U(base, 3·base) first, then min(cap, U(base, 3·previous)).
        Self.uniform(.decorrelated(base: 0.1, cap: 2), k: 0, 0.1, 0.3, previous: 5)
        // min(2, U(0.1, 3)): mean = (2² − 0.1²)/(2·2.9) + 2·(1/2.9).
        let capped = (4 - 0.01) / 5.8 + 2 / 2.9
        Self.check(.decorrelated(base: 0.1, cap: 2), retriesTaken: 1, previous: 1, low: 0.1, high: 2, mean: capped, sd: 0.95)
        Self.uniform(.none, k: 4, 0, 0)
    }

    @Test func sdkPresetsFollowTheirFormulas() {
        // OpenAI / Anthropic: min(0.5·2^k, 8)·(1 − 0.25·U).
        Self.uniform(.openAI, k: 0, 0.375, 0.5)
        Self.uniform(.anthropic, k: 1, 0.75, 1)
        Self.uniform(.openAI, k: 6, 6, 8)
        // urllib3: 0 for the first retry, then factor·2^k + U(0, jitter), ≤ backoff_max.
        let u = Backoff.urllib3(backoffFactor: 0.5, backoffJitter: 0.2, backoffMax: 120)
        Self.uniform(u, k: 0, 0, 0)
        Self.uniform(u, k: 2, 2, 2.2)
        Self.uniform(u, k: 10, 120, 120)
        Self.uniform(.urllib3Default, k: 5, 0, 0)
        // gRPC A6: U(0, min(initial·mult^k, max)).
        Self.uniform(.grpcExample, k: 0, 0, 0.1)
        Self.uniform(.grpcExample, k: 5, 0, 1)
        // Envoy: U[0, min((2^(k+1) − 1)·25 ms, 250 ms)).
        Self.uniform(.envoyDefault, k: 0, 0, 0.025)
        Self.uniform(.envoyDefault, k: 1, 0, 0.075)
        Self.uniform(.envoyDefault, k: 4, 0, 0.25)
    }

    @Test func openAISDKRetriesTheDocumentedStatusesAndHonoursServerDelays() {
        let p = RetryPolicy.openAISDK
        var rng = RandomStream(seed: 2)
        func decide(_ o: AttemptOutcome, attempt: Int = 1) -> RetryDecision {
            p.decide(o, attempt: attempt, previousDelay: 0, &rng)
        }
        #expect(decide(.response(status: 200)) == .done)
        #expect(decide(.response(status: 429, retryAfter: 2)) == .retry(after: 2))
        #expect(decide(.response(status: 503, retryAfter: 120)) == .retry(after: 120))
        #expect(decide(.response(status: 503, retryAfter: 121)) == .giveUp(.retryAfterTooLong))
        for status in [408, 409, 429, 500, 502, 503, 504, 529] {
            guard case .retry(let d) = decide(.response(status: status)) else {
                Issue.record("\(status) should be retried"); continue
            }
            #expect(d >= 0.375 && d <= 0.5)
        }
        guard case .retry(let second) = decide(.timeout, attempt: 2) else { Issue.record("timeouts are retried"); return }
        #expect(second >= 0.75 && second <= 1)
        #expect(decide(.connectionError, attempt: 3) == .giveUp(.attemptsExhausted))
        for status in [400, 401, 403, 404, 422] { #expect(decide(.response(status: status)) == .giveUp(.notRetryable)) }
        // x-should-retry wins over the status rule.
        if case .retry = decide(.response(status: 400, shouldRetry: true)) {} else { Issue.record("x-should-retry: true") }
        #expect(decide(.response(status: 503, shouldRetry: false)) == .giveUp(.notRetryable))
        // Older SDKs: cap 60 s and fall back to the backoff above it.
        var old = p
        old.retryAfter = .honour(cap: 60, giveUpAboveCap: false)
        guard case .retry(let fallback) = old.decide(.response(status: 429, retryAfter: 90), attempt: 1, previousDelay: 0, &rng) else {
            Issue.record("older SDKs retry"); return
        }
        #expect(fallback <= 0.5)
        let e = #expect(throws: ServingModelError.self) { try RetryPolicy(maxAttempts: 0).validate() }
        #expect(e?.key == "client.retry.max_attempts")
    }

    @Test func envoyRoutePolicyRetriesOnce5xxOnlyWithItsOwnBackoff() {
        let p = RetryPolicy.envoyRoute5xx
        var rng = RandomStream(seed: 6)
        guard case .retry(let d) = p.decide(.response(status: 503, retryAfter: 30), attempt: 1, previousDelay: 0, &rng) else {
            Issue.record("503 is retried"); return
        }
        #expect(d < 0.025)                       // Retry-After is not consulted
        #expect(p.decide(.response(status: 429), attempt: 1, previousDelay: 0, &rng) == .giveUp(.notRetryable))
        #expect(p.decide(.response(status: 400, shouldRetry: true), attempt: 1, previousDelay: 0, &rng) == .giveUp(.notRetryable))
        #expect(p.decide(.connectionError, attempt: 2, previousDelay: 0, &rng) == .giveUp(.attemptsExhausted))
    }

    @Test func envoyRetryBudgetAllowsTwentyPercentButAtLeastThree() {
        var b = RetryBudget()
        let small = (0..<4).map { _ in b.tryStartRetry(activeRequests: 10) }
        #expect(small == [true, true, true, false])     // max(3, 2) = 3
        let big = (0..<20).map { _ in b.tryStartRetry(activeRequests: 100) }
        #expect(big.filter { $0 }.count == 17)           // up to 20 in flight
        b.retryFinished()
        let again = b.tryStartRetry(activeRequests: 100)
        #expect(again)
        var breaker = RetryBudget(budgetPercent: 0, minRetryConcurrency: 3)
        let fixed = (0..<4).map { _ in breaker.tryStartRetry(activeRequests: 1000) }
        #expect(fixed == [true, true, true, false])
    }

    @Test func grpcThrottleBlocksRetriesAtHalfTheTokens() {
        var t = RetryThrottle()
        var allowed: [Bool] = []
        for _ in 0..<5 {
            t.recordFailure()
            allowed.append(t.allowsRetry)
        }
        #expect(allowed == [true, true, true, true, false])   // 9, 8, 7, 6, 5 ≤ 5
        t.recordSuccess()
        #expect(t.allowsRetry)                                   // 5.1
        for _ in 0..<20 { t.recordFailure() }
        #expect(t.tokens == 0)
        for _ in 0..<200 { t.recordSuccess() }
        #expect(t.tokens == 10)
        let e = #expect(throws: ServingModelError.self) { try RetryThrottle(maxTokens: 2000).validate() }
        #expect(e?.key == "client.retry_throttle.max_tokens")
    }

    /// Envoy's route retry: which answers it retries, and its backoff
    /// `U[0, (2^n − 1)·25 ms)` capped at 250 ms. A uniform's mean is within
    /// 4 standard errors (σ = ceiling/√12 over 20,000 draws) of half the ceiling.
    @Test func gatewayRetryPolicyFollowsEnvoysRouter() {
        var p = GatewayRetryPolicy()
        #expect(p.retries(.response(status: 503)) && p.retries(.response(status: 500)) && p.retries(.connectionError))
        #expect(!p.retries(.response(status: 429)) && !p.retries(.response(status: 200)) && !p.retries(.timeout))
        p.retryOn = [.gatewayError]
        #expect(p.retries(.response(status: 504)) && !p.retries(.response(status: 500)))
        p.retryOn = [.retriableStatusCodes]
        p.retriableStatusCodes = [429]
        #expect(p.retries(.response(status: 429)) && !p.retries(.response(status: 503)) && !p.retries(.connectionError))
        var rng = RandomStream(seed: 4).stream("backoff")
        for (n, ceiling) in [(1, 0.025), (2, 0.075), (3, 0.175), (4, 0.25), (9, 0.25)] {
            let draws = (0..<20_000).map { _ in p.backoff(retry: n, &rng) }
            #expect(draws.allSatisfy { $0 >= 0 && $0 < ceiling })
            let mean = draws.reduce(0, +) / Double(draws.count)
            #expect(abs(mean - ceiling / 2) < 4 * ceiling / 12.0.squareRoot() / Double(draws.count).squareRoot(), "n=\(n)")
        }
        p.retryOn = []
        #expect(throws: ServingModelError.self) { try p.validate() }
    }
}
