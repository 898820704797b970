import Foundation
import ServingModel
import TestSupport
import Testing
import Workload
@testable import Scenario

@Suite struct UnitsTests {
    @Test func durationsRatesPercentagesAndMultipliers() {
        #expect(Units.duration("250ms") == 0.25)
        #expect(Units.duration("1.5s") == 1.5)
        #expect(Units.duration("10m") == 600)
        #expect(Units.duration("2h") == 7200)
        #expect(Units.duration("7d") == 604_800)
        #expect(abs(Units.duration("40us")! - 40e-6) < 1e-15)
        #expect(Units.duration("3") == 3)
        #expect(Units.duration("fast") == nil)
        #expect(Units.rate("120/s") == 120)
        #expect(Units.rate("3200/min")! == 3200.0 / 60)
        #expect(Units.rate("36/h") == 0.01)
        #expect(Units.rate("5/fortnight") == nil)
        #expect(Units.fraction("0.1%") == 0.001)
        #expect(Units.multiplier("3x") == 3)
        #expect(Units.multiplier("x") == nil)
    }
}

@Suite struct ScenarioLoaderTests {
    static let root = TestData.root

    static func write(_ text: String, name: String = "s.yaml") throws -> String {
        try TestData.write(text, name: name)
    }

    @Test func theIssueExampleLoadsExactlyAsWritten() throws {
        let c = try ScenarioLoader.load(path: Self.root.appendingPathComponent("examples/mmc-check.yaml").path)
        #expect(c.name == "mmc-check")
        #expect(c.seed == 7)
        #expect(c.duration == 7200)
        #expect(c.warmup == 600)
        #expect(c.replicas.count == 8)
        #expect(c.replicas.batching == .unbatched)
        #expect(c.replicas.service == .exponential(mean: 0.010))
        #expect(c.replicas.dispatch == .sharedQueue)
        guard case .processes(let ps) = c.arrivals else { Issue.record("expected processes"); return }
        #expect(ps == [.poisson(rate: 720)])
    }

