import Foundation
import Scenario
import ServingModel
import SimulationCore
import Testing
import Workload
@testable import CapacityPlanning

@Suite struct SLATests {
    @Test func parsesEveryTermAndThePreset() throws {
        let sla = try SLA(parsing: "p99_ttft<=2s,mean_queue_wait<=150ms,error_rate<=0.1%,availability>=99.95%,goodput>=90%")
        #expect(sla.targets == [
            .latency(statistic: .p99, metric: .ttft, seconds: 2),
            .latency(statistic: .mean, metric: .queueWait, seconds: 0.150),
            .errorRate(0.001), .availability(0.9995), .goodput(0.9),
        ])
        #expect(try SLA(parsing: "default") == .standard)
        #expect(SLA.standard.targets.contains(.latency(statistic: .p99, metric: .ttft, seconds: 0.5)))
    }

    @Test(arguments: ["p98_ttft<=2s", "p99_ttft<=fast", "error_rate>=1%", "availability>=150%", "ttft", ""])
    func badTermsAreNamed(_ text: String) {
        #expect(throws: ScenarioError.self) { try SLA(parsing: text) }
    }
}

@Suite struct StaticPlannerTests {
    static func mmc(rate: Double, mu: Double) -> ServingConfiguration {
        ServingConfiguration(name: "mmc", seed: 11, duration: 240, warmup: 20, arrivals: .processes([.poisson(rate: rate)]),
                             sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                             replicas: ReplicaConfiguration(count: 1, batching: .unbatched, service: .exponential(mean: 1 / mu)))
    }

    /// Smallest c with C(c, A)·e^{−(cμ−λ)t} <= 1%, by brute force.
    static func bruteForce(lambda: Double, mu: Double, t: Double) -> Int {
        var c = 1
        while Double(c) * mu <= lambda || QueueingTheory.erlangC(servers: c, offeredLoad: lambda / mu) * exp(-(Double(c) * mu - lambda) * t) > 0.01 {
            c += 1
        }
        return c
    }

    @Test(arguments: [(30.0, 10.0, 0.05), (120.0, 5.0, 0.02), (900.0, 100.0, 0.005), (2.0, 1.0, 1.0)])
    func mmcPlansAreExactlyErlangCStaffing(peak: Double, mu: Double, t: Double) throws {
        // The planner is handed the peak × 3 headroom, as `headroom plan --headroom 3x` does.
        let lambda = peak * 3
        let planner = try StaticPlanner(base: Self.mmc(rate: 1, mu: mu), designRate: lambda,
                                        sla: try SLA(parsing: "p99_queue_wait<=\(t)s"))
        let expected = Self.bruteForce(lambda: lambda, mu: mu, t: t)
        #expect(planner.erlangCStaffing() == expected)
        #expect(expected == QueueingTheory.erlangCStaffing(arrivalRate: lambda, serviceRate: mu, waitTarget: t, exceedance: 0.01))
        if lambda <= 400 {
            let plan = try planner.plan()
            #expect(plan.replicas == expected)
            #expect(plan.method == "erlang_c")
        }
    }

    @Test func simulationSearchFindsTheBoundaryAndVerifiesIt() throws {
        // Deterministic service (M/D/c): not Erlang C, so the planner searches.
        var base = Self.mmc(rate: 1, mu: 20)
        base.replicas.service = .deterministic(0.05)
        let planner = try StaticPlanner(base: base, designRate: 100, sla: try SLA(parsing: "p99_queue_wait<=50ms"), replications: 3)
        #expect(planner.erlangCStaffing() == nil)
        let plan = try planner.plan()
        let c = try #require(plan.replicas)
        #expect(plan.method == "simulation")
        #expect(c >= plan.lowerBound)
        #expect(try planner.evaluate(replicas: c).met)
        #expect(try !planner.evaluate(replicas: c - 1).met)
    }

    /// A scenario whose cluster autoscales is measured at the sizes tried,
    /// not at what its autoscaler would choose: a KPA held to one replica
    /// changes nothing.
    @Test func theScenariosAutoscalerDoesNotResizeAMeasurement() throws {
        var base = Self.mmc(rate: 1, mu: 20)
        base.replicas.service = .deterministic(0.05)
        let sla = try SLA(parsing: "p99_queue_wait<=50ms")
        let plain = try StaticPlanner(base: base, designRate: 100, sla: sla, replications: 2).plan()
        base.replicas.dynamics = ClusterDynamics(minReplicas: 1, maxReplicas: 1, coldStart: .deterministic(60),
                                                 scaler: .kpa(KnativePodAutoscaler.Settings(minReplicas: 1, maxReplicas: 1),
                                                              scrape: MetricScrape(interval: 1, lag: 0)))
        let scaled = try StaticPlanner(base: base, designRate: 100, sla: sla, replications: 2).plan()
        #expect(scaled.replicas == plain.replicas && plain.replicas != nil)
    }

    @Test func anUnreachableTargetIsReportedWithItsBestValue() throws {
        // Service alone takes 50 ms, so a p99 e2e of 10 ms can never hold.
        var base = Self.mmc(rate: 1, mu: 20)
        base.replicas.service = .deterministic(0.05)
        base.duration = 60
        base.warmup = 5
        let plan = try StaticPlanner(base: base, designRate: 20, sla: try SLA(parsing: "p99_e2e<=10ms"), replications: 2).plan()
        #expect(plan.replicas == nil)
        let stuck = try #require(plan.unreachable.first)
        #expect(abs(stuck.mean - 0.05) < 0.001)
    }

    @Test func badInputsAreRefused() throws {
        #expect(throws: PlanningError.self) { try StaticPlanner(base: Self.mmc(rate: 1, mu: 1), designRate: 0, sla: .standard) }
        #expect(throws: PlanningError.self) { try StaticPlanner(base: Self.mmc(rate: 1, mu: 1), designRate: 1, sla: .standard, replications: 1) }
    }
}
