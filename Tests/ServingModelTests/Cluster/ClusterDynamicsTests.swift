import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// The HPA's decision rule against Kubernetes' formula and default behaviour.
@Suite struct HorizontalPodAutoscalerTests {
    static func hpa(min: Int = 1, max: Int = 100, target: Double = 0.7) -> HorizontalPodAutoscaler {
        HorizontalPodAutoscaler(settings: .init(minReplicas: min, maxReplicas: max, target: target))
    }

    @Test func aLoadStepScalesByTheRatioWithinTheScaleUpPolicy() {
        var h = Self.hpa()
        // 4 ready at 91% against 70%: ceil(4 × 1.3) = 6, within max(100%, 4 pods).
        #expect(h.decide(now: 15, current: 4, ready: 4, metric: 0.91) == 6)
        var g = Self.hpa()
        // 4 at 280%: ceil(4 × 4) = 16, but one period allows 4 + max(4, 4) = 8.
        #expect(g.decide(now: 15, current: 4, ready: 4, metric: 2.8) == 8)
        // Still in the same 15-s period: no more.
        #expect(g.decide(now: 20, current: 8, ready: 4, metric: 2.8) == 8)
        // Next period: from 8, up to 8 + max(8, 4) = 16.
        #expect(g.decide(now: 31, current: 8, ready: 8, metric: 1.4) == 16)
    }

    @Test func withSeveralMetricsTheLargestRecommendationWins() {
        var settings = HorizontalPodAutoscaler.Settings(minReplicas: 1, maxReplicas: 100, target: 0.7)
        settings.additionalMetrics = [.init(metric: .queueDepth, target: 5)]
        var h = HorizontalPodAutoscaler(settings: settings)
        // Utilisation 0.84/0.7 = 1.2 → 12; queue 8/5 = 1.6 → 16: 16 wins.
        #expect(h.decide(now: 15, current: 10, ready: 10, metric: 0.84, additional: [8]) == 16)
        var g = HorizontalPodAutoscaler(settings: settings)
        // Queue 15/5 = 3 → 30, but one period allows 10 + max(10, 4) = 20.
        #expect(g.decide(now: 15, current: 10, ready: 10, metric: 0.84, additional: [15]) == 20)
        var k = HorizontalPodAutoscaler(settings: settings)
        // The queue metric is missing and utilisation says 5: hold at 10.
        #expect(k.decide(now: 15, current: 10, ready: 10, metric: 0.35, additional: [nil]) == 10)
        // Missing, but the other metric says scale up: up it goes.
        #expect(k.decide(now: 30, current: 10, ready: 10, metric: 0.91, additional: [nil]) == 13)
    }

    @Test func withinTheToleranceNothingChanges() {
        var h = Self.hpa()
        #expect(h.decide(now: 15, current: 10, ready: 10, metric: 0.7 * 1.09) == 10)
        #expect(h.decide(now: 30, current: 10, ready: 10, metric: 0.7 * 0.91) == 10)
        #expect(h.decide(now: 45, current: 10, ready: 10, metric: 0.7 * 1.11) == 12)
    }

    @Test func scaleDownWaitsForTheStabilisationWindow() {
        var h = Self.hpa()
        var current = h.decide(now: 0, current: 10, ready: 10, metric: 0.7)   // recommends 10
        #expect(current == 10)
        // Load halves at t = 15: recommendation 5, held off for 300 s.
        var t = 15.0
        while t < 300 {
            current = h.decide(now: t, current: current, ready: current, metric: 0.35)
            #expect(current == 10, "at \(t) s")
            t += 15
        }
        // The 10 recorded at t = 0 leaves the window after 300 s.
        current = h.decide(now: 315, current: current, ready: current, metric: 0.35)
        #expect(current == 5)
    }