    @Test func everyBundledExampleValidates() throws {
        let dir = Self.root.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 7)
        for f in files {
            #expect(throws: Never.self, "\(f)") { _ = try ScenarioLoader.load(path: dir.appendingPathComponent(f).path) }
        }
    }

    @Test func disaggregationIsReadAndChecked() throws {
        let dir = Self.root.appendingPathComponent("examples/disaggregation")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count == 4)
        for f in files {
            #expect(throws: Never.self, "\(f)") { _ = try ScenarioLoader.load(path: dir.appendingPathComponent(f).path) }
        }
        let split = try ScenarioLoader.load(path: dir.appendingPathComponent("prefill-3.yaml").path).replicas.disaggregation
        #expect(split == Disaggregation(prefillReplicas: 3, kvBytesPerToken: 524_288, bandwidth: 25e9, latency: 0.001))
        #expect(Units.byteRate("400Gbit/s") == 50e9 && Units.byteRate("1GiB/s") == 1_073_741_824 && Units.byteRate("fast") == nil)
        let text = try String(contentsOf: dir.appendingPathComponent("prefill-3.yaml"), encoding: .utf8)
        for (bad, key) in [("prefill: 3,", "prefill: 8,"), ("bandwidth: 25GB/s", "bandwidth: fast")].map({ ($0.1, $0.0) }) {
            let path = try Self.write(text.replacingOccurrences(of: key, with: bad)
                .replacingOccurrences(of: "../../data", with: Self.root.path + "/data")
                .replacingOccurrences(of: "../../models", with: Self.root.path + "/models"))
            let e = #expect(throws: ScenarioError.self) { _ = try ScenarioLoader.load(path: path) }
            #expect(e?.issues.contains { $0.description.contains("replicas.disaggregation") } == true, "\(e?.issues ?? [])")
        }
    }

    @Test func aColdStartIsASumOfStages() throws {
        let c = try ScenarioLoader.parse(text: """
            name: stages
            duration: 1h
            workload: {arrivals: {process: poisson, rate: 1/s}}
            replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            cluster:
              max_replicas: 4
              cold_start: {distribution: sum, of: [20s, {distribution: lognormal, median: 30s, p99: 2m}, {distribution: gamma, shape: 4, mean: 20s}]}
            """, file: "stages.yaml")
        #expect(c.replicas.dynamics?.coldStart == .sum([.deterministic(20), .lognormal(median: 30, p99: 120), .gamma(shape: 4, scale: 5)]))
        let e = #expect(throws: ScenarioError.self) {
            _ = try ScenarioLoader.parse(text: """
                name: stages
                duration: 1h
                workload: {arrivals: {process: poisson, rate: 1/s}}
                replicas: {count: 1, batching: {policy: none}, service: {distribution: sum, of: [10ms, soon]}}
                """, file: "bad.yaml")
        }
        #expect(e?.issues.contains { $0.description.contains("replicas.service.of[1]") } == true, "\(e?.issues ?? [])")
    }

    @Test func alertsAreReadAndEvaluated() throws {
        let text = """
            name: alerts
            duration: 10m
            workload: {arrivals: {process: poisson, rate: 30/s}}
            replicas: {count: 4, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            """
        let c = try ScenarioLoader.parse(text: text + "\nalerts: default", file: "a.yaml")
        #expect(c.alerts == AlertRule.fieldDefaults)
        let custom = try ScenarioLoader.parse(text: text + "\nalerts: [{metric: utilization, above: 50%, for: 1m}]", file: "a.yaml")
        #expect(custom.alerts == [AlertRule(name: "utilization > 0.5", metric: .utilization, above: true, threshold: 0.5, forDuration: 60)])
        // 30 req/s of 100-ms work on 4 servers: 75% busy, with an sd of
        // about 6 points per 10-s interval (300 requests each), so 50% is
        // 4 sd below: above it from the first interval, one firing at 60 s.
        let r = try ServingRun(configuration: custom).execute().result
        #expect(r.alerts.count == 1 && r.alerts[0].firstFiredAt == 60 && r.alerts[0].firings == 1)
        let e = #expect(throws: ScenarioError.self) {
            _ = try ScenarioLoader.parse(text: text + "\nalerts: [{metric: mean_latency, above: 1s, below: 2s}]", file: "a.yaml")
        }
        #expect(e?.issues.contains { $0.description.contains("alerts[0]") && $0.description.contains("above or below") } == true)
    }

    @Test func jsonScenariosWorkToo() throws {
        let path = try Self.write("""
        {"name": "j", "duration": "1h", "workload": {"arrivals": {"process": "poisson", "rate": "10/s"}},
         "replicas": {"count": 2, "batching": {"policy": "none"}, "service": {"distribution": "deterministic", "value": "5ms"}}}
        """, name: "s.json")
        let c = try ScenarioLoader.load(path: path)
        #expect(c.replicas.service == .deterministic(0.005))
    }

    @Test func everyProblemIsReportedWithLineAndKeyPath() throws {
        let path = try Self.write("""
        name: bad
        duration: soon
        warmup: 10m
        workload:
          arrivals: {process: poisson, rate: -5/s}
        replicas:
          count: 0
          batching: {policy: continuous, max_num_seqs: many}
          colour: blue
        """)
        do {
            _ = try ScenarioLoader.load(path: path)
            Issue.record("expected errors")
        } catch let e as ScenarioError {
            let text = e.issues.map(\.description)
            #expect(e.issues.count >= 5, "\(text)")
            #expect(text.contains { $0.contains(":2: duration:") && $0.contains("'soon'") })
            #expect(text.contains { $0.contains(":5: workload.arrivals.rate:") && $0.contains("> 0") })
            #expect(text.contains { $0.contains(":7: replicas.count:") && $0.contains("from 1") })
            #expect(text.contains { $0.contains("replicas.batching.max_num_seqs") && $0.contains("'many'") })
            #expect(text.contains { $0.contains(":9: replicas.colour: unknown key") })
        }
    }

    @Test func relativePathsResolveAgainstTheScenarioFolder() throws {
        let path = try Self.write("""
        duration: 1m
        workload:
          arrivals: {process: trace, trace: missing-trace.csv}
        replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 1ms}}
        """)
        do {
            _ = try ScenarioLoader.load(path: path)
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            #expect(e.issues.first?.message.contains(folder + "/missing-trace.csv") == true, "\(e)")
        }
    }

    @Test func profilesWithMissingOrNegativeCoefficientsAreRefused() throws {
        let good = try String(contentsOfFile: Self.root.appendingPathComponent("models/hardware/a100-llama2-7b.yaml").path, encoding: .utf8)
        let missing = try Self.write(good.replacingOccurrences(of: "  per_kv_token:", with: "  per_kv_tokens:"))
        do {
            _ = try HardwareProfileLoader.load(path: missing)
            Issue.record("expected an error")
        } catch let e as ScenarioError {
            let text = e.issues.map(\.description).joined(separator: "\n")
            #expect(text.contains("iteration.per_kv_token: missing"), "\(text)")
            #expect(text.contains("iteration.per_kv_tokens: unknown key"), "\(text)")
        }
        let negativeText = good.replacingOccurrences(of: #"(?m)^  fixed: \S+"#, with: "  fixed: -0.002", options: .regularExpression)
        #expect(negativeText != good)
        let negative = try Self.write(negativeText)
        #expect(throws: ScenarioError.self) { try HardwareProfileLoader.load(path: negative) }
        let p = try HardwareProfileLoader.load(path: Self.root.appendingPathComponent("models/hardware/a100-llama2-7b.yaml").path, quantization: "int8")
        #expect(p.iteration.speedFactor == 0.70)
        #expect(p.kvCacheTokens == Int(120_912 * 1.106))
    }
}

