import CapacityPlanning
import Foundation
import ServingModel
import Testing
import Workload
@testable import Report

/// The plan's JSON and its `--output` files.
@Suite struct PlanFilesTests {
    /// M/D/1 replicas: 50 ms of deterministic service, 2-minute cold start.
    static func base() -> ServingConfiguration {
        var b = ServingConfiguration(name: "md1", seed: 11, duration: 300, warmup: 30, arrivals: .processes([.poisson(rate: 1)]),
                                     sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                                     replicas: ReplicaConfiguration(count: 1, batching: .unbatched, service: .deterministic(0.05)))
        b.replicas.dynamics = ClusterDynamics(minReplicas: 1, maxReplicas: 1, coldStart: .deterministic(120))
        return b
    }

    static let sla = SLA(targets: [.latency(statistic: .p99, metric: .queueWait, seconds: 0.05)])

    @Test func jsonHasExactlyTheIssuesKeys() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let planner = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600)
        let r = try planner.plan(rates: [20, 40], curve: curve)
        let doc = PlanDocument(r, sla: Self.sla, origin: 1_704_067_200, gpusPerReplica: 1, pricePerGPUHour: 2)
        let json = try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(doc).utf8)) as! [String: Any]
        #expect(Set(json.keys).subtracting(["recommended"]) == ["design_rate", "static", "schedule", "autoscaler", "verification", "cost"])
        #expect((json["recommended"] != nil) == r.verifications.contains { $0.verification.slaMet })
        #expect(Set((json["static"] as! [String: Any]).keys) == ["replicas", "gpus"])
        let entry = (json["schedule"] as! [[String: Any]])[0]
        #expect(Set(entry.keys) == ["start", "end", "replicas", "design_rate"])
        #expect(entry["start"] as? String == "2024-01-01T00:00:00+00:00")
        #expect(Set((json["verification"] as! [String: Any]).keys) == ["sla_met", "attainment", "worst_interval", "worst_by_plan"])
        #expect(Set((json["cost"] as! [String: Any]).keys)
                == ["static_gpu_hours", "schedule_gpu_hours", "autoscaled_gpu_hours", "currency", "static_cost", "schedule_cost",
                    "autoscaled_cost", "price_per_gpu_hour", "price_source"])
        #expect(json["autoscaler"] is [String: Any])
    }

    @Test func outputFilesAreWrittenAtomicallyAndReplaceOldOnes() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let planner = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600, plans: [.schedule])
        let r = try planner.plan(rates: [20, 40], curve: curve)
        let doc = PlanDocument(r, sla: Self.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: nil)
        let load = PlanLoad(interval: 600, origin: 0, source: "test", expected: [20, 40], planned: [20, 40], headroom: 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-files-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "stale".write(toFile: dir + "/plan.json", atomically: false, encoding: .utf8)
        try PlanFiles.write(to: dir, document: doc, result: r, load: load, sla: Self.sla, scenario: "t")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir)) == Set(PlanFiles.names))
        #expect(try String(contentsOfFile: dir + "/plan.json", encoding: .utf8) == (try JSONOutput.encode(doc)) + "\n")
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.contains("<svg"))
        // No network: the only URL is the SVG namespace, which is never fetched.
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))
        #expect(try String(contentsOfFile: dir + "/schedule.csv", encoding: .utf8).hasPrefix("start,end,replicas,design_rate\n"))
        // A file where the directory should be is a precise error.
        let file = dir + "/plan.json"
        let error = #expect(throws: PlanningError.self) {
            try PlanFiles.write(to: file, document: doc, result: r, load: load, sla: Self.sla, scenario: "t")
        }
        #expect(error?.key == "--output")
    }

    /// A plan of a `+02:00` history writes every time on that clock: the
    /// schedule in plan.json and schedule.csv, timeseries.csv and the
    /// report's axis; the same instants as the UTC plan.
    @Test func everyWrittenTimeIsInThePlansZone() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let r = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600, plans: [.schedule]).plan(rates: [20, 40], curve: curve)
        let zone = try #require(HistoryTimeZone(parsing: "+02:00"))
        let origin = 1_704_060_000.0  // 2023-12-31T22:00:00Z, local midnight at +02:00
        let doc = PlanDocument(r, sla: Self.sla, origin: origin, zone: zone, gpusPerReplica: 1, pricePerGPUHour: nil)
        let load = PlanLoad(interval: 600, origin: origin, source: "t", expected: [20, 40], planned: [20, 40], headroom: 1, zone: zone)
        #expect(doc.schedule.first?.start == "2024-01-01T00:00:00+02:00")
        let schedule = PlanFiles.scheduleCSV(doc).split(separator: "\n")
        #expect(schedule[1].hasPrefix("2024-01-01T00:00:00+02:00,"))
        let series = PlanFiles.timeSeriesCSV(r, load: load).split(separator: "\n")
        #expect(series[1].hasPrefix("2024-01-01T00:00:00+02:00,2024-01-01T00:10:00+02:00,"))
        #expect(series[2].hasPrefix("2024-01-01T00:10:00+02:00,"))
        #expect(PlanFiles.html(doc, result: r, load: load, sla: Self.sla, scenario: "t").contains("hours from 2024-01-01T00:00:00+02:00"))
        #expect(!PlanFiles.timeSeriesCSV(r, load: load).contains("Z,"))
        // The report's schedule table, on the same clock.
        let html = PlanFiles.html(doc, result: r, load: load, sla: Self.sla, scenario: "t")
        #expect(html.contains("Times are on the +02:00 clock."))
        for e in doc.schedule {
            #expect(html.contains("<tr><td class=\"short\">\(e.start)</td><td class=\"short\">\(e.end)</td><td class=\"short\">\(e.replicas)</td>"))
        }
    }

    /// The report shows money as a table (GPU-hours, cost, cost per million
    /// tokens and the price's source) and every plan's SLA strip.
    @Test func theReportHasMoneyAndAttainmentForEveryPlan() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let r = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600).plan(rates: [20, 40], curve: curve)
        let doc = PlanDocument(r, sla: Self.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: 2, meanPromptTokens: 1)
        let load = PlanLoad(interval: 600, origin: 0, source: "t", expected: [20, 40], planned: [20, 40], headroom: 1)
        let html = PlanFiles.html(doc, result: r, load: load, sla: Self.sla, scenario: "t")
        let cost = try #require(doc.cost)
        #expect(html.contains("<td class=\"short\">USD \(NumberFormatting.fixed(cost.staticGpuHours * 2, decimals: 2))</td>"))
        #expect(html.contains("Cost per million tokens served within the SLA"))
        #expect(html.contains("Price: USD 2 per GPU-hour, from "))
        for (name, v) in r.verifications {
            #expect(html.contains("data-plan=\"\(name)\" data-met=\"\(v.intervals.filter(\.slaMet).count)\" data-intervals=\"2\""))
        }
        // History, not forecast, and headroom 1: expected, planned and design
        // are one line with one legend entry.
        #expect(html.contains(">history = planned = design (planned × 1 headroom)</text>"))
    }

    /// What the scenario's profile does not cover (a fitted range, a
    /// context) is in the report and the summary, not only on stderr.
    @Test func theScenariosWarningsAreInTheReportAndTheSummary() throws {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let r = try HorizonPlanner(base: Self.base(), sla: Self.sla, interval: 600).plan(rates: [20, 40], curve: curve)
        let doc = PlanDocument(r, sla: Self.sla, origin: 0, gpusPerReplica: 1, pricePerGPUHour: 2, meanPromptTokens: 1)
        let load = PlanLoad(interval: 600, origin: 0, source: "t", expected: [20, 40], planned: [20, 40], headroom: 1)
        let warning = "every request is longer than the 1039 tokens (prompt + output) profile p was fitted on (up to 2500 tokens)"
        #expect(PlanFiles.html(doc, result: r, load: load, sla: Self.sla, scenario: "t", warnings: [warning])
            .contains("<p>Warning: \(warning).</p>"))
        #expect(!PlanFiles.html(doc, result: r, load: load, sla: Self.sla, scenario: "t").contains("Warning:"))
        let text = PlanSummary.horizon(doc, result: r, load: load, sla: Self.sla, scenario: "t", output: nil, warnings: [warning])
        #expect(text.contains("\nwarning: \(warning)\n"))
    }
}