    @Test func boundsAndMissingMetrics() {
        var h = Self.hpa(min: 3, max: 20)
        #expect(h.decide(now: 15, current: 3, ready: 3, metric: nil) == 3)
        #expect(h.decide(now: 30, current: 3, ready: 3, metric: 50) == 7)     // 3 + max(3, 4)
        var g = Self.hpa(min: 3, max: 20)
        #expect(g.decide(now: 15, current: 18, ready: 18, metric: 7) == 20)
        var k = Self.hpa(min: 3, max: 20)
        #expect(k.decide(now: 400, current: 5, ready: 5, metric: 0.01) == 3)
    }
}

/// Cluster dynamics inside the simulation.
@Suite struct ClusterDynamicsTests {
    static func mmc(replicas: Int, rate: Double, duration: Double, dynamics: ClusterDynamics?) -> ServingConfiguration {
        var c = ServingConfiguration(name: "c", seed: 3, duration: duration, warmup: 0, arrivals: .processes([.poisson(rate: rate)]),
                                     sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                                     replicas: ReplicaConfiguration(count: replicas, batching: .unbatched, service: .exponential(mean: 1)),
                                     timeSeriesInterval: 60)
        c.replicas.dynamics = dynamics
        return c
    }

    @Test func losingOneReplicaGrowsTheQueueUntilItRecovers() throws {
        // M/M/4 at 3.5 req/s (ρ = 0.875, Lq ≈ 5); replica 0 is down from 20
        // to 40 min: 3 servers fall behind by 0.5 req/s (≈ 600 waiting by the
        // end of the outage), and 4 drain that backlog at 0.5 req/s.
        let fault = Faults(scheduled: [ScheduledFault(at: 1200, replica: 0, downFor: 1200)])
        let c = Self.mmc(replicas: 4, rate: 3.5, duration: 6000,
                         dynamics: ClusterDynamics(minReplicas: 4, maxReplicas: 4, coldStart: .deterministic(0), faults: fault))
        let (r, m) = try ServingRun(configuration: c).execute()
        let waiting = m.series.waiting
        func mean(_ range: Range<Int>) -> Double { range.map { waiting[$0] }.reduce(0, +) / Double(range.count) }
        let before = mean(5..<20), during = mean(35..<40), after = mean(85..<99)
        // The drift gives ≈ 0.5 × 1,200 s = 600 by the end; a random walk
        // with these rates has an sd of √(6.5 × 1,200) ≈ 88, so 300 is a
        // bound more than 3 sd below the expected growth.
        #expect(during > before + 300, "before \(before), end of outage \(during)")
        #expect(after < during / 3, "after recovery \(after) vs \(during)")
        #expect(m.series.ready[25] == 3 && m.series.ready[45] == 4)
        #expect(r.requests.offered == r.requests.completed + r.requests.failed + r.requests.unfinished)
    }

    @Test func aScheduleStartsReplicasAheadOfTheRiseByItsLead() throws {
        // Cold start 2 min, lead 2 min: the 4 replicas of the 10-min step are
        // ready exactly at 10 min, and GPU time counts from their start.
        let plan = ReplicaSchedule(starts: [0, 600, 1200], counts: [2, 4, 2], lead: 120)
        let c = Self.mmc(replicas: 2, rate: 1, duration: 1800,
                         dynamics: ClusterDynamics(minReplicas: 1, maxReplicas: 4, coldStart: .deterministic(120), scaler: .schedule(plan)))
        let (r, m) = try ServingRun(configuration: c).execute()
        // Samples at the end of each minute: index 8 is t = 9 min.
        #expect(m.series.starting[8] == 2 && m.series.ready[8] == 2)
        #expect(m.series.ready[9] == 4 && m.series.starting[9] == 0)
        #expect(m.series.ready[25] == 2)
        #expect(m.series.desired[5] == 2 && m.series.desired[8] == 4)
        // 2 replicas all along, 2 more from 8 min to 20 min (draining takes under a second here).
        #expect(abs(r.cluster.gpuHours - (2 * 1800 + 2 * 720) / 3600) < 0.01)
    }

