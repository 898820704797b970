import Foundation
import Scenario
import ServingModel
import SimulationCore
import Testing
import Workload
@testable import CapacityPlanning

@Suite struct ScheduleBuilderTests {
    @Test func risesStartOneColdStartEarlyAndFallsWaitForTheIntervalEnd() throws {
        let e = try ScheduleBuilder.schedule(needs: [2, 5, 5, 3], rates: [10, 25, 25, 15], interval: 3600, lead: 180)
        #expect(e == [
            ScheduleEntry(start: 0, end: 3420, replicas: 2, expectedRate: 10),
            // Equal neighbours merge; the step names the highest design rate
            // it covers or launches early for.
            ScheduleEntry(start: 3420, end: 10_800, replicas: 5, expectedRate: 25),
            ScheduleEntry(start: 10_800, end: 14_400, replicas: 3, expectedRate: 15),
        ])
    }

    @Test func aLeadLongerThanAnIntervalReachesFurtherBack() throws {
        let e = try ScheduleBuilder.schedule(needs: [1, 1, 4], rates: [1, 1, 4], interval: 600, lead: 900)
        // The rise at 1200 s starts at 300 s, inside interval 0.
        #expect(e.map(\.start) == [0, 300])
        #expect(e.map(\.replicas) == [1, 4])
    }

    @Test func gpuHoursAreReplicaSecondsTimesGPUs() throws {
        let e = try ScheduleBuilder.schedule(needs: [2, 4], rates: [1, 2], interval: 3600, lead: 0)
        #expect(ScheduleBuilder.gpuHours(e, gpusPerReplica: 4) == (2 + 4) * 4)
    }

    @Test func badSchedulesAreNamed() {
        #expect(throws: PlanningError.self) { try ScheduleBuilder.schedule(needs: [1, 2], rates: [1], interval: 60, lead: 0) }
        #expect(throws: PlanningError.self) { try ScheduleBuilder.schedule(needs: [0], rates: [1], interval: 60, lead: 0) }
        #expect(throws: PlanningError.self) { try ScheduleBuilder.schedule(needs: [1], rates: [1], interval: 60, lead: -1) }
    }
}

@Suite struct CapacityCurveTests {
    @Test func replicasForARateAreTheFewestWhoseInterpolatedCapacityCoversIt() throws {
        let c = try CapacityCurve(points: [.init(replicas: 1, maxRate: 2, inFlightPerReplica: 1),
                                           .init(replicas: 4, maxRate: 12, inFlightPerReplica: 1)])
        // Per replica: 2/s at 1, 3/s at 4, linear between: 2 → 2.333·2, 3 → 2.667·3 = 8.
        #expect(c.replicas(for: 8) == 3)
        #expect(c.replicas(for: 8.01) == 4)
        #expect(c.replicas(for: 0) == 1)
        // Beyond the last point the per-replica rate is held: 30/s needs 10.
        #expect(c.replicas(for: 30) == 10)
    }

    @Test func pointsMustIncrease() {
        #expect(throws: PlanningError.self) {
            try CapacityCurve(points: [.init(replicas: 2, maxRate: 2, inFlightPerReplica: 1), .init(replicas: 2, maxRate: 3, inFlightPerReplica: 1)])
        }
    }

    @Test func anUnreachableTargetIsAPreciseErrorNotAnEndlessSearch() throws {
        var base = StaticPlannerTests.mmc(rate: 1, mu: 20)
        base.replicas.service = .deterministic(0.05)
        base.duration = 60
        base.warmup = 5
        let error = #expect(throws: PlanningError.self) {
            try CapacityCurve.measure(base: base, sla: try SLA(parsing: "p99_e2e<=10ms"), covering: 50, replications: 2)
        }
        #expect(error?.key == "--sla")
        #expect(error?.message.contains("unreachable") == true)
    }
}

@Suite struct HorizonPlannerTests {
    /// M/D/c replicas: 50 ms of deterministic service each.
    static func base() -> ServingConfiguration {
        var b = StaticPlannerTests.mmc(rate: 1, mu: 20)
        b.replicas.service = .deterministic(0.05)
        b.duration = 300
        b.warmup = 30
        b.replicas.dynamics = ClusterDynamics(minReplicas: 1, maxReplicas: 1, coldStart: .deterministic(120))
        return b
    }

