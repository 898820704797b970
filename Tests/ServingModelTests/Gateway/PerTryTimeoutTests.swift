import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// The gateway's per-try timeout (Envoy's `retry_policy.per_try_timeout`),
/// from scenario text.
@Suite struct PerTryTimeoutTests {
    /// One M/M/1 replica (λ = 5/s, μ = 10/s) behind a 200 ms per-try
    /// timeout that the route does not retry (`connect-failure` does not
    /// cover a reset). Non-streamed answers start when they end, and the
    /// replica finishes what the gateway reset (the default
    /// `cancel_on_give_up: false`), so sojourns keep their M/M/1 law: a
    /// share P(T > 0.2 s) = e^{−(μ−λ)·0.2} = e^{−1} of the tries gets a 504.
    /// The tolerance, 0.03, is the route-timeout test's (3.5 binomial
    /// standard errors of 10,000 tries, widened √3 for correlated sojourns).
    @Test func aTryPastItsTimeoutGets504WhenTheRouteDoesNotRetryResets() throws {
        let c = try ScenarioRunner.run("""
            name: per-try-timeout
            seed: 7
            duration: 2000s
            workload: {arrivals: {process: poisson, rate: 5/s}}
            replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}, dispatch: round_robin}
            client: {retry: {max_attempts: 1}}
            gateway: {retry: {retry_on: [connect-failure], per_try_timeout: 200ms}}
            """).result.clients!
        let share = Double(c.gatewayPerTryTimeouts) / Double(c.attempts)
        #expect(c.attempts > 9000)
        #expect(abs(share - exp(-1)) < 0.03, "reset \(share)")
        #expect(c.status503 == c.gatewayPerTryTimeouts && c.gatewayRetries == 0)
        // The replica finished what was reset, for nobody (bar the last few at the end of the run).
        #expect(c.wastedCompletions <= c.gatewayPerTryTimeouts && c.wastedCompletions >= c.gatewayPerTryTimeouts - 10)
    }

    /// Two replicas behind round robin, one slowed to a tenth of its speed
    /// for the whole run (100 ms of service takes 1 s there), and a user
    /// request every 2 s from 2 s on. Every request is picked for the slow replica
    /// first (its retry took the fast one's turn), so each try there runs
    /// past a 300-ms per-try timeout, is reset, and is retried on the fast
    /// replica after Envoy's backoff, U[0, 25 ms): served in 0.4–0.425 s
    /// instead of 1 s. The route timeout spans both tries: at 350 ms it ends
    /// every request while its retry is still being served.
    func straggler(_ gateway: String) throws -> ServingResult.Clients {
        try ScenarioRunner.run("""
            name: straggler
            seed: 5
            duration: 200s
            workload: {arrivals: {process: renewal, interarrival: {distribution: deterministic, value: 2s}}}
            replicas: {count: 2, batching: {policy: none}, service: {distribution: deterministic, value: 100ms}}
            cluster: {faults: {slowdowns: [{at: 0s, replica: 0, speed: 10%, duration: 300s}]}}
            client: {retry: {max_attempts: 1}}
            gateway: \(gateway)
            """).result.clients!
    }

    @Test func aStragglersTriesAreRetriedOnAFreshClockWithinTheRouteTimeout() throws {
        let retried = try straggler("{balancer: {policy: round_robin}, retry: {num_retries: 1, per_try_timeout: 300ms}}")
        let n = retried.userRequests
        #expect(n == 99)  // at 2 s, 4 s, …, 198 s
        #expect(retried.served == n && retried.gatewayPerTryTimeouts == n && retried.gatewayRetries == n)
        #expect(retried.latencySeconds.mean > 0.4 && retried.latencySeconds.max < 0.425 + 1e-9)
        // The slow replica finished every reset try (the last at 199 s).
        #expect(retried.wastedCompletions == n)

        // A reset lets go of the gateway's hold at once: with room for one
        // request in flight and one connection, the retry still gets both
        // while the slow replica finishes the reset try.
        let tight = try straggler("""
            {balancer: {policy: round_robin}, retry: {num_retries: 1, per_try_timeout: 300ms}, max_requests: 1, max_connections: 1}
            """)
        #expect(tight.served == n && tight.status503 == 0 && tight.gatewayRetries == n && tight.latencySeconds.max < 0.425 + 1e-9)

        let plain = try straggler("{balancer: {policy: round_robin}}")
        #expect(plain.served == n && plain.gatewayPerTryTimeouts == 0 && abs(plain.latencySeconds.max - 1) < 1e-6)

        let bounded = try straggler("{balancer: {policy: round_robin}, retry: {num_retries: 1, per_try_timeout: 300ms}, route_timeout: 350ms}")
        #expect(bounded.served == 0 && bounded.failed == n && bounded.routeTimeouts == n && bounded.gatewayRetries == n)
    }