    @Test func theHPAFollowsALoadStepAndHoldsBeforeScalingDown() throws {
        // Utilisation target 50%: 3 req/s of 1-s requests want 6 replicas,
        // 12 req/s want 24. The step at 10 min must at least double the
        // count within two minutes, and the drop at 30 min must not scale
        // down before 300 s of stabilisation.
        let settings = HorizontalPodAutoscaler.Settings(minReplicas: 2, maxReplicas: 30, target: 0.5)
        let curve = try RateCurve(starts: [0, 600, 1800], rates: [3, 12, 3])
        var c = Self.mmc(replicas: 6, rate: 1, duration: 3600,
                         dynamics: ClusterDynamics(minReplicas: 2, maxReplicas: 30, coldStart: .deterministic(30),
                                                   scaler: .hpa(settings, metric: .utilization, scrape: MetricScrape(interval: 15, lag: 8))))
        c.arrivals = .processes([.rateCurve(curve)])
        c.timeSeriesInterval = 15
        let (_, m) = try ServingRun(configuration: c).execute()
        let desired = m.series.desired
        // Sample k is at (k + 1) × 15 s.
        let atStep = desired[38]            // 585 s: before the step
        let afterStep = desired[38 + 8]     // 2 minutes after the step
        #expect(afterStep >= 2 * atStep, "desired \(atStep) → \(afterStep)")
        let plateau = desired[118]          // 1785 s
        let heldUntil = desired[118 + 19]   // 300 s after the drop, still held
        let later = desired[118 + 40]       // 10 minutes after the drop
        #expect(heldUntil == plateau, "scaled down before 300 s of stabilisation: \(plateau) → \(heldUntil)")
        #expect(later < plateau, "never scaled down: \(plateau) → \(later)")
        #expect(desired.allSatisfy { $0 >= 2 && $0 <= 30 })
    }
}

/// The Knative KPA's windows, panic mode and rate limits.
@Suite struct KnativePodAutoscalerTests {
    /// Feeds one sample per second of `value` over `[from, to)`.
    static func feed(_ k: inout KnativePodAutoscaler, _ value: Double, from: Int, to: Int) {
        for t in from..<to { k.observe(now: Double(t), concurrency: value) }
    }

    @Test func steadyConcurrencyGivesTheStableCount() {
        var k = KnativePodAutoscaler(settings: .init(minReplicas: 1, maxReplicas: 100))
        Self.feed(&k, 140, from: 0, to: 60)
        #expect(k.decide(now: 60, current: 2, ready: 2) == 2)
        #expect(!k.panicking)
    }

    @Test func aBurstEntersPanicAndPanicNeverScalesDown() {
        var k = KnativePodAutoscaler(settings: .init(minReplicas: 1, maxReplicas: 100))
        Self.feed(&k, 140, from: 0, to: 54)
        // The last 6 s at 420: panic window wants 6 pods, 3x the 2 ready.
        Self.feed(&k, 420, from: 54, to: 60)
        #expect(k.decide(now: 60, current: 2, ready: 2) == 6)
        #expect(k.panicking)
        // The burst ends: the panic window falls back, but panicking holds 6.
        Self.feed(&k, 70, from: 60, to: 90)
        #expect(k.decide(now: 90, current: 6, ready: 6) == 6)
        #expect(k.panicking)
        // A full stable window after the last trigger, panic ends and the
        // stable average (70 per 70) takes over, limited to halving: 3.
        Self.feed(&k, 70, from: 90, to: 121)
        #expect(k.decide(now: 121, current: 6, ready: 6) == 3)
        #expect(!k.panicking)
    }

    @Test func scaleDownIsLimitedToHalvingAndBoundsHold() {
        var k = KnativePodAutoscaler(settings: .init(minReplicas: 1, maxReplicas: 8))
        Self.feed(&k, 0.5, from: 0, to: 60)
        #expect(k.decide(now: 60, current: 10, ready: 10) == 5)
        var z = KnativePodAutoscaler(settings: .init(minReplicas: 0, maxReplicas: 8))
        Self.feed(&z, 0, from: 0, to: 60)
        #expect(z.decide(now: 60, current: 1, ready: 1) == 0)
        var h = KnativePodAutoscaler(settings: .init(minReplicas: 1, maxReplicas: 8))
        Self.feed(&h, 7000, from: 0, to: 60)
        #expect(h.decide(now: 60, current: 1, ready: 1) == 8)
    }
}

