import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// Envoy's `previous_hosts` retry host predicate at the gateway, from
/// scenario text.
@Suite struct PreviousHostsTests {
    /// Four fast replicas behind Envoy's `random` balancer, one of them cut
    /// off from the gateway for the whole run (a connect failure, 502, which
    /// the route retries once). A first try picks it with probability ¼; its
    /// retry fails too if it lands there again: with probability ¼ without
    /// the predicate, and only if all 1 + k picks land there, (¼)^(1+k), with
    /// it and `host_selection_retry_max_attempts: k`. A user request fails
    /// with probability ¼ · ¼ = 1/16 without it, ¼ · (¼)^(1+k) with it.
    /// Picks are independent uniform draws, so failures are binomial: about
    /// 20,000 user requests, tolerance 4 standard errors of each share.
    func failedShare(_ retry: String) throws -> (failed: Double, retried: Double, n: Double) {
        let c = try ScenarioRunner.run("""
            name: previous-hosts
            seed: 13
            duration: 2000s
            workload: {arrivals: {process: poisson, rate: 10/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 10ms}}
            cluster: {faults: {partitions: [{at: 0s, replica: 0, duration: 3000s}]}}
            client: {retry: {max_attempts: 1}}
            gateway: {balancer: {policy: random}, retry: {num_retries: 1, retry_on: [connect-failure]\(retry)}}
            """).result.clients!
        let n = Double(c.userRequests)
        return (Double(c.failed) / n, Double(c.gatewayRetries) / n, n)
    }

    @Test func retriesAvoidTheHostsTheirAttemptTried() throws {
        func tolerance(_ p: Double, _ n: Double) -> Double { 4 * (p * (1 - p) / n).squareRoot() }
        let plain = try failedShare("")
        #expect(plain.n > 19_000)
        #expect(abs(plain.retried - 0.25) < tolerance(0.25, plain.n), "retried \(plain.retried)")
        #expect(abs(plain.failed - 1.0 / 16) < tolerance(1.0 / 16, plain.n), "failed \(plain.failed)")
        let once = try failedShare(", previous_hosts: true")
        #expect(abs(once.failed - 1.0 / 64) < tolerance(1.0 / 64, once.n), "failed \(once.failed)")
        let thrice = try failedShare(", previous_hosts: true, host_selection_retry_max_attempts: 3")
        #expect(abs(thrice.failed - 1.0 / 1024) < tolerance(1.0 / 1024, thrice.n), "failed \(thrice.failed)")
        // Without re-picks the predicate changes nothing.
        let none = try failedShare(", previous_hosts: true, host_selection_retry_max_attempts: 0")
        #expect(abs(none.failed - 1.0 / 16) < tolerance(1.0 / 16, none.n), "failed \(none.failed)")
    }

    /// Two replicas behind `least_request`, one cut off, at 1 req/s of 1-ms
    /// requests: both hosts have no active request at almost every pick
    /// (load 0.001), so P2C's first draw wins and each pick is a fair coin.
    /// A first try fails over with probability ½ and its retry, re-picked
    /// once, fails with ¼: 1/8 of the user requests fail. A rejected pick
    /// must leave no active request behind; if it did, the cut-off host
    /// would look busy from then on, P2C would pick it only when both draws
    /// land there (¼), and 1/64 would fail.
    @Test func aRejectedPickLeavesNoActiveRequestBehind() throws {
        let c = try ScenarioRunner.run("""
            name: previous-hosts-p2c
            seed: 17
            duration: 20000s
            workload: {arrivals: {process: poisson, rate: 1/s}}
            replicas: {count: 2, batching: {policy: none}, service: {distribution: exponential, mean: 1ms}}
            cluster: {faults: {partitions: [{at: 0s, replica: 0, duration: 30000s}]}}
            client: {retry: {max_attempts: 1}}
            gateway: {balancer: {policy: least_request}, retry: {num_retries: 1, retry_on: [connect-failure], previous_hosts: true}}
            """).result.clients!
        let n = Double(c.userRequests)
        func tolerance(_ p: Double) -> Double { 4 * (p * (1 - p) / n).squareRoot() }
        #expect(n > 19_000)
        #expect(abs(Double(c.gatewayRetries) / n - 0.5) < tolerance(0.5), "retried \(c.gatewayRetries)")
        #expect(abs(Double(c.failed) / n - 1.0 / 8) < tolerance(1.0 / 8), "failed \(c.failed)")
    }

    @Test func thePredicateNeedsAnEnvoyBalancer() {
        func message(_ gateway: String) -> String { ClientGatewayTests.gatewayError(gateway, replicas: 2) }
        #expect(message("{balancer: {policy: least_connections}, retry: {previous_hosts: true}}").contains("gateway.retry.previous_hosts"))
        #expect(message("{retry: {previous_hosts: true}}").contains("gateway.retry.previous_hosts"))  // the shared queue
        #expect(message("{balancer: {policy: random}, retry: {host_selection_retry_max_attempts: 101}}")
            .contains("gateway.retry.host_selection_retry_max_attempts"))
        #expect(message("{balancer: {policy: random}, retry: {previous_hosts: true, host_selection_retry_max_attempts: 3}}") == "")
    }
}
