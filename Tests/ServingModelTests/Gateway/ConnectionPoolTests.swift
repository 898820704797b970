import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// The gateway's HTTP/1.1 connection pools (`max_connections`,
/// `max_pending_requests`) in whole runs, from scenario text.
@Suite struct ConnectionPoolTests {
    /// A pooled scenario; `curve` (`[start, rate]` steps of a piecewise-constant rate)
    /// replaces the Poisson `rate`.
    static func scenario(replicas: Int = 4, rate: String = "", curve: String? = nil, duration: String = "10m", gateway: String,
                         client: String = "{}", extra: String = "") -> String {
        """
        name: pools
        seed: 5
        duration: \(duration)
        workload: {arrivals: \(curve.map { "{process: curve, points: \($0)}" } ?? "{process: poisson, rate: \(rate)}")}
        replicas: {count: \(replicas), batching: {policy: none}, service: {distribution: exponential, mean: 100ms}, dispatch: round_robin}
        client: \(client)
        gateway: \(gateway)
        \(extra)
        """
    }

    /// One connection per host (`max_connections` = hosts) in front of
    /// replicas that serve one request at a time: the queue moves from each
    /// replica to its host's pending list, first come first served in both,
    /// so every request starts and ends at the same instant.
    @Test func onePerHostMovesTheQueueToTheGatewayAndChangesNoLatency() throws {
        let plain = try ScenarioRunner.run(Self.scenario(rate: "32/s", gateway: "{balancer: {policy: round_robin}}")).result
        let pooled = try ScenarioRunner.run(Self.scenario(
            rate: "32/s", gateway: "{balancer: {policy: round_robin}, max_connections: 4, max_pending_requests: 100000}")).result
        #expect(pooled.clients!.pendingWaits > 1000, "\(pooled.clients!.pendingWaits) waits")
        #expect(pooled.clients!.pendingOverflows == 0 && plain.clients!.pendingWaits == 0)
        #expect(pooled.requests.completed == plain.requests.completed)
        for (a, b) in [(pooled.latencySeconds.e2e, plain.latencySeconds.e2e), (pooled.latencySeconds.queueWait, plain.latencySeconds.queueWait)] {
            #expect(abs(a.mean - b.mean) <= 1e-9 * b.mean && a.p99 == b.p99, "\(a.mean) vs \(b.mean), \(a.p99) vs \(b.p99)")
        }
    }

    /// `max_pending_requests: 0` and one connection to one replica make an
    /// Erlang loss system M/M/1/1: a share ρ/(1+ρ) of attempts finds the
    /// connection busy and is refused. With ρ = 0.5 that is 1/3. About
    /// 10,000 attempts give a binomial standard error of 0.0047; consecutive
    /// arrivals' states are correlated by e^{−(λ+μ)/λ} = e^{−3} ≈ 0.05, which
    /// widens it by about 5%. The tolerance is four of those, 0.02.
    @Test func noPendingRoomIsAnErlangLossSystem() throws {
        let r = try ScenarioRunner.run(Self.scenario(
            replicas: 1, rate: "5/s", duration: "2000s", gateway: "{max_connections: 1, max_pending_requests: 0}",
            client: "{retry: {max_attempts: 1}}")).result.clients!
        let blocked = Double(r.pendingOverflows) / Double(r.attempts)
        #expect(r.attempts > 9000 && r.pendingWaits == 0)
        #expect(abs(blocked - 1.0 / 3) < 0.02, "blocking \(blocked)")
        #expect(r.status503 == r.pendingOverflows)
    }

