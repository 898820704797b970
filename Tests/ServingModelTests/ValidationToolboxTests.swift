import Testing
@testable import ServingModel

/// Every toolbox component names its bad parameter, and accepts its defaults.
@Suite struct ValidationToolboxTests {
    static func key(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let e as ServingModelError {
            return e.key
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func badParametersAreNamed() {
        #expect(Self.key { try PowerOfTwoChoices(weights: [1, -1]).validate() } == "gateway.balancer.weights[1]")
        #expect(Self.key { try PowerOfTwoChoices(hosts: 3, choiceCount: 1).validate() } == "gateway.balancer.choice_count")
        #expect(Self.key { try ConsistentHashRing(pointsPerWeight: 0).validate() } == "ring_hash.points_per_weight")
        #expect(Self.key { try PrefixAffinityRouter(workers: 2, balanceRelThreshold: 0.5).validate() } == "gateway.balancer.balance_rel_threshold")
        #expect(Self.key { try PrefixAffinityRouter(workers: 0).validate() } == "gateway.balancer.workers")
        #expect(Self.key { try DynamicWeights(baseWeights: [1], targetLatency: 0).validate() } == "gateway.balancer.target_latency")
        #expect(Self.key { try OutlierDetector(hosts: 3, maxEjectionTime: 10).validate() } == "gateway.outlier_detection.max_ejection_time")
        #expect(Self.key { try Backoff.fullJitter(base: 1, cap: 0.5).validate() } == "client.retry.backoff.cap")
        #expect(Self.key { try Backoff.grpc(initialBackoff: 0.1, multiplier: 0, maxBackoff: 1).validate() } == "client.retry.backoff.multiplier")
        #expect(Self.key { try RetryPolicy(backoff: .envoy(base: 0, max: 1)).validate() } == "client.retry.backoff.base")
        #expect(Self.key { try RetryPolicy(retryableStatuses: [42]).validate() } == "client.retry.retry_on")
        #expect(Self.key { try RetryBudget(budgetPercent: 120).validate() } == "client.retry_budget.budget_percent")
        #expect(Self.key { try HystrixCircuitBreaker(sleepWindow: 0).validate() } == "client.breaker.sleep_window")
        #expect(Self.key { try Resilience4jCircuitBreaker(permittedNumberOfCallsInHalfOpenState: 0).validate() }
                == "client.breaker.half_open_calls")
        #expect(Self.key { try ResponseCache(capacity: 10, timeToLive: 0).validate() } == "client.cache.ttl")
        #expect(Self.key { try ZipfKeys(count: 0).validate() } == "client.cache.keys")
    }

    @Test func defaultsAreValid() {
        #expect(Self.key {
            try TokenBucket(maxTokens: 10, fillInterval: 1).validate()
            try GCRA(rate: 5, burst: 10).validate()
            try SlidingWindowLimiter(limit: 100, window: 60).validate()
            try SmoothWeightedRoundRobin(peers: [.init(), .init(isBackup: true)]).validate()
            try LeastConnections(peers: [.init(weight: 3)]).validate()
            try PowerOfTwoChoices(hosts: 4).validate()
            try ConsistentHashRing(hosts: 4).validate()
            try PrefixAffinityRouter(workers: 4).validate()
            try DynamicWeights(baseWeights: [1, 2], targetLatency: 0.5).validate()
            try OutlierDetector(hosts: 4).validate()
            for b in [Backoff.none, .openAI, .anthropic, .urllib3Default, .grpcExample, .envoyDefault,
                      .exponential(base: 1, cap: 30), .decorrelated(base: 0.1, cap: 10)] { try b.validate() }
            try RetryPolicy.openAISDK.validate()
            try RetryPolicy.anthropicSDK.validate()
            try RetryPolicy.envoyRoute5xx.validate()
            try RetryPolicy.noRetries.validate()
            try RetryBudget().validate()
            try RetryThrottle().validate()
            try CircuitBreaker.hystrix(HystrixCircuitBreaker()).validate()
            try CircuitBreaker.resilience4j(Resilience4jCircuitBreaker(windowType: .timeBased)).validate()
            try ResponseCache(capacity: 128, timeToLive: 300).validate()
            try ZipfKeys(count: 100).validate()
        } == nil)
    }
}
