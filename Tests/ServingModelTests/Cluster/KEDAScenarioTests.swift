import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// `autoscaler: {kind: keda}`: an HPA between one replica and the maximum,
/// KEDA to and from zero.
@Suite struct KEDAScenarioTests {
    static func scenario(_ kind: String, min: Int) -> String {
        """
        name: keda
        seed: 4
        duration: 45m
        workload: {arrivals: {process: curve, points: [[0, 4/s], [10m, 0/s], [30m, 4/s]]}}
        replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 200ms}, dispatch: shared_queue}
        cluster:
          min_replicas: \(min)
          max_replicas: 10
          cold_start: 60s
          autoscaler: {kind: \(kind), metric: utilization, target: 50%}
        output: {interval: 30s}
        """
    }

    /// Traffic stops at 10 min: the last active poll is at 10 min, so the
    /// replicas go at 10 + 5 = 15 min (cooldown 300 s). It resumes at 30 min:
    /// the poll at 30.5 min starts one replica, ready a minute later, and
    /// the requests that came meanwhile wait in the gateway queue instead of
    /// failing. No GPU time accrues while at zero, and the run costs fewer
    /// GPU-hours than the same HPA keeping one replica. Samples that fall on
    /// a poll or a ready time are skipped (which event comes first at a tie
    /// is arbitrary).
    @Test func scalesToZeroAfterTheCooldownAndBackOnActivity() throws {
        let (r, m) = try ScenarioRunner.run(Self.scenario("keda", min: 0))
        let desired = m.series.desired   // sample k at (k + 1) × 30 s
        #expect(desired[28] > 0, "870 s")
        #expect(desired[30...58].allSatisfy { $0 == 0 }, "\(desired[30...58])")
        #expect(desired[59] == 0, "1,800 s")
        #expect(desired[61] == 1 && m.series.starting[61] == 1, "1,860 s")
        #expect(m.series.ready[63] >= 1, "1,920 s")
        #expect(r.requests.rejected == 0 && r.requests.unfinished < 5)
        let (kept, _) = try ScenarioRunner.run(Self.scenario("hpa", min: 1))
        #expect(m.series.gpuHours[30] == m.series.gpuHours[59], "\(m.series.gpuHours[30...59])")
        #expect(r.cluster.gpuHours < kept.cluster.gpuHours, "\(r.cluster.gpuHours) vs \(kept.cluster.gpuHours)")
        // The price: requests arriving at zero wait for the cold start.
        #expect(r.latencySeconds.e2e.max > 60)
    }

    @Test func needsMinReplicasZero() {
        let e = #expect(throws: ScenarioError.self) { _ = try ScenarioRunner.run(Self.scenario("keda", min: 1)) }
        #expect(e?.issues.contains { $0.description.contains("min_replicas") } == true)
    }
}
