import Foundation
import ServingModel
import SimulationCore
import Testing
import Workload
@testable import CapacityPlanning

/// Which day `plan` plans: the busiest, not the last; named in the
/// history's zone; the same from the history CSV, its Prometheus export and
/// its Grafana export.
@Suite struct PlanPeriodTests {
    /// 2024-01-01 00:00 UTC, a Monday.
    static let t0 = 1_704_067_200.0

    /// Three days of hours; Tuesday peaks highest, Wednesday (the last) is quiet.
    static func threeDays() -> LoadSeries {
        let base: [Double] = [100, 100, 50], peak: [Double] = [50, 200, 10]
        var values: [Double] = [], stamps: [Double] = []
        for t in 0..<72 {
            values.append(base[t / 24] + (t % 24 == 14 ? peak[t / 24] : 0))
            stamps.append(t0 + Double(t) * 3600)
        }
        return LoadSeries(name: "h", timestamps: stamps, interval: 3600, values: values)
    }

    @Test func theBusiestDayIsPlannedNotTheLast() {
        let s = Self.threeDays()
        let p = PlanPeriod.busiestDay(of: s, load: s.values, zone: .utc)
        #expect(p.basis == .busiestDay && p.start == 24 && p.count == 24 && p.origin == Self.t0 + 86_400)
        #expect(p.label == "Tuesday 2024-01-02 (UTC)")
        #expect(p.document.day == "2024-01-02" && p.document.start == "2024-01-02T00:00:00+00:00")
        let load = PlanLoad.history(s, period: p, scale: 1, scaleLabel: "1", headroom: 3, file: "h.csv")
        #expect(load.source == "the busiest day of h.csv, Tuesday 2024-01-02 (UTC) × 1")
        #expect(load.designRates.max() == 300.0 / 3600 * 3)
    }

    @Test func daysAreTheZonesLocalDays() {
        // At +10:00 Tuesday's 14:00 UTC peak is local Wednesday midnight:
        // local Wednesday (Tuesday 14:00 UTC to Wednesday 14:00 UTC) is planned.
        let s = Self.threeDays()
        let zone = HistoryTimeZone(offset: 36_000)
        let p = PlanPeriod.busiestDay(of: s, load: s.values, zone: zone)
        #expect(p.origin == Self.t0 + 38 * 3600)
        #expect(p.label == "Wednesday 2024-01-03 (+10:00)")
        #expect(p.isWholeDay)
    }

    @Test func aNamedPeriodIsPlannedAsNamed() throws {
        let s = Self.threeDays()
        let from = try #require(PlanPeriod.parseTime("2024-01-03", zone: .utc))
        let p = try PlanPeriod.named(from: from, to: from + 6 * 3600, in: s, zone: .utc)
        #expect(p.start == 48 && p.count == 6 && p.basis == .named)
        #expect(p.label == "2024-01-03 00:00 – 2024-01-03 06:00 (UTC)")
        #expect(throws: PlanningError.self) { try PlanPeriod.named(from: Self.t0 + 10 * 86_400, to: Self.t0 + 11 * 86_400, in: s, zone: .utc) }
        #expect(PlanPeriod.parseTime("2024-01-03T06:00", zone: HistoryTimeZone(offset: 3600)) == from + 5 * 3600)
    }

    static func steps(_ d: PlanDocument) -> [String] {
        d.schedule.map { (e: PlanDocument.Entry) -> String in "\(e.start) \(e.end) \(e.replicas)" }
    }

    /// The bundled history, its Prometheus export and its Grafana export
    /// give the same day, the same load and the same verified plan (a
    /// small M/D/c scenario and a given capacity curve keep it short).
    @Test func theBundledHistoryPlansTheSameFromEveryFormat() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var options = HistoryFile.Options()
        let plain = try HistoryFile.read(path: root.appendingPathComponent("data/traces/servegen_m-large_per_hour.csv").path, options: options)
        let grafana = try HistoryFile.read(path: root.appendingPathComponent("examples/history/servegen_m-large.grafana.csv").path, options: options)
        options.values = .rate
        let prometheus = try HistoryFile.read(path: root.appendingPathComponent("examples/history/servegen_m-large.prometheus.json").path, options: options)
        var base = StaticPlannerTests.mmc(rate: 1, mu: 20)
        base.replicas.service = .deterministic(0.05)
        base.duration = 300
        base.warmup = 30
        base.replicas.dynamics = ClusterDynamics(minReplicas: 1, maxReplicas: 1, coldStart: .deterministic(120))
        let sla = SLA(targets: [.latency(statistic: .p99, metric: .queueWait, seconds: 0.5)])
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 0.5, inFlightPerReplica: 1)])
        var plans: [PlanDocument] = [], loads: [PlanLoad] = []
        for h in [plain, prometheus, grafana] {
            let period = PlanPeriod.busiestDay(of: h.series, load: h.series.imputed(season: 24), zone: h.zone)
            let load = PlanLoad.history(h.series, period: period, scale: 0.002, scaleLabel: "0.002", headroom: 3, file: "h")
            let r = try HorizonPlanner(base: base, sla: sla, interval: h.series.interval, plans: [.static, .schedule])
                .plan(rates: load.designRates, curve: curve)
            var doc = PlanDocument(r, sla: sla, origin: load.origin, gpusPerReplica: 1, pricePerGPUHour: nil)
            doc.period = period.document
            plans.append(doc)
            loads.append(load)
        }
        #expect(plans[0].period?.basis == .busiestDay && plans[0].period?.intervals == 24)
        for (doc, load) in zip(plans.dropFirst(), loads.dropFirst()) {
            #expect(doc.period == plans[0].period)
            #expect(load.origin == loads[0].origin && load.source == loads[0].source)
            #expect(zip(load.designRates, loads[0].designRates).allSatisfy { abs($0 - $1) <= 1e-12 * $1 })
            #expect(doc.static == plans[0].static)
            #expect(Self.steps(doc) == Self.steps(plans[0]))
            #expect(doc.verification.slaMet == plans[0].verification.slaMet)
            #expect(doc.verification.attainment == plans[0].verification.attainment)
        }
    }
}