    static let sla = SLA(targets: [.latency(statistic: .p99, metric: .queueWait, seconds: 0.05)])

    @Test func aPlanThatFailsVerificationIsBumpedUntilItHolds() throws {
        // Interval 1 carries 155/s: 8 replicas are at ρ = 0.97 and miss
        // the 50 ms p99 wait; the hand-made "curve" claims they suffice.
        let rates = [40.0, 155, 40]
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 21, inFlightPerReplica: 1)])
        #expect(curve.replicas(for: 155) == 8)
        var planner = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600, plans: [.schedule])
        planner.minStep = 0
        let r = try planner.plan(rates: rates, curve: curve)
        let s = try #require(r.schedule)
        #expect(s.corrections >= 1)
        #expect(s.verification.slaMet)
        let peak = s.plan.filter { $0.start < 1200 && $0.end > 600 }.map(\.replicas).max()!
        #expect(peak > 8)
    }

    /// None of the autoscaler candidates (90, 80, 70 % of the in-flight
    /// count at capacity, 1 request, all rounded to the whole request 1)
    /// holds when the curve claims 8 replicas carry 155/s, so the last is
    /// corrected: each round lowers the target by a fifth (whole, at least
    /// 1; when it can go no lower the floor rises halfway to the top) and
    /// raises the bounds, until the plan verifies.
    @Test func whenNoAutoscalerCandidateHoldsTheLowestTargetIsCorrected() throws {
        let rates = [40.0, 155, 40]
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 21, inFlightPerReplica: 1)])
        let planner = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600, plans: [.autoscaler])
        let r = try planner.plan(rates: rates, curve: curve)
        let a = try #require(r.autoscaler)
        #expect(a.corrections >= 1)
        #expect(a.verification.slaMet)
        #expect(r.autoscalerCandidates.count == 1)
        #expect(a.plan.target == 1)
        #expect(a.plan.maxReplicas > 8)
    }

    @Test func aPlanThatCannotBeCorrectedIsReportedAsFailing() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 100, inFlightPerReplica: 1)])
        let planner = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600, maxCorrections: 0, plans: [.static])
        let r = try planner.plan(rates: [150], curve: curve)
        let v = try #require(r.staticPlan)
        #expect(!v.verification.slaMet)
        let doc = PlanDocument(r, sla: Self.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: 2)
        #expect(doc.verification.slaMet == false)
        #expect(doc.verification.attainment["static"] == 0)
        #expect(doc.verification.worstInterval?.met == false)
    }

    /// A scenario that runs the Knative KPA gets a KPA recommendation: its
    /// own windows, panic threshold and scrape, the planner's target and
    /// bounds, verified with the KPA in force. Without one, the HPA.
    @Test func theRecommendedAutoscalerIsTheScenariosKind() throws {
        var kpa = KnativePodAutoscaler.Settings(minReplicas: 1, maxReplicas: 1)
        kpa.stableWindow = 30
        kpa.panicThreshold = 3
        let scrape = MetricScrape(interval: 2, lag: 1)
        var base = Self.base()
        base.replicas.dynamics!.scaler = .kpa(kpa, scrape: scrape)
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let rates = [20.0, 40, 20]
        let r = try HorizonPlanner(base: base, sla: Self.sla, interval: 600, plans: [.autoscaler]).plan(rates: rates, curve: curve)
        let a = try #require(r.autoscaler)
        guard case .kpa(let k, let s) = a.plan else { Issue.record("expected a KPA, got \(a.plan)"); return }
        #expect(s == scrape && k.stableWindow == 30 && k.panicThreshold == 3)
        if a.corrections == 0 {
            // 90, 80 and 70 % of 2 requests, whole: 2, 2 and 1.
            #expect([1.0, 2.0].contains(k.target), "target \(k.target)")
            #expect(k.minReplicas == 2 && k.maxReplicas == 3)
        }
        let run = try HorizonVerifier(base: base, sla: Self.sla, interval: 600).configuration(.autoscaler(a.plan, initial: 2), rates: rates, seed: 1)
        guard case .kpa(let ran, let ranScrape)? = run.replicas.dynamics?.scaler else { Issue.record("the verifier ran no KPA"); return }
        #expect(ran == k && ranScrape == scrape)
        let doc = PlanDocument(r, sla: Self.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: nil)
        #expect(doc.autoscaler?.kind == "kpa" && doc.autoscaler?.metric == "concurrency")
        #expect(doc.autoscaler?.scaleDownStabilization == 30 && doc.autoscaler?.syncPeriod == 2)

        let hpa = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600, plans: [.autoscaler]).plan(rates: rates, curve: curve)
        guard case .hpa(let h, _, _)? = hpa.autoscaler?.plan else { Issue.record("expected an HPA"); return }
        #expect(h.syncPeriod == 15 && h.tolerance == 0.1)
        #expect(PlanDocument(hpa, sla: Self.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: nil).autoscaler?.kind == "hpa")
    }

    /// Each metric's targets are tried from the highest down and the first
    /// that verifies ends the search (decision 0034): the targets tried
    /// are the family's prefix up to it, and the plan chosen is the one an
    /// exhaustive search over every target would choose.
    @Test func theFirstTargetThatVerifiesEndsItsMetricsSearch() throws {
        // A looser bound than the suite's, which no target meets here
        // before correction.
        let sla = SLA(targets: [.latency(statistic: .p99, metric: .queueWait, seconds: 5)])
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 3)])
        let rates = [20.0, 40, 20]
        let r = try HorizonPlanner(base: Self.base(), sla: sla, interval: 600, plans: [.autoscaler]).plan(rates: rates, curve: curve)
        let family = try #require(HorizonPlanner.candidateFamilies(base: Self.base(), curve: curve, needs: r.needs).first)
        // 90, 80 and 70 % of 3 requests, whole: 3, 2 and 2 (a duplicate, dropped).
        #expect(family.map(\.target) == [3, 2])
        let tried = r.autoscalerCandidates.map(\.plan)
        let firstMet = try #require(r.autoscalerCandidates.firstIndex { $0.verification.slaMet })
        #expect(tried == Array(family.prefix(firstMet + 1)))
        let verifier = try HorizonVerifier(base: Self.base(), sla: sla, interval: 600, explain: true)
        let all = try family.map { ($0, try verifier.verify(.autoscaler($0, initial: r.needs[0]), rates: rates)) }
        let cheapest = try #require(all.filter { $0.1.slaMet }.min { $0.1.simulatedGPUHours < $1.1.simulatedGPUHours })
        #expect(r.autoscaler?.plan == cheapest.0)
        #expect(r.autoscaler?.verification.simulatedGPUHours == cheapest.1.simulatedGPUHours)
    }

    @Test func costArithmetic() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 1)])
        var planner = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600, plans: [.static, .schedule])
        planner.minStep = 0
        let r = try planner.plan(rates: [20, 60], curve: curve)
        let doc = PlanDocument(r, sla: Self.sla, origin: 0, gpusPerReplica: 2, pricePerGPUHour: 3)
        let c = try #require(doc.cost)
        let staticReplicas = try #require(doc.static).replicas
        // Two 10-minute intervals: a third of an hour.
        #expect(abs(c.staticGpuHours - Double(staticReplicas) * 2 / 3) < 1e-9)
        #expect(abs(c.staticCost - c.staticGpuHours * 3) < 1e-9)
        let expected = r.schedule!.plan.reduce(0.0) { $0 + Double($1.replicas) * ($1.end - $1.start) } * 2 / 3600
        #expect(abs(c.scheduleGpuHours - expected) < 1e-9)
        #expect(abs(c.scheduleCost - expected * 3) < 1e-9)
        #expect(c.scheduleGpuHours < c.staticGpuHours)
        #expect(c.currency == "USD")
    }

    @Test func badLoadsAreRefused() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let planner = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600)
        #expect(throws: PlanningError.self) { try planner.plan(rates: [], curve: curve) }
        #expect(throws: PlanningError.self) { try planner.plan(rates: [1, .nan], curve: curve) }
        #expect(throws: PlanningError.self) { try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 0) }
    }
}