    /// Overload (ρ = 1.5) with one connection and a long pending list:
    /// attempts wait at the gateway until their client gives up after 1 s.
    /// Envoy cancels its own pending request when the client goes, so
    /// whether the replica would notice a closed connection
    /// (`cancel_on_give_up`) changes nothing: in both runs the withdrawn
    /// attempts never reach the replica, which works flat out (about 3,000
    /// completions in 300 s, ±4 Poisson standard errors) for the attempts
    /// still waited for. Only those whose client gave up during their
    /// service are wasted.
    @Test func aClientThatGivesUpLeavesThePendingList() throws {
        func run(_ cancel: String) throws -> ServingResult {
            try ScenarioRunner.run(Self.scenario(
                replicas: 1, rate: "15/s", duration: "5m", gateway: "{max_connections: 1, max_pending_requests: 100000}",
                client: "{per_try_timeout: 1s, retry: {max_attempts: 1}, cancel_on_give_up: \(cancel)}")).result
        }
        let kept = try run("false"), withdrawn = try run("queued")
        for r in [kept, withdrawn] {
            #expect(abs(Double(r.requests.completed) - 3000) < 4 * 3000.0.squareRoot(), "\(r.requests.completed) completions")
            #expect(r.requests.cancelled > 1000, "\(r.requests.cancelled) withdrawn")
            #expect(r.clients!.served > r.clients!.wastedCompletions,
                    "\(r.clients!.served) served, \(r.clients!.wastedCompletions) wasted")
        }
        // The replica holds one attempt at a time: nothing else differs.
        #expect(kept.clients!.served == withdrawn.clients!.served && kept.requests.cancelled == withdrawn.requests.cancelled)
    }

    /// Overload (50 req/s on 40 req/s of replicas) builds pending lists of
    /// about (50 − 40)/4 × 65 ≈ 160 requests per host by the crash of
    /// replica 2 at 65 s: they fail at once (503, Envoy's connect failure),
    /// its running request is a connection error, and its connections are
    /// gone. At 90 s the load falls to 20 req/s; back at 135 s, the replica
    /// gets new connections, and the last two minutes are served in full.
    @Test func aCrashedHostFailsItsPendingRequestsAndComesBack() throws {
        let yaml = Self.scenario(
            curve: "[[0, 50/s], [90s, 20/s]]", duration: "5m", gateway: "{balancer: {policy: round_robin}, max_connections: 4, max_pending_requests: 100000}",
            client: "{retry: {max_attempts: 1}}",
            extra: "cluster: {cold_start: 10s, faults: {scheduled: [{at: 65s, replica: 2, down_for: 60s}]}}")
        let (result, metrics) = try ScenarioRunner.run(yaml)
        let c = result.clients!
        let failedPending = c.status503 - c.pendingOverflows
        #expect(c.pendingOverflows == 0)
        #expect(failedPending > 80 && failedPending < 320, "\(failedPending) pending requests failed")
        #expect(c.connectionErrors == 1)
        let r = result.requests
        #expect(r.completed + r.rejected + r.failed + r.timedOut + r.cancelled + r.unfinished == r.offered)
        #expect(ClientGatewayTests.availability(metrics, from: 180, to: 290) > 0.99)
    }

    /// Envoy drains a removed host's pool, so its connections stop counting
    /// against `max_connections`. Four replicas at 30 req/s (ρ = 0.75) open
    /// the breaker's 8 connections, two a host; at 30 s a schedule takes two
    /// away and the load falls to 6 req/s, 3 req/s a host (ρ = 0.3). A
    /// request holds its connection while it queues at its replica, which
    /// serves one at a time, and there is no pending room: each host is an
    /// M/M/1/K queue, K its connections. With the drained hosts' connections
    /// released the two left may open four each, losing ρ⁴(1−ρ)/(1−ρ⁵) =
    /// 0.57% for Poisson arrivals (round robin spreads them more evenly,
    /// which loses fewer); had the removed hosts kept theirs, K would stay 2
    /// and the loss 6.5%. Over the last 28 minutes (about 10,000 attempts, a
    /// binomial standard error of 0.08% at 0.57%) availability must exceed
    /// 98%: 18 standard errors below the one, 4.5 points above the other.
    /// The premise, that the first 30 s filled the breaker: 900 attempts at
    /// two connections a host lose ρ²(1−ρ)/(1−ρ³) = 24% (about 200, fewer
    /// for round robin), while the 6 req/s phase can lose at most about 57
    /// (0.57% of 10,000); more than 100 overflows means the breaker bit.
    @Test func aRemovedHostsConnectionsAreReleased() throws {
        let yaml = Self.scenario(
            curve: "[[0, 30/s], [30s, 6/s]]", duration: "30m", gateway: "{balancer: {policy: round_robin}, max_connections: 8, max_pending_requests: 0}",
            client: "{retry: {max_attempts: 1}}",
            extra: "cluster: {min_replicas: 1, max_replicas: 4, autoscaler: {kind: schedule, steps: [[0s, 4], [30s, 2]]}}")
        let (result, metrics) = try ScenarioRunner.run(yaml)
        #expect(result.clients!.pendingOverflows > 100, "\(result.clients!.pendingOverflows) overflows")
        let availability = ClientGatewayTests.availability(metrics, from: 120, to: 1790)
        #expect(availability > 0.98, "availability \(availability) after the scale-down")
    }

    /// Four replicas of 100 ms (exponential) at 60 req/s for a minute, then
    /// 5 req/s, and at 60 s a scale-down to two (a schedule): a drain while
    /// the replicas' queues are long.
    static func drainScenario(gateway: String) -> String {
        """
        name: drain
        seed: 8
        duration: 6m
        workload: {arrivals: {process: curve, points: [[0, 60/s], [1m, 5/s]]}}
        replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
        cluster: {min_replicas: 2, max_replicas: 4, autoscaler: {kind: schedule, steps: [[0s, 4], [60s, 2]]}}
        client: {retry: {max_attempts: 1}}
        gateway: \(gateway)
        """
    }

    /// Four replicas (100 ms exponential) overloaded at 60 req/s for a
    /// minute behind 20 connections, so each replica's queue holds requests
    /// on their connections; at 60 s two replicas drain and send their
    /// queued requests back through the gateway. Each gives back its
    /// connection to the draining host first (before, it kept it, and the
    /// pool's books no longer balanced when the host stopped). Only a full
    /// pending list refuses anything (503), and once arrivals fall to
    /// 5 req/s, under the two replicas' 20 req/s, it only shrinks: from
    /// 2 minutes on every request is served.
    @Test func aDrainingHostsQueuedRequestsGiveBackTheirConnections() throws {
        let (result, metrics) = try ScenarioRunner.run(Self.drainScenario(gateway: "{balancer: {policy: round_robin}, max_connections: 20}"))
        let c = result.clients!
        #expect(c.pendingWaits > 1000 && c.failed == c.pendingOverflows)
        #expect(ClientGatewayTests.availability(metrics, from: 120, to: 360) == 1)
    }

    /// The examples load as written: Envoy's defaults spelled out, and a
    /// `least_request` balancer without weights (equal weights, P2C).
    @Test func theExamplesLoad() throws {
        let dir = TestData.root.appendingPathComponent("examples/connection-pool")
        let defaults = try ScenarioLoader.load(path: dir.appendingPathComponent("envoy-defaults.yaml").path)
        #expect(defaults.gateway?.maxConnections == 1024 && defaults.gateway?.maxPendingRequests == 1024)
        #expect(defaults.gateway?.balancer == .leastRequest(weights: Array(repeating: 1, count: 80), choiceCount: 2, activeRequestBias: 1))
        let raised = try ScenarioLoader.load(path: dir.appendingPathComponent("raised-limits.yaml").path)
        #expect(raised.gateway?.maxConnections == 4096 && raised.gateway?.maxPendingRequests == nil)
    }

    @Test func badSettingsNameTheirKey() {
        func message(_ gateway: String, dispatch: String = "round_robin") -> String {
            let yaml = Self.scenario(rate: "1/s", gateway: gateway).replacingOccurrences(of: "dispatch: round_robin", with: "dispatch: \(dispatch)")
            do {
                _ = try ScenarioLoader.parse(text: yaml, file: "bad.yaml")
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(message("{max_connections: 0}").contains("gateway.max_connections"))
        #expect(message("{max_pending_requests: -1}").contains("gateway.max_pending_requests"))
        let queue = message("{max_connections: 8}", dispatch: "shared_queue")
        #expect(queue.contains("gateway.max_connections") && queue.contains("round_robin"), "\(queue)")
    }

    /// The prefix match is the pick's, even when the request then waits for
    /// a connection. One Llama-2-7B replica with one connection, behind
    /// prefix affinity, replays three 3,584-token prompts (7 blocks of 512,
    /// within the 4,096-token context with their answers):
    /// X at 0 s holds the connection for its 200-token answer; A at 0.1 s
    /// repeats X's blocks, so its pick matches all 7 and it may skip 3,583
    /// tokens of prefill; B at 0.2 s shares none. A and B wait for X's
    /// connection, and B is picked while A waits. Once scheduled, A's first
    /// token takes one 1-token prefill step and B's a whole 3,584-token
    /// prefill; had A read the last pick's match (B's, none), the two would
    /// take the same time.
    @Test func aRequestWaitingForAConnectionKeepsItsOwnPrefixMatch() throws {
        let trace = try TestData.write("""
            {"timestamp": 0, "input_length": 3584, "output_length": 200, "hash_ids": [100, 101, 102, 103, 104, 105, 106]}
            {"timestamp": 100, "input_length": 3584, "output_length": 10, "hash_ids": [100, 101, 102, 103, 104, 105, 106]}
            {"timestamp": 200, "input_length": 3584, "output_length": 10, "hash_ids": [200, 201, 202, 203, 204, 205, 206]}

            """, name: "prefix-wait.jsonl")
        var config = try ScenarioLoader.parse(text: """
            name: prefix-wait
            duration: 1m
            workload: {arrivals: {process: trace, trace: \(trace)}}
            replicas:
              count: 1
              hardware: \(ClientGatewayTests.profile7B)
              batching: {policy: continuous, max_num_seqs: 8, max_num_batched_tokens: 8192, chunked_prefill: true}
            gateway: {balancer: {policy: prefix_affinity}, max_connections: 1}
            """, file: "/tmp/prefix-wait.yaml")
        config.recordRequests = true
        let (result, metrics) = try ServingRun(configuration: config).execute()
        #expect(result.clients!.pendingWaits == 2 && result.clients!.served == 3)
        let byArrival = metrics.completions.sorted { $0.arrival < $1.arrival }
        let (x, a, b) = (byArrival[0], byArrival[1], byArrival[2])
        // Both waited for X's connection.
        #expect(a.queueWait > x.e2e - a.arrival - 1e-9 && b.queueWait > x.e2e - b.arrival - 1e-9)
        let prefillA = a.ttft - a.queueWait, prefillB = b.ttft - b.queueWait
        #expect(prefillA < 0.2 * prefillB, "A \(prefillA) s, B \(prefillB) s")
    }
}
