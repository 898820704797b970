import CapacityPlanning
import Foundation
import ServingModel
import Testing
@testable import Report

/// Each plan's worst interval explained: its p99 TTFT in parts, plan.json
/// and the summary carry it, and the report's stacked chart adds up.
@Suite struct WorstIntervalExplanationTests {
    /// The M/D/1 plans of ``PlanFilesTests`` over four 10-minute intervals,
    /// one of them (60 req/s) near capacity: queue wait dominates there.
    static let planned = Result { () throws -> HorizonPlanner.Result in
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let planner = try HorizonPlanner(base: PlanFilesTests.base(), sla: PlanFilesTests.sla, interval: 600)
        return try planner.plan(rates: [20.0, 40, 60, 20], curve: curve)
    }

    @Test func everyPlansWorstIntervalPartsAddUpToItsP99TTFT() throws {
        let r = try Self.planned.get()
        #expect(r.verifications.count == 3)
        for (name, v) in r.verifications {
            let e = try #require(v.worstExplanation, "\(name) has no explanation")
            let w = try #require(v.worstInterval(sla: PlanFilesTests.sla))
            #expect(e.interval == w.index)
            let p99 = v.intervals[w.index].ttft[2]
            #expect(e.p99TtftSeconds == p99)
            let sum = e.p99TtftParts.reduce(0) { $0 + $1.seconds }
            #expect(abs(sum - p99) <= 1e-9 * max(1, p99), "\(name): parts \(sum) s, p99 \(p99) s")
            #expect(e.p99TtftParts.allSatisfy { $0.seconds >= 0 })
            #expect(abs(e.p99TtftParts.reduce(0) { $0 + $1.share } - 1) < 1e-9)
            // Each group's parts add up to its mean; the slowest 1% are at
            // least as slow as the p99 bar one 2%-wide bin allows.
            for g in e.groups {
                #expect(abs(g.parts.reduce(0) { $0 + $1.seconds } - g.meanSeconds) <= 1e-9 * max(1, g.meanSeconds))
            }
            let tail = try #require(e.groups.first { $0.latency == "ttft" && $0.percentile == "p99" })
            #expect(tail.count > 0 && tail.meanSeconds >= p99 / 1.02 / 1.002)
            // Every served request is in some interval's decomposition.
            #expect(v.p99TtftParts.count == v.intervals.count)
            for (i, parts) in v.p99TtftParts.enumerated() where v.intervals[i].completed > 0 {
                #expect(abs(parts.reduce(0, +) - v.intervals[i].ttft[2]) <= 1e-9 * max(1, v.intervals[i].ttft[2]))
            }
            #expect(!e.diagnosis.isEmpty && !e.lever.isEmpty)
        }
    }

    @Test func planJSONAndSummaryCarryEachPlansDiagnosis() throws {
        let r = try Self.planned.get()
        let doc = PlanDocument(r, sla: PlanFilesTests.sla, origin: 1_704_067_200, gpusPerReplica: 1, pricePerGPUHour: nil)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONOutput.encode(doc).utf8)) as? [String: Any])
        let byPlan = try #require((json["verification"] as? [String: Any])?["worst_by_plan"] as? [String: [String: Any]])
        #expect(Set(byPlan.keys) == ["static", "schedule", "autoscaler"])
        for (name, v) in r.verifications {
            let e = try #require(byPlan[name])
            #expect(e["diagnosis"] as? String == v.worstExplanation?.diagnosis)
            let parts = try #require(e["p99_ttft_parts"] as? [[String: Any]])
            let sum = parts.compactMap { $0["seconds"] as? Double }.reduce(0, +)
            let p99 = try #require(e["p99_ttft_seconds"] as? Double)
            #expect(abs(sum - p99) <= 1e-9 * max(1, p99))
            #expect((e["start_time"] as? String)?.hasPrefix("2024-01-01T") == true)
        }
        let lines = WorstIntervalLines.text(doc, sla: PlanFilesTests.sla).split(separator: "\n")
        #expect(lines.count == 3)
        for (line, name) in zip(lines, ["static", "schedule", "autoscaler"]) {
            #expect(line.hasPrefix("\(name) worst interval 2024-01-01T"))
            // The value carries its unit (the target is a latency, in seconds).
            #expect(line.contains("(p99_queue_wait<=0.05s = ") && line.contains(" s"))
            #expect(line.contains(doc.verification.worstByPlan[name]!.diagnosis))
        }
    }

    @Test func stackedChartHasOneSeriesPerPartSummingToEachIntervalsTotal() throws {
        let r = try Self.planned.get()
        let v = try #require(r.schedule?.verification)
        let chart = AttributionChart(title: "t", hours: [0, 1.0 / 6, 2.0 / 6, 3.0 / 6], width: 1.0 / 6, parts: v.p99TtftParts)
        let svg = chart.render()
        let groups = svg.components(separatedBy: "<g class=\"part\" data-part=\"").dropFirst()
        let keys = groups.map { String($0.prefix { $0 != "\"" }) }
        #expect(keys == chart.shown.map(\.key) && !keys.isEmpty)
        #expect(Set(keys).count == keys.count, "one series per part")
        let perPx = try #require(Double(svg.components(separatedBy: "data-seconds-per-px=\"")[1].prefix { $0 != "\"" }))
        var seconds = [Double](repeating: 0, count: v.intervals.count), heights = seconds
        for g in groups {
            for rect in g.components(separatedBy: "</g>")[0].components(separatedBy: "<rect ").dropFirst() {
                func attr(_ a: String) -> Double? { Double(rect.components(separatedBy: "\(a)=\"").dropFirst().first?.prefix { $0 != "\"" } ?? "") }
                let i = try #require(attr("data-interval").map { Int($0) })
                let s = try #require(attr("data-seconds")), h = try #require(attr("height"))
                #expect(s >= 0 && h >= 0)
                seconds[i] += s
                heights[i] += h
            }
        }
        for (i, o) in v.intervals.enumerated() {
            #expect(abs(seconds[i] - o.ttft[2]) <= 1e-9 * max(1, o.ttft[2]))
            #expect(abs(heights[i] * perPx - o.ttft[2]) <= 1e-6 * max(1, o.ttft[2]))
        }
        #expect(svg.contains("p99 TTFT (s)") && svg.contains("(s)</text>"), "units on the axis and the legend")
        #expect(!svg.contains("http://") || svg.components(separatedBy: "http://").count == 2, "only the SVG namespace, no external asset")
    }
}