/// `autoscaler: {kind: schedule, file: CSV}` reads the planner's schedule.csv.
@Suite struct ScheduleCSVTests {
    static func scenario(_ csv: String) throws -> ServingConfiguration {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-schedule-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try csv.write(to: dir.appendingPathComponent("schedule.csv"), atomically: true, encoding: .utf8)
        return try ScenarioLoader.parse(text: """
            name: s
            duration: 3h
            workload: {arrivals: {process: poisson, rate: 1/s}}
            replicas: {count: 2, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
            cluster: {min_replicas: 1, max_replicas: 9, autoscaler: {kind: schedule, file: schedule.csv, lead: 0s}}
            """, file: dir.appendingPathComponent("s.yaml").path)
    }

    @Test func isoStartsAreTakenFromTheFirstRow() throws {
        let c = try Self.scenario("""
            start,end,replicas,expected_rate
            2024-01-15T00:00:00Z,2024-01-15T01:00:00Z,2,3.5
            2024-01-15T01:00:00Z,2024-01-15T02:00:00Z,5,9
            2024-01-15T02:00:00Z,2024-01-15T03:00:00Z,3,4
            """)
        guard case .schedule(let plan)? = c.replicas.dynamics?.scaler else {
            Issue.record("no schedule")
            return
        }
        #expect(plan.starts == [0, 3600, 7200])
        #expect(plan.counts == [2, 5, 3])
    }

    @Test func badRowsNameTheCSVLine() {
        do {
            _ = try Self.scenario("start,replicas\n0,2\n3600,many\n7200,20\n")
            Issue.record("accepted a bad schedule")
        } catch let e as ScenarioError {
            let text = e.issues.map(\.description).joined(separator: "\n")
            #expect(text.contains("schedule.csv:3") && text.contains("many"), "\(text)")
            #expect(text.contains("schedule.csv:4") && text.contains("'20'") && text.contains("1…9"), "\(text)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