    /// The same straggler with consecutive-5xx outlier detection: each reset
    /// counts as a 504 against the slow host, so three in a row eject it
    /// (30 s, then 60 s, 90 s, … while it keeps failing), and requests go
    /// to the fast replica meanwhile. Over 200 s at most six ejection
    /// cycles of 3 resets each fit (each cycle lasts over 30 s plus 6 s of
    /// requests), against 99 resets without ejection.
    @Test func resetTriesEjectTheStraggler() throws {
        let c = try straggler("""
            {balancer: {policy: round_robin}, retry: {num_retries: 1, per_try_timeout: 300ms},
             outlier_detection: {consecutive_5xx: 3, base_ejection_time: 30s, max_ejection_percent: 50%}}
            """)
        #expect(c.served == c.userRequests)
        #expect(c.gatewayPerTryTimeouts >= 3 && c.gatewayPerTryTimeouts <= 18, "\(c.gatewayPerTryTimeouts) resets")
    }

    /// Llama-2-7B on one replica at 0.2 req/s of 1,000 + 300 tokens: the
    /// first token comes within a fraction of a second and the answer
    /// streams for several seconds. A 1-s per-try timeout never fires once
    /// the answer streams (Envoy ignores it then), where a 1-s route
    /// timeout resets every stream.
    @Test func aStreamingAnswerOutlivesThePerTryTimeout() throws {
        func run(_ gateway: String) throws -> ServingResult.Clients {
            try ScenarioRunner.run("""
                name: streaming
                seed: 2
                duration: 10m
                workload: {arrivals: {process: poisson, rate: 0.2/s}, sizes: {prompt: 1000, output: 300}}
                replicas:
                  count: 1
                  hardware: \(ClientGatewayTests.profile7B)
                  batching: {policy: continuous, max_num_seqs: 32, max_num_batched_tokens: 4096, chunked_prefill: true}
                  dispatch: round_robin
                client: {retry: {max_attempts: 1}}
                gateway: \(gateway)
                """).result.clients!
        }
        let perTry = try run("{retry: {per_try_timeout: 1s}}")
        #expect(perTry.userRequests > 80)
        #expect(perTry.gatewayPerTryTimeouts == 0 && perTry.served == perTry.userRequests)
        #expect(perTry.latencySeconds.p50 > 1)
        let route = try run("{route_timeout: 1s}")
        #expect(route.served == 0 && route.connectionErrors == route.userRequests)
    }

    /// Two Llama-2-7B replicas overloaded for two minutes (12 req/s of
    /// 1,000 + 300 tokens), then at 1 req/s, behind a 5-s per-try timeout
    /// retried twice, Envoy's pools and a `max_requests` gate, with an engine
    /// that aborts what the gateway resets. Each reset lets go of the gate,
    /// the retry breaker and the connection at once and cancels its
    /// sequence, so nothing is wasted, every request the replicas got is
    /// accounted for, and once the overload has drained the light load is
    /// served in full. The premise: the overload resets over 100 tries.
    @Test func aResetTryLetsGoOfTheGatewayAndTheEngine() throws {
        let (result, metrics) = try ScenarioRunner.run("""
            name: overload-reset
            seed: 4
            duration: 6m
            workload:
              arrivals: {process: curve, points: [[0, 12/s], [2m, 1/s]]}
              sizes: {prompt: 1000, output: 300}
            replicas:
              count: 2
              hardware: \(ClientGatewayTests.profile7B)
              batching: {policy: continuous, max_num_seqs: 32, max_num_batched_tokens: 4096, chunked_prefill: true}
            client: {retry: {max_attempts: 1}, cancel_on_give_up: running}
            gateway:
              balancer: {policy: least_request}
              retry: {num_retries: 2, per_try_timeout: 5s}
              max_requests: 150
              max_connections: 100
            """)
        let c = result.clients!
        #expect(c.gatewayPerTryTimeouts > 100, "\(c.gatewayPerTryTimeouts) resets")
        #expect(result.requests.cancelled == c.gatewayPerTryTimeouts && c.wastedCompletions == 0)
        let r = result.requests
        #expect(r.offered == r.completed + r.rejected + r.timedOut + r.failed + r.cancelled + r.unfinished)
        #expect(ClientGatewayTests.availability(metrics, from: 240, to: 360) == 1)
    }