/// Slowdowns, zones, warm pools and GPU stock-outs.
@Suite struct ClusterFaultTests {
    static func config(replicas: Int, dynamics: ClusterDynamics, trace times: [Double]) throws -> ServingConfiguration {
        var c = ClusterDynamicsTests.mmc(replicas: replicas, rate: 1, duration: 2000, dynamics: dynamics)
        c.replicas.service = .deterministic(1)
        c.replicas.dispatch = .roundRobin
        c.arrivals = .trace(TraceReplay(path: try BatchingTests.traceFile(times: times), format: .csv))
        c.recordRequests = true
        return c
    }

    @Test func aSlowedReplicaTakesLongerOnlyWhileSlowed() throws {
        // One replica, 1-s service; at half speed from t = 100 to 200 s.
        let faults = Faults(slowdowns: [Slowdown(at: 100, replica: 0, speed: 0.5, duration: 100)])
        let c = try Self.config(replicas: 1, dynamics: ClusterDynamics(minReplicas: 1, maxReplicas: 1, coldStart: .deterministic(0), faults: faults),
                                trace: [0, 50, 150, 250])
        let (_, m) = try ServingRun(configuration: c).execute()
        #expect(m.completions.map(\.e2e) == [1, 1, 2, 1])
    }

    @Test func aZoneOutageFailsEveryReplicaOfTheZone() throws {
        // 4 replicas in 2 zones (0, 2 in zone 0); zone 0 lost from 100 to 400 s.
        var d = ClusterDynamics(minReplicas: 4, maxReplicas: 4, coldStart: .deterministic(0),
                                faults: Faults(zoneOutages: [ZoneOutage(at: 100, zone: 0, downFor: 300)]))
        d.zones = 2
        var c = ClusterDynamicsTests.mmc(replicas: 4, rate: 1, duration: 600, dynamics: d)
        c.timeSeriesInterval = 50
        let (_, m) = try ServingRun(configuration: c).execute()
        #expect(m.series.ready[0] == 4)       // t = 50
        #expect(m.series.ready[2] == 2)       // t = 150
        #expect(m.series.ready[8] == 4)       // t = 450
    }

    @Test func warmPoolsStartFastAndStockOutsDelayStarts() throws {
        // Schedule 1 → 4 replicas at t = 100; cold start 60 s.
        let plan = ReplicaSchedule(starts: [0, 100], counts: [1, 4])
        var warm = ClusterDynamics(minReplicas: 1, maxReplicas: 4, coldStart: .deterministic(60), scaler: .schedule(plan))
        warm.warmPool = WarmPool(size: 2, warmStart: 5)
        var c = ClusterDynamicsTests.mmc(replicas: 1, rate: 0.1, duration: 400, dynamics: warm)
        c.timeSeriesInterval = 10
        let (_, w) = try ServingRun(configuration: c).execute()
        // Samples at (k + 1) × 10 s; an event at a sample's instant that was
        // scheduled earlier fires first. Two warm starts are ready at 105 s,
        // the third after its 60-s cold start, at 160 s.
        #expect(w.series.ready[9] == 1 && w.series.ready[10] == 3)
        #expect(w.series.ready[14] == 3 && w.series.ready[15] == 4)
        var limited = ClusterDynamics(minReplicas: 1, maxReplicas: 4, coldStart: .deterministic(60), scaler: .schedule(plan))
        limited.startLimit = (count: 1, interval: 30)
        c.replicas.dynamics = limited
        let (_, s) = try ServingRun(configuration: c).execute()
        // Starts at 100, 130 and 160 s: ready at 160, 190 and 220 s.
        #expect(s.series.ready[15] == 2 && s.series.ready[18] == 3 && s.series.ready[21] == 4)
        #expect(s.series.ready[14] == 1)
    }
}
