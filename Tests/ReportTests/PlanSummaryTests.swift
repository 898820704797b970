import CapacityPlanning
import Foundation
import Report
import ServingModel
import Testing
import Workload

/// The static plan of `headroom plan --peak-rate`: its JSON document and table.
@Suite struct PlanSummaryTests {
    /// M/M/c replicas (μ = 10/s), sized by Erlang C at 90 req/s.
    static func report(price: Double? = 2) throws -> StaticPlanReport {
        let base = ServingConfiguration(name: "mmc", seed: 11, duration: 240, warmup: 20, arrivals: .processes([.poisson(rate: 1)]),
                                        sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                                        replicas: ReplicaConfiguration(count: 1, batching: .unbatched, service: .exponential(mean: 0.1)))
        let sla = SLA(targets: [.latency(statistic: .p99, metric: .queueWait, seconds: 0.05)])
        let plan = try StaticPlanner(base: base, designRate: 90, sla: sla).plan()
        return StaticPlanReport(plan, scenario: "mmc", sla: sla, peakRate: 30, headroom: 3, confidence: 0.95, replications: 4,
                                pricePerGPUHour: price)
    }

    @Test func theDocumentIsThePlanOfOneDesignRate() throws {
        let r = try Self.report()
        let replicas = try #require(r.static?.replicas)
        #expect(r.designRate == 90 && r.method == "erlang_c")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(r.document).utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["design_rate", "static", "schedule", "verification", "cost"])
        #expect((json["static"] as? [String: Int]) == ["replicas": replicas, "gpus": replicas])
        let cost = try #require(json["cost"] as? [String: Any])
        #expect(cost["static_gpu_hours"] as? Double == Double(replicas) * 24 && cost["static_cost"] as? Double == Double(replicas) * 48)
        #expect(((json["verification"] as? [String: Any])?["attainment"] as? [String: Double]) == ["static": r.verification.slaMet ? 1 : 0])
        #expect(try Self.report(price: nil).document.cost == nil)
    }

    @Test func theTableShowsTheLoadTheSizeAndTheTargets() throws {
        let r = try Self.report()
        let text = PlanSummary.staticPlan(r)
        #expect(text.contains("design load  90.00 req/s = peak 30.00 req/s × 3.000"))
        #expect(text.contains("replicas     \(r.static!.replicas) (\(r.static!.replicas) GPUs), by Erlang C, verified by simulation"))
        #expect(text.contains("p99_queue_wait"))
        #expect(text.contains("replicas tried"))
        #expect(text.contains("GPU-hours/day, USD"))
        #expect(!text.contains("warning:"))
        #expect(PlanSummary.staticPlan(r, warnings: ["every request is longer than ..."]).hasSuffix("\nwarning: every request is longer than ..."))
    }
}