    /// Four replicas (100 ms exponential, 10 req/s each) overloaded at
    /// 60 req/s for a minute behind 200 pooled connections and a 1-s per-try
    /// timeout that is not retried; the replicas finish what the gateway
    /// resets (`cancel_on_give_up: false`), so hundreds of reset tries sit
    /// in their queues. At 60 s two replicas drain. Their reset tries have
    /// no client and no connection: they are dropped (cancelled), not sent
    /// back through the gateway, where each would take a connection it
    /// never gives back. The two replicas left clear their own backlog
    /// (about 300 tries each at 7.5/s net) by about 100 s; from 2 minutes
    /// on only the M/M/1 tail past the timeout at 2.5 req/s per replica,
    /// e^{−7.5} ≈ 0.06% of about 1,200 requests, can fail: 99% is the bound.
    @Test func aDrainingReplicaDropsTheTriesTheGatewayReset() throws {
        let (result, metrics) = try ScenarioRunner.run(ConnectionPoolTests.drainScenario(gateway: """
            {balancer: {policy: round_robin}, retry: {retry_on: [connect-failure], per_try_timeout: 1s}, max_connections: 200}
            """))
        #expect(result.clients!.gatewayPerTryTimeouts > 500, "\(result.clients!.gatewayPerTryTimeouts) resets")
        #expect(result.requests.cancelled > 100, "\(result.requests.cancelled) dropped")
        #expect(ClientGatewayTests.availability(metrics, from: 120, to: 360) > 0.99)
        let r = result.requests
        #expect(r.offered == r.completed + r.rejected + r.timedOut + r.failed + r.cancelled + r.unfinished)
    }

    /// The examples of examples/straggler load, and differ only where their
    /// comments say.
    @Test func theStragglerExamplesLoad() throws {
        let dir = TestData.root.appendingPathComponent("examples/straggler")
        func gateway(_ name: String) throws -> GatewayConfiguration {
            try ScenarioLoader.load(path: dir.appendingPathComponent("\(name).yaml").path).gateway!
        }
        #expect(try gateway("no-per-try").retry == nil)
        let perTry = try gateway("per-try"), budget = try gateway("per-try-budget"), outlier = try gateway("per-try-outlier")
        #expect(perTry.retry?.perTryTimeout == 3 && perTry.retry?.breaker == RetryBudget(budgetPercent: 0, minRetryConcurrency: 3))
        #expect(budget.retry?.perTryTimeout == 3 && budget.retry?.breaker == RetryBudget(budgetPercent: 20, minRetryConcurrency: 3))
        #expect(outlier.retry == perTry.retry && outlier.outlierDetection != nil && perTry.outlierDetection == nil)
        var elsewhere = try gateway("per-try-budget-elsewhere").retry!
        #expect(elsewhere.previousHosts && elsewhere.hostSelectionRetryMaxAttempts == 3)
        (elsewhere.previousHosts, elsewhere.hostSelectionRetryMaxAttempts) = (false, 1)
        #expect(elsewhere == budget.retry)
    }

    @Test func aPerTryTimeoutMustBePositiveAndNeedsPushRouting() {
        let zero = ClientGatewayTests.gatewayError("{retry: {per_try_timeout: 0s}}", dispatch: "round_robin")
        #expect(zero.contains("gateway.retry.per_try_timeout"), "\(zero)")
        let queue = ClientGatewayTests.gatewayError("{retry: {per_try_timeout: 1s}}", dispatch: "shared_queue")
        #expect(queue.contains("gateway.retry.per_try_timeout") && queue.contains("round_robin"), "\(queue)")
    }
}
