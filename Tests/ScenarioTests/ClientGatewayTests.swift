import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// The `client:` and `gateway:` sections as the loader reads them: the
/// balancers' defaults, and settings refused together. Their behaviour in
/// whole runs is tested in ServingModelTests/Client/ClientGatewayTests.
@Suite struct ClientGatewayTests {
    /// A weighted balancer without weights gives every replica slot the
    /// proxy's default: nginx's peer (weight 1, max_fails 1, fail_timeout
    /// 10 s), Envoy's weight 1.
    @Test func weightedBalancersDefaultToEqualWeights() throws {
        func balancer(_ policy: String) throws -> GatewayConfiguration.Balancer? {
            try ScenarioLoader.parse(text: TestScenarios.crash(gateway: "{balancer: {policy: \(policy)}}"), file: "b.yaml").gateway?.balancer
        }
        let peers = Array(repeating: UpstreamPeer(weight: 1, maxFails: 1, failTimeout: 10), count: 4)
        #expect(try balancer("weighted_round_robin") == .weightedRoundRobin(peers))
        #expect(try balancer("least_connections") == .leastConnections(peers))
        #expect(try balancer("least_request") == .leastRequest(weights: [1, 1, 1, 1], choiceCount: 2, activeRequestBias: 1))
        #expect(try balancer("maglev") == .maglev(tableSize: 65_537, weights: nil))
        #expect(try balancer("maglev, weights: [3, 1, 1, 1]") == .maglev(tableSize: 65_537, weights: [3, 1, 1, 1]))
    }

    /// Settings that make no sense together are refused with the key.
    @Test func invalidCombinationsArePreciseErrors() {
        func issues(_ extra: String) -> [String] {
            let yaml = """
                name: bad
                duration: 1m
                workload: {arrivals: {process: poisson, rate: 1/s}}
                replicas: {count: 3, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
                \(extra)
                """
            do {
                _ = try ScenarioLoader.parse(text: yaml, file: "bad.yaml")
                return []
            } catch let e as ScenarioError {
                return e.issues.map(\.description)
            } catch {
                return ["\(error)"]
            }
        }
        let budget = issues("client: {retry_budget: {budget_percent: 20%}}")
        #expect(budget.contains { $0.contains("client.retry_budget") && $0.contains("retries") }, "\(budget)")
        let weights = issues("gateway: {balancer: {policy: weighted_round_robin, servers: [{weight: 3}, {weight: 2}]}}")
        #expect(weights.contains { $0.contains("gateway.balancer.servers") && $0.contains("3") }, "\(weights)")
        let hedge = issues("client: {hedge_delay: 1s}")
        #expect(hedge.contains { $0.contains("client.hedge_delay") }, "\(hedge)")
        let tries = issues("client: {per_try_timeout: 20s, timeout: 10s}")
        #expect(tries.contains { $0.contains("client.per_try_timeout") }, "\(tries)")
        let unknown = issues("client: {retries: 3}")
        #expect(unknown.contains { $0.contains("client.retries") && $0.contains("unknown key") }, "\(unknown)")
        let noQuota = issues("gateway: {rate_limits: [{scope: global, burst: 5s}]}")
        #expect(noQuota.contains { $0.contains("rate_limits[0]") && $0.contains("output_tokens_per_minute") }, "\(noQuota)")
        let maxTokens = issues("client: {max_tokens: 0}")
        #expect(maxTokens.contains { $0.contains("client.max_tokens") }, "\(maxTokens)")
        let prefix = issues("gateway: {balancer: {policy: prefix_affinity}}")
        #expect(prefix.contains { $0.contains("Mooncake") }, "\(prefix)")
    }
}
