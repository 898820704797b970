import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// `cluster.faults.errors`: a replica that answers a share of its requests
/// with an error, from scenario text. Every failure here is a Bernoulli
/// draw per request, so shares are binomial; each tolerance is 4 standard
/// errors of the share.
@Suite struct InjectedErrorTests {
    func tolerance(_ p: Double, _ n: Double) -> Double { 4 * (p * (1 - p) / n).squareRoot() }

    func scenario(faults: String, gateway: String? = nil) -> String {
        """
        name: injected-errors
        seed: 29
        duration: 2000s
        workload: {arrivals: {process: poisson, rate: 10/s}}
        replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 10ms}}
        cluster: {faults: {errors: [\(faults)]}}
        """ + (gateway.map { "\nclient: {retry: {max_attempts: 1}}\ngateway: \($0)" } ?? "")
    }

    /// Round robin gives replica 0 a quarter of the requests; half of those
    /// that arrive in its window (1000 s of the 2000) fail: 1/16 of all.
    @Test func aWindowFailsItsShareOfTheReplicasRequests() throws {
        let r = try ScenarioRunner.run(scenario(faults: "{at: 500s, replica: 0, rate: 50%, duration: 1000s}")).result
        let n = Double(r.requests.offered)
        #expect(n > 19_000)
        let failed = Double(r.requests.failed) / n
        #expect(abs(failed - 1.0 / 16) < tolerance(1.0 / 16, n), "failed \(failed)")
        #expect(r.requests.completed + r.requests.failed + r.requests.unfinished == r.requests.offered)
    }

    /// The gateway sees an injected 500 as any upstream 5xx. Behind
    /// `random`, a first try fails with probability ¼ · ½ = 1/8, and its one
    /// retry (`retry_on: [5xx]`) fails again with 1/8: 1/64 of the user
    /// requests fail, against 1/8 without the retry.
    @Test func theGatewayRetriesInjectedErrors() throws {
        let faults = "{at: 0s, replica: 0, rate: 50%, duration: 3000s}"
        let plain = try ScenarioRunner.run(scenario(faults: faults, gateway: "{balancer: {policy: random}}")).result.clients!
        let retried = try ScenarioRunner.run(scenario(faults: faults, gateway: """
            {balancer: {policy: random}, retry: {num_retries: 1, retry_on: [5xx]}}
            """)).result.clients!
        let n0 = Double(plain.userRequests), n1 = Double(retried.userRequests)
        #expect(abs(Double(plain.failed) / n0 - 1.0 / 8) < tolerance(1.0 / 8, n0), "failed \(plain.failed) of \(n0)")
        #expect(abs(Double(retried.gatewayRetries) / n1 - 1.0 / 8) < tolerance(1.0 / 8, n1), "retried \(retried.gatewayRetries)")
        #expect(abs(Double(retried.failed) / n1 - 1.0 / 64) < tolerance(1.0 / 64, n1), "failed \(retried.failed) of \(n1)")
        // The status is the window's: `gateway-error` retries 502/503/504, not a 500.
        let gatewayErrorsOnly = try ScenarioRunner.run(scenario(faults: faults, gateway: """
            {balancer: {policy: random}, retry: {num_retries: 1, retry_on: [gateway-error]}}
            """)).result.clients!
        #expect(gatewayErrorsOnly.gatewayRetries == 0)
        #expect(gatewayErrorsOnly.failed == plain.failed)
    }

    /// A replica failing every request is ejected after five 5xx in a row
    /// (`consecutive_5xx`) for at least `base_ejection_time` (30 s), then
    /// fails five more when it returns. The k-th ejection starts at least
    /// (k − 1) · 30 s in, so there are at most 1 + 2000 / 30 of them, and at
    /// most 4 failures follow the last: at most 5 · (1 + 2000 / 30) + 4 user
    /// requests fail, against a quarter (about 5,000) without ejection.
    @Test func outlierDetectionEjectsAFailingReplica() throws {
        let faults = "{at: 0s, replica: 0, rate: 100%, status: 503, duration: 3000s}"
        let plain = try ScenarioRunner.run(scenario(faults: faults, gateway: "{balancer: {policy: random}}")).result.clients!
        let n = Double(plain.userRequests)
        #expect(abs(Double(plain.failed) / n - 0.25) < tolerance(0.25, n), "failed \(plain.failed) of \(n)")
        let ejecting = try ScenarioRunner.run(scenario(faults: faults, gateway: """
            {balancer: {policy: random}, outlier_detection: {consecutive_5xx: 5, max_ejection_percent: 50%}}
            """)).result.clients!
        #expect(ejecting.failed >= 5)
        let bound = 5 * (1 + 2000.0 / 30) + 4
        #expect(Double(ejecting.failed) <= bound, "failed \(ejecting.failed)")
    }

