import Foundation
import ServingModel
import SimulationCore
import Testing
@testable import CapacityPlanning

/// Issue 22, item 6: schedules merge equal neighbours and keep a minimum
/// step without ever holding fewer replicas than an interval needs; the
/// scenario's own HPA is among the autoscalers verified, every target is
/// whole in its metric's unit, and a plan dearer than static is labelled
/// and not recommended.
@Suite struct PlanAdviceTests {
    /// The count in force at time `t`.
    static func count(_ e: [ScheduleEntry], at t: Double) -> Int { e.first { $0.start <= t && t < $0.end }!.replicas }

    @Test func equalNeighboursMergeAcrossIntervalsKeepingTheHighestDesignRate() throws {
        let e = try ScheduleBuilder.schedule(needs: [3, 3, 3, 5], rates: [10, 14, 12, 20], interval: 300, lead: 0)
        #expect(e == [ScheduleEntry(start: 0, end: 900, replicas: 3, expectedRate: 14),
                      ScheduleEntry(start: 900, end: 1200, replicas: 5, expectedRate: 20)])
    }

    /// Random needs (fixed seed) over a day of 5-minute intervals with a
    /// 3-minute lead: with a 15-minute minimum, no step but a lone one is
    /// shorter, at most 96 steps, the schedule covers the horizon without
    /// gaps, never holds fewer replicas than the lead-shifted need at any
    /// interval boundary or pre-launch point, and no neighbours are equal.
    @Test(arguments: [1, 2, 3])
    func aMinimumStepNeverDropsBelowANeed(seed: UInt64) throws {
        var rng = RandomStream(seed: seed).stream("needs")
        let needs = (0..<288).map { _ in 1 + rng.nextInt(below: 12) }
        let rates = needs.map { Double($0) * 2.5 }
        let (interval, lead) = (300.0, 180.0)
        let exact = try ScheduleBuilder.schedule(needs: needs, rates: rates, interval: interval, lead: lead)
        let e = try ScheduleBuilder.schedule(needs: needs, rates: rates, interval: interval, lead: lead, minStep: 900)
        #expect(e.count <= 96)
        #expect(e.first?.start == 0 && e.last?.end == 288 * interval)
        for (a, b) in zip(e, e.dropFirst()) {
            #expect(a.end == b.start)
            #expect(a.replicas != b.replicas)
        }
        #expect(e.allSatisfy { $0.end - $0.start >= 900 })
        // Every point where the exact schedule changes (and midway in each of its steps).
        for s in exact {
            for t in [s.start, (s.start + s.end) / 2] {
                #expect(Self.count(e, at: t) >= Self.count(exact, at: t), "at \(t) s")
            }
        }
        // Each step names at least the highest design rate of the exact
        // steps it wholly covers (a step lengthened into a neighbour also
        // takes that neighbour's rate: never less than it was sized for).
        for s in e {
            let inside = exact.filter { $0.start >= s.start && $0.end <= s.end }.map { $0.expectedRate }.max() ?? 0
            #expect(s.expectedRate >= inside && s.expectedRate <= rates.max()!)
        }
        #expect(ScheduleBuilder.gpuHours(e, gpusPerReplica: 1) >= ScheduleBuilder.gpuHours(exact, gpusPerReplica: 1))
    }

    @Test func aShortPeakIsHeldLongerNotDropped() throws {
        // A 5-minute spike to 9 between stretches of 2 and 3: the spike
        // takes 10 minutes from the 3s (6 more replicas for 10 minutes, less
        // than 7 more on the left, or joining either neighbour whole) and
        // lasts 15 minutes at 9.
        let e = try ScheduleBuilder.schedule(needs: [2, 2, 2, 9, 3, 3, 3, 3, 3, 3], rates: [1, 1, 1, 9, 3, 3, 3, 3, 3, 3],
                                             interval: 300, lead: 0, minStep: 900)
        #expect(e.map(\.replicas) == [2, 9, 3])
        #expect(e.map(\.start) == [0, 900, 1800])
        #expect(e[1].expectedRate == 9)
        #expect(throws: PlanningError.self) {
            try ScheduleBuilder.schedule(needs: [1], rates: [1], interval: 60, lead: 0, minStep: -1)
        }
    }

    @Test func targetsAreWholeInTheirMetricsUnit() {
        #expect(AutoscalerPlan.wholeTarget(43.54, metric: .inFlight) == 44)
        #expect(AutoscalerPlan.wholeTarget(0.4, metric: .queueDepth) == 1)
        #expect(AutoscalerPlan.wholeTarget(0.8349, metric: .kvCache) == 0.83)
        #expect(AutoscalerPlan.wholeTarget(0.25049, metric: .ttftP99) == 0.25)
        #expect(AutoscalerPlan.wholeTarget(1.8, metric: nil) == 2)
    }

    /// The issue's SRE: a scenario whose HPA scales on queue depth 30.
    @Test func theScenariosOwnHPAIsAmongTheCandidates() throws {
        var base = HorizonPlannerTests.base()
        var h = HorizontalPodAutoscaler.Settings(minReplicas: 1, maxReplicas: 4, target: 30)
        h.scaleDownStabilization = 120
        base.replicas.dynamics?.scaler = .hpa(h, metric: .queueDepth, scrape: MetricScrape(interval: 10, lag: 5))
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2.6)])
        let candidates = HorizonPlanner.candidateFamilies(base: base, curve: curve, needs: [2, 3, 2]).flatMap { $0 }
        // In flight: 90/80/70% of 2.6 → 2.34, 2.08, 1.82 → 2 (once); queue depth 30, 22.5, 15 → 30, 23, 15.
        #expect(candidates.map(\.metricName) == ["in_flight", "queue_depth", "queue_depth", "queue_depth"])
        #expect(candidates.map(\.target) == [2, 30, 23, 15])
        #expect(candidates.allSatisfy { $0.minReplicas == 2 && $0.maxReplicas == 3 })
        guard case .hpa(let own, .queueDepth, let scrape) = candidates[1] else { Issue.record("expected the queue-depth HPA"); return }
        #expect(own.scaleDownStabilization == 120 && scrape == MetricScrape(interval: 10, lag: 5))
        // The verifier runs each with its own metric.
        let run = try HorizonVerifier(base: base, sla: HorizonPlannerTests.sla, interval: 600)
            .configuration(.autoscaler(candidates[1], initial: 2), rates: [20, 40, 20], seed: 1)
        guard case .hpa(_, let m, let s)? = run.replicas.dynamics?.scaler else { Issue.record("no HPA run"); return }
        #expect(m == .queueDepth && s == scrape)
    }

    static func verification(gpuHours: Double, met: Bool) -> HorizonVerification {
        HorizonVerification(targets: ["p99_queue_wait<=50ms"],
                            intervals: [IntervalOutcome(start: 0, end: 3600, rate: 1, offered: 3600, readyReplicas: 1, provisionedReplicas: 1,
                                                        e2e: [0, 0, 0], ttft: [0, 0, 0], values: [0.01], met: [met])],
                            simulatedGPUHours: gpuHours, replicaSeries: [])
    }

    /// An HPA that verified at 11 GPU-hours beside a static plan of 10 is
    /// labelled as dearer, and the static plan is recommended.
    @Test func aDearerAutoscalerIsLabelledAndTheCheaperPlanRecommended() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        var r = HorizonPlanner.Result(rates: [100], interval: 3600, curve: curve, lead: 0, needs: [10])
        r.staticPlan = .init(plan: 10, verification: Self.verification(gpuHours: 10, met: true), corrections: 0)
        let hpa = AutoscalerPlan.hpa(HorizontalPodAutoscaler.Settings(minReplicas: 8, maxReplicas: 12, target: 5), metric: .queueDepth)
        r.autoscaler = .init(plan: hpa, verification: Self.verification(gpuHours: 11, met: true), corrections: 0)
        r.autoscalerCandidates = [r.autoscaler!]
        r.declaredMetric = .queueDepth
        let doc = PlanDocument(r, sla: HorizonPlannerTests.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: 2)
        #expect(doc.autoscaler?.costsMoreThanStatic == true)
        #expect(doc.autoscaler?.metric == "queue_depth")
        #expect(doc.autoscaler?.candidates.first?.declared == true)
        #expect(doc.recommended?.plan == "static")
        #expect(doc.recommended?.reason.contains("autoscaler +10.0%") == true)
        // Cheaper and met: the autoscaler is recommended and not labelled.
        r.autoscaler!.verification = Self.verification(gpuHours: 9, met: true)
        let cheaper = PlanDocument(r, sla: HorizonPlannerTests.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: 2)
        #expect(cheaper.autoscaler?.costsMoreThanStatic == false && cheaper.recommended?.plan == "autoscaler")
        // Cheaper but missed: not recommended.
        r.autoscaler!.verification = Self.verification(gpuHours: 9, met: false)
        #expect(PlanDocument(r, sla: HorizonPlannerTests.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: 2).recommended?.plan == "static")
    }
}
