import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// `gateway.fault`: Envoy's HTTP fault filter (delay, then abort), from
/// scenario text. Aborts and delays are Bernoulli draws per attempt, so
/// shares are binomial; each tolerance is 4 standard errors.
@Suite struct FaultFilterTests {
    func tolerance(_ p: Double, _ n: Double) -> Double { 4 * (p * (1 - p) / n).squareRoot() }

    /// 10 req/s of 100-ms answers on four replicas (no queueing to speak of).
    func run(client: String = "{retry: {max_attempts: 1}}", gateway: String) throws -> ServingResult {
        try ScenarioRunner.run("""
            name: fault-filter
            seed: 37
            duration: 2000s
            workload: {arrivals: {process: poisson, rate: 10/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: deterministic, value: 100ms}}
            client: \(client)
            gateway: \(gateway)
            """).result
    }

    /// A 10 % abort fails a tenth of the user requests, and none of them
    /// reaches a replica. The route's own retries never see it (the filter
    /// is before the router); a client that retries a 503 once fails 1 %.
    @Test func anAbortIsALocalReplyBeforeTheRoute() throws {
        let abort = "abort: {http_status: 503, percentage: 10%}"
        let r = try run(gateway: "{fault: {\(abort)}, retry: {num_retries: 1, retry_on: [5xx]}}")
        let c = try #require(r.clients)
        let n = Double(c.userRequests)
        #expect(n > 19_000)
        #expect(abs(Double(c.failed) / n - 0.1) < tolerance(0.1, n), "failed \(c.failed) of \(n)")
        #expect(c.status503 == c.failed && c.gatewayRetries == 0)
        #expect(abs(Double(r.requests.offered) / n - 0.9) < tolerance(0.9, n), "offered \(r.requests.offered)")
        let retried = try #require(try run(client: "{retry: {max_attempts: 2, retry_on: [503], backoff: {kind: none}}}",
                                           gateway: "{fault: {\(abort)}}").clients)
        let m = Double(retried.userRequests)
        #expect(abs(Double(retried.failed) / m - 0.01) < tolerance(0.01, m), "failed \(retried.failed) of \(m)")
    }

    /// Half the attempts wait 1 s at the gateway: half the user requests take
    /// 1.1 s instead of 0.1 s, a mean of 0.6 s (standard deviation 0.5 s). A
    /// client that gives an attempt 0.5 s loses the delayed ones, which never
    /// reach a replica. A 0.5-s route timeout starts after the delay
    /// (Envoy's router runs after the filter), so it ends none of them.
    @Test func aDelayHoldsTheAttemptBeforeTheRouteAndItsTimer() throws {
        let delay = "{fault: {delay: {fixed_delay: 1s, percentage: 50%}}"
        let c = try #require(try run(gateway: delay + "}").clients)
        let n = Double(c.userRequests)
        #expect(c.failed == 0)
        #expect(abs(c.latencySeconds.mean - 0.6) < 4 * 0.5 / n.squareRoot(), "mean \(c.latencySeconds.mean)")
        #expect(c.latencySeconds.max > 1.09)

        let impatient = try run(client: "{per_try_timeout: 500ms, retry: {max_attempts: 1}}", gateway: delay + "}")
        let i = try #require(impatient.clients)
        let m = Double(i.userRequests)
        #expect(abs(Double(i.failed) / m - 0.5) < tolerance(0.5, m), "failed \(i.failed) of \(m)")
        #expect(i.attemptTimeouts == i.failed)
        #expect(abs(Double(impatient.requests.offered) / m - 0.5) < tolerance(0.5, m), "offered \(impatient.requests.offered)")
        // A client that withdraws what it gave up on has nothing to withdraw:
        // the held attempts never reached a queue.
        let withdrawing = try run(client: "{per_try_timeout: 500ms, retry: {max_attempts: 1}, cancel_on_give_up: queued}",
                                  gateway: delay + "}")
        #expect(withdrawing.clients?.failed == i.failed && withdrawing.requests.cancelled == 0)

        let bounded = try #require(try run(gateway: delay + ", route_timeout: 500ms}").clients)
        #expect(bounded.routeTimeouts == 0 && bounded.failed == 0)
    }

    /// Delay, then abort: behind a 100 % 1-s delay, a 100 % abort fails
    /// every user request with a 500 after the delay. A client that waits
    /// 0.5 s for an attempt times out first and never sees the 500.
    @Test func theAbortFollowsTheDelay() throws {
        let fault = "{fault: {delay: {fixed_delay: 1s, percentage: 100%}, abort: {http_status: 500, percentage: 100%}}}"
        let c = try #require(try run(gateway: fault).clients)
        #expect(c.served == 0 && c.failed > 19_000 && c.attemptTimeouts == 0)
        let impatient = try #require(try run(client: "{per_try_timeout: 500ms, retry: {max_attempts: 1}}", gateway: fault).clients)
        #expect(impatient.served == 0 && impatient.attemptTimeouts == impatient.failed && impatient.failed > 19_000)
    }

    /// The route timeout spans the route's retries from the route's start,
    /// after the fault delay. Every attempt waits 1 s; replicas 0 and 1
    /// answer everything with a 500 at once, which the route retries on the
    /// hosts not tried (`previous_hosts`, two retries, each within Envoy's
    /// 25-ms backoff, under a budget that refuses almost none) until replica 2
    /// serves it 100 ms later: at most 1.15 s after the send, 0.15 s into a
    /// 1.08-s route timeout. Timed from the send, the timeout would end
    /// every retried request.
    @Test func theRouteTimeoutOfARetryStartsAfterTheDelay() throws {
        let r = try ScenarioRunner.run("""
            name: fault-filter-retry
            seed: 41
            duration: 200s
            workload: {arrivals: {process: poisson, rate: 2/s}}
            replicas: {count: 3, batching: {policy: none}, service: {distribution: deterministic, value: 100ms}}
            cluster: {faults: {errors: [{at: 0s, replica: 0, rate: 100%, duration: 300s}, {at: 0s, replica: 1, rate: 100%, duration: 300s}]}}
            client: {retry: {max_attempts: 1}}
            gateway:
              balancer: {policy: round_robin}
              fault: {delay: {fixed_delay: 1s, percentage: 100%}}
              retry: {num_retries: 2, retry_on: [5xx], previous_hosts: true, host_selection_retry_max_attempts: 5, retry_budget: {budget_percent: 100%}}
              route_timeout: 1080ms
            """).result
        let c = try #require(r.clients)
        #expect(c.gatewayRetries > 200)
        // Only what the retry budget refuses fails.
        #expect(c.routeTimeouts == 0 && c.failed == c.gatewayRetryOverflows && c.failed < 10)
    }

    /// The examples of examples/fault-filter load, share one filter, and
    /// differ only in the client their comments name.
    @Test func theFaultFilterExamplesLoad() throws {
        let dir = TestData.root.appendingPathComponent("examples/fault-filter")
        func load(_ name: String) throws -> ServingConfiguration {
            try ScenarioLoader.load(path: dir.appendingPathComponent("\(name).yaml").path)
        }
        let plain = try load("no-retries"), sdk = try load("sdk-retries"), perTry = try load("sdk-retries-per-try")
        #expect(plain.gateway?.fault == GatewayConfiguration.Fault(delay: .init(fixed: 2, share: 0.1), abort: .init(status: 503, share: 0.05)))
        #expect(sdk.gateway?.fault == plain.gateway?.fault && perTry.gateway?.fault == plain.gateway?.fault)
        #expect(plain.client?.retry.maxAttempts == 1 && sdk.client?.retry == RetryPolicy.openAISDK)
        #expect(perTry.client?.retry == sdk.client?.retry && perTry.client?.perTryTimeout == 2.5 && sdk.client?.perTryTimeout == nil)
    }

    @Test func badFiltersAreNamed() {
        func message(_ fault: String) -> String { ClientGatewayTests.gatewayError("{fault: \(fault)}", replicas: 2) }
        #expect(message("{}").contains("gateway.fault"))
        #expect(message("{abort: {http_status: 700, percentage: 5%}}").contains("gateway.fault.abort.http_status"))
        #expect(message("{abort: {http_status: 503}}").contains("gateway.fault.abort.percentage"))
        #expect(message("{abort: {http_status: 503, percentage: 150%}}").contains("gateway.fault.abort.percentage"))
        #expect(message("{delay: {percentage: 5%}}").contains("gateway.fault.delay.fixed_delay"))
        #expect(message("{delay: {fixed_delay: 1s, percentage: 5%}, typo: 1}").contains("gateway.fault.typo"))
        #expect(message("{delay: {fixed_delay: 1s, percentage: 5%}}") == "")
    }
}