    /// With a shared queue, a replica that fails everything always has room.
    /// At 20 req/s (the others mostly idle) arrivals take the replicas in
    /// turn and it fails a quarter; at 200 req/s (the three others busy
    /// about half the time) it takes the arrivals that find them busy, and
    /// fails more.
    @Test func withASharedQueueAFailingReplicaIsABlackHole() throws {
        func failedShare(_ rate: Int) throws -> (share: Double, n: Double) {
            let r = try ScenarioRunner.run("""
                name: black-hole
                seed: 5
                duration: 600s
                workload: {arrivals: {process: poisson, rate: \(rate)/s}}
                replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 10ms}, dispatch: shared_queue}
                cluster: {faults: {errors: [{at: 0s, replica: 0, rate: 100%, duration: 3000s}]}}
                """).result.requests
            return (Double(r.failed) / Double(r.offered), Double(r.offered))
        }
        let quiet = try failedShare(20), busy = try failedShare(200)
        #expect(abs(quiet.share - 0.25) < tolerance(0.25, quiet.n), "failed \(quiet.share)")
        #expect(busy.share > 0.25 + tolerance(0.25, busy.n), "failed \(busy.share)")
    }

    /// The examples of examples/bad-canary load, share one error window, and
    /// differ only in the defence their comments name.
    @Test func theBadCanaryExamplesLoad() throws {
        let dir = TestData.root.appendingPathComponent("examples/bad-canary")
        func load(_ name: String) throws -> ServingConfiguration {
            try ScenarioLoader.load(path: dir.appendingPathComponent("\(name).yaml").path)
        }
        let none = try load("none")
        #expect(none.replicas.dynamics?.faults?.errors == [ErrorInjection(at: 300, replica: 7, rate: 0.3, status: 500, duration: 600)])
        #expect(none.gateway?.retry == nil && none.gateway?.outlierDetection == nil && none.client?.retry.maxAttempts == 1)
        for name in ["client-retries", "gateway-retry", "gateway-retry-budget", "consecutive-5xx", "success-rate"] {
            #expect(try load(name).replicas.dynamics?.faults == none.replicas.dynamics?.faults, "\(name)")
        }
        #expect(try load("client-retries").client?.retry.maxAttempts == 3)
        let retry = try load("gateway-retry").gateway!.retry!, budget = try load("gateway-retry-budget").gateway!.retry!
        #expect(retry.previousHosts && retry.breaker == RetryBudget(budgetPercent: 0, minRetryConcurrency: 3))
        #expect(budget.breaker == RetryBudget(budgetPercent: 20, minRetryConcurrency: 3))
        let consecutive = try #require(try load("consecutive-5xx").gateway?.outlierDetection)
        let defaults = try #require(try load("success-rate").gateway?.outlierDetection)
        #expect(consecutive.consecutive5xx == 5 && defaults.consecutive5xx == 5)
        #expect(consecutive.successRate == nil && defaults.successRate == OutlierDetector.SuccessRate())
    }

    @Test func badWindowsAreNamed() {
        func message(_ faults: String) -> String {
            do {
                _ = try ScenarioLoader.parse(text: scenario(faults: faults), file: "bad.yaml")
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(message("{at: 0s, replica: 0, rate: 0%, duration: 1m}").contains("cluster.faults.errors[0].rate"))
        #expect(message("{at: 0s, replica: 0, rate: 120%, duration: 1m}").contains("cluster.faults.errors[0].rate"))
        #expect(message("{at: 0s, replica: 0, rate: 5%, status: 200, duration: 1m}").contains("cluster.faults.errors[0].status"))
        #expect(message("{at: 0s, replica: 4, rate: 5%, duration: 1m}").contains("cluster.faults.errors[0].replica"))
        #expect(message("{at: 0s, replica: 0, rate: 5%}").contains("cluster.faults.errors[0].duration"))
        #expect(message("{at: 0s, replica: 0, rate: 5%, duration: 2m}, {at: 1m, replica: 0, rate: 5%, duration: 1m}")
            .contains("cluster.faults.errors[1]: overlaps"))
        #expect(message("{at: 0s, replica: 0, rate: 5%, duration: 2m}, {at: 2m, replica: 0, rate: 5%, duration: 1m}") == "")
        #expect(message("{at: 0s, replica: 0, rate: 5%, duration: 2m}, {at: 1m, replica: 1, rate: 5%, duration: 1m}") == "")
    }
}
