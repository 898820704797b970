import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// The gateway's route timeout (Envoy's route `timeout`), from scenario text.
@Suite struct RouteTimeoutTests {
    /// One M/M/1 replica (λ = 5/s, μ = 10/s) behind a 200 ms route
    /// timeout. The replica serves what the gateway gave up on (the default
    /// `cancel_on_give_up: false`), so sojourns keep their M/M/1 law and a
    /// share P(T > 0.2 s) = e^{−(μ−λ)·0.2} = e^{−1} of the attempts times
    /// out. About 10,000 attempts: a binomial standard error of 0.0048,
    /// widened about √3 by the correlation of successive sojourns at ρ = ½
    /// ((1+ρ)/(1−ρ) for the mean wait); the tolerance is 3.5 of those, 0.03.
    @Test func theShareTimedOutIsTheSojournTail() throws {
        let yaml = """
            name: route-timeout
            seed: 7
            duration: 2000s
            workload: {arrivals: {process: poisson, rate: 5/s}}
            replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}, dispatch: round_robin}
            client: {retry: {max_attempts: 1}}
            gateway: {route_timeout: 200ms}
            """
        let c = try ScenarioRunner.run(yaml).result.clients!
        let share = Double(c.routeTimeouts) / Double(c.attempts)
        #expect(c.attempts > 9000)
        #expect(abs(share - exp(-1)) < 0.03, "timed out \(share)")
        #expect(c.status503 + c.connectionErrors == c.routeTimeouts)
    }

    /// Two Llama-2-7B replicas (32 sequences each) overloaded by 12 req/s
    /// of 1,000 + 300 tokens for three minutes, behind a 15-s route timeout
    /// (Envoy's default). Left to finish what Envoy resets, the replicas
    /// queue: attempts still waiting at 15 s get a 504, those already
    /// streaming tokens have their stream reset, and the replicas finish
    /// answers nobody waits for. With the engine aborting what Envoy resets
    /// (`running`), each timeout cancels its request and nothing is wasted.
    @Test func queuedAttemptsGet504AndStreamingOnesAreReset() throws {
        func run(_ cancel: String) throws -> ServingResult {
            try ScenarioRunner.run("""
                name: route-timeout-7b
                seed: 3
                duration: 6m
                workload:
                  arrivals: {process: curve, points: [[0, 12/s], [3m, 0.001/s]]}
                  sizes: {prompt: 1000, output: 300}
                replicas:
                  count: 2
                  hardware: \(ClientGatewayTests.profile7B)
                  batching: {policy: continuous, max_num_seqs: 32, max_num_batched_tokens: 4096, chunked_prefill: true}
                client: {retry: {max_attempts: 1}, cancel_on_give_up: \(cancel)}
                gateway: {route_timeout: 15s}
                """).result
        }
        let kept = try run("false"), aborted = try run("running")
        let k = kept.clients!
        #expect(k.status503 > 100 && k.connectionErrors > 100, "\(k.status503) × 504, \(k.connectionErrors) resets")
        #expect(k.status503 + k.connectionErrors == k.routeTimeouts)
        #expect(k.wastedCompletions > 100 && kept.requests.cancelled == 0)
        let a = aborted.clients!
        #expect(a.routeTimeouts > 1000 && aborted.requests.cancelled == a.routeTimeouts && a.wastedCompletions == 0)
        let r = aborted.requests
        #expect(r.offered == r.completed + r.rejected + r.timedOut + r.failed + r.cancelled + r.unfinished && r.unfinished == 0)
    }

    @Test func aRouteTimeoutMustBePositive() {
        let bad = #expect(throws: (any Error).self) {
            _ = try ScenarioLoader.parse(text: """
                name: bad
                duration: 1m
                workload: {arrivals: {process: poisson, rate: 1/s}}
                replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
                gateway: {route_timeout: 0s}
                """, file: "bad.yaml")
        }
        #expect("\(bad!)".contains("gateway.route_timeout"))
    }
}
