import CapacityPlanning
import Foundation
import Scenario
import ServingModel
import Testing
import Workload
import Yams
@testable import Report

/// `plan --emit kubernetes`: the manifests read back (parsed as YAML) into a
/// scenario's `cluster:` section give the plan's own verification — the
/// same replica trajectory, the same per-interval values and verdicts —
/// and hold to the Kubernetes and KEDA schemas.
@Suite struct KubernetesManifestsTests {
    static let sla = PlanFilesTests.sla
    /// 2024-01-01T00:00:00Z.
    static let origin = 1_704_067_200.0
    static let rates = [20.0, 40, 60, 20]

    /// The M/D/1 replicas of ``PlanFilesTests``, optionally under Knative's KPA.
    static func base(kpa: Bool = false) -> ServingConfiguration {
        var b = PlanFilesTests.base()
        if kpa {
            var k = KnativePodAutoscaler.Settings(minReplicas: 1, maxReplicas: 1)
            k.stableWindow = 30
            b.replicas.dynamics?.scaler = .kpa(k, scrape: KnativePodAutoscaler.defaultScrape)
        }
        return b
    }

    /// The HPA and KPA plans, each planned once for every test that reads it.
    static let planned = Result { try makePlan(kpa: false) }
    static let plannedKPA = Result { try makePlan(kpa: true) }

    static func plan(kpa: Bool = false) throws -> (HorizonPlanner.Result, KubernetesManifests) {
        try (kpa ? plannedKPA : planned).get()
    }

    static func makePlan(kpa: Bool) throws -> (HorizonPlanner.Result, KubernetesManifests) {
        let curve = try CapacityCurve(points: [.init(replicas: 1, maxRate: 15, inFlightPerReplica: 2)])
        let planner = try HorizonPlanner(base: base(kpa: kpa), sla: sla, interval: 600)
        let r = try planner.plan(rates: rates, curve: curve)
        let period = PlanPeriod(basis: .named, start: 0, count: rates.count, origin: origin, interval: 600, zone: .utc)
        let m = try KubernetesManifests(r, base: base(kpa: kpa), sla: sla, period: period,
                                        options: ManifestOptions(deployment: "llama", namespace: "serving"))
        return (r, m)
    }

    static func yaml(_ m: KubernetesManifests, _ name: String) throws -> [String: Any] {
        let text = try #require(m.files.first { $0.name == name }?.text, "\(name) not written")
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// A Kubernetes quantity (`900m`, `3`) as a number.
    static func quantity(_ s: String) -> Double {
        s.hasSuffix("m") ? Double(s.dropLast())! / 1000 : Double(s)!
    }

    /// The simulation scenario around a `cluster:` section read back from manifests.
    static func scenario(count: Int = 1, cluster: String? = nil) throws -> ServingConfiguration {
        try ScenarioLoader.parse(text: """
            name: md1
            seed: 11
            duration: 5m
            workload: {arrivals: {process: poisson, rate: 1/s}}
            replicas: {count: \(count), batching: {policy: none}, service: {distribution: deterministic, value: 50ms}}

            """ + (cluster.map { "cluster:\n" + $0 + "\n" } ?? ""), file: "/tmp/manifest-roundtrip.yaml")
    }

    static func sameVerification(_ a: HorizonVerification, _ b: HorizonVerification) {
        #expect(a.replicaSeries == b.replicaSeries)
        #expect(a.intervals.map(\.values) == b.intervals.map(\.values))
        #expect(a.intervals.map(\.met) == b.intervals.map(\.met))
        #expect(a.simulatedGPUHours == b.simulatedGPUHours)
    }

    @Test func theHPAReadBackIntoAScenarioVerifiesTheSameTrajectory() throws {
        let (r, m) = try Self.plan()
        let a = try #require(r.autoscaler)
        guard case .hpa(let planned, _, _) = a.plan else { Issue.record("expected an HPA plan"); return }
        let hpa = try Self.yaml(m, "hpa.yaml")
        #expect(hpa["apiVersion"] as? String == "autoscaling/v2")
        let spec = try #require(hpa["spec"] as? [String: Any])
        let metric = try #require((spec["metrics"] as? [[String: Any]])?.first?["pods"] as? [String: Any])
        let name = try #require((metric["metric"] as? [String: Any])?["name"] as? String)
        let vllm = try #require(VLLMMetric.named(name))
        let target = Self.quantity(try #require((metric["target"] as? [String: Any])?["averageValue"] as? String))
        let behavior = try #require(spec["behavior"] as? [String: Any])
        let up = try #require(behavior["scaleUp"] as? [String: Any]), down = try #require(behavior["scaleDown"] as? [String: Any])
        let upPolicies = try #require(up["policies"] as? [[String: Any]]), downPolicies = try #require(down["policies"] as? [[String: Any]])
        func policy(_ list: [[String: Any]], _ type: String) -> Int? { list.first { $0["type"] as? String == type }?["value"] as? Int }
        let cluster = """
              min_replicas: \(spec["minReplicas"] as! Int)
              max_replicas: \(spec["maxReplicas"] as! Int)
              autoscaler:
                kind: hpa
                metric: \(vllm.metric.rawValue)
                target: \(target)
                scale_up_stabilization: \(up["stabilizationWindowSeconds"] as! Int)s
                scale_down_stabilization: \(down["stabilizationWindowSeconds"] as! Int)s
                scale_up_percent: \(policy(upPolicies, "Percent") ?? 0)%
                scale_up_pods: \(policy(upPolicies, "Pods") ?? 0)
                scale_down_percent: \(policy(downPolicies, "Percent") ?? 0)%
                policy_period: \(upPolicies[0]["periodSeconds"] as! Int)s
                scrape_interval: 15s
                metric_lag: 8s
            """
        let read = try Self.scenario(count: spec["minReplicas"] as! Int, cluster: cluster)
        guard case .hpa(let settings, let readMetric, let scrape)? = read.replicas.dynamics?.scaler else {
            Issue.record("the scenario read back has no HPA"); return
        }
        // The target is written in thousandths (the planner's 0.8959999… as
        // 896m); when that moved it, the written form was verified on its own.
        var written = planned
        written.target = KubernetesManifests.quantity(planned.target).value
        #expect(settings == written)
        #expect(readMetric == .inFlight)
        #expect(scrape == MetricScrape(interval: 15, lag: 8))
        let own = m.reverified.first { $0.plan == "autoscaler" }
        #expect((own != nil) == (written.target != planned.target))
        let reference = own?.verification ?? a.verification
        let verifier = try HorizonVerifier(base: Self.base(), sla: Self.sla, interval: 600)
        let again = try verifier.verify(.autoscaler(.hpa(settings), initial: r.needs[0]), rates: Self.rates)
        Self.sameVerification(again, reference)
        #expect(again.slaMet && reference.slaMet)

        // The KEDA ScaledObject carries the same HPA.
        let so = try Self.yaml(m, "keda-scaledobject.yaml")
        let soSpec = try #require(so["spec"] as? [String: Any])
        #expect(soSpec["minReplicaCount"] as? Int == planned.minReplicas)
        #expect(soSpec["maxReplicaCount"] as? Int == planned.maxReplicas)
        let trigger = try #require((soSpec["triggers"] as? [[String: Any]])?.first)
        let meta = try #require(trigger["metadata"] as? [String: String])
        // KEDA truncates threshold × 1000 to milli-units.
        #expect(Double(Int(Double(meta["threshold"]!)! * 1000)) / 1000 == written.target)
        #expect(meta["query"] == "sum(vllm:num_requests_running{namespace=\"serving\",pod=~\"llama-.*\"}) + "
                + "sum(vllm:num_requests_waiting{namespace=\"serving\",pod=~\"llama-.*\"})")
        let kedaBehavior = ((soSpec["advanced"] as? [String: Any])?["horizontalPodAutoscalerConfig"] as? [String: Any])?["behavior"]
        #expect(NSDictionary(dictionary: try #require(kedaBehavior as? [String: Any])) == NSDictionary(dictionary: behavior))
        // The adapter serves the metric name the HPA asks for.
        let rules = try Self.yaml(m, "prometheus-adapter-rules.yaml")
        let rule = try #require((rules["rules"] as? [[String: Any]])?.first)
        #expect((rule["name"] as? [String: Any])?["as"] as? String == name)
        #expect((rule["metricsQuery"] as? String)?.contains("vllm:num_requests_waiting{<<.LabelMatchers>>}") == true)
    }

    /// Parses `M H D Mon *` (date-specific) into seconds after ``origin`` (2024-01-01, UTC).
    static func cronTime(_ expr: String) -> Double {
        let f = expr.split(separator: " ").map { Int($0) }
        #expect(f[3] == 1 && f[2] == 1, "the test plan lies on 2024-01-01")
        return Double(f[1]! * 3600 + f[0]! * 60)
    }

    /// The README states the controller and scrape timing the HPA plan was
    /// verified with: the plan's own, not a fixed text.
    @Test func theReadmeNamesTheTimingTheHPAWasVerifiedWith() throws {
        let (r, m) = try Self.plan()
        guard case .hpa(let h, _, let scrape)? = r.autoscaler?.plan else { Issue.record("expected an HPA plan"); return }
        let readme = try #require(m.files.first { $0.name == "README.md" }?.text)
        func f(_ x: Double) -> String { NumberFormatting.short(x) }
        #expect(readme.contains("verified with a \(f(h.syncPeriod)) s HPA sync and tolerance \(f(h.tolerance)), and the metric "
                                + "sampled every \(f(scrape.interval)) s and seen \(f(scrape.lag)) s late"))
    }

    @Test func theCronScheduleReadBackVerifiesTheSameTrajectory() throws {
        let (r, m) = try Self.plan()
        let s = try #require(r.schedule)
        let so = try Self.yaml(m, "keda-schedule-scaledobject.yaml")
        let spec = try #require(so["spec"] as? [String: Any])
        let floor = try #require(spec["minReplicaCount"] as? Int)
        let windows = try (spec["triggers"] as? [[String: Any]] ?? []).map { t -> (Double, Double, Int) in
            #expect(t["type"] as? String == "cron")
            let meta = try #require(t["metadata"] as? [String: String])
            #expect(meta["timezone"] == "Etc/UTC")
            return (Self.cronTime(meta["start"]!), Self.cronTime(meta["end"]!), Int(meta["desiredReplicas"]!)!)
        }
        #expect(!windows.isEmpty)
        // KEDA's rule: the largest active trigger, the floor when none is; as scenario steps.
        let cuts = Set([0] + windows.flatMap { [$0.0, $0.1] }).sorted().filter { $0 < 2400 }
        var steps: [(Double, Int)] = []
        for t in cuts {
            let n = max(floor, windows.filter { $0.0 <= t && t < $0.1 }.map(\.2).max() ?? 0)
            if steps.last?.1 != n { steps.append((t, n)) }
        }
        let read = try Self.scenario(count: steps[0].1, cluster: """
              min_replicas: 1
              max_replicas: \(spec["maxReplicaCount"] as! Int)
              autoscaler: {kind: schedule, steps: [\(steps.map { "[\(Int($0.0))s, \($0.1)]" }.joined(separator: ", "))]}
            """)
        guard case .schedule(let schedule)? = read.replicas.dynamics?.scaler else { Issue.record("no schedule read back"); return }
        let entries = zip(schedule.starts, schedule.counts).map { ScheduleEntry(start: $0, end: 0, replicas: $1, expectedRate: 0) }
        let verifier = try HorizonVerifier(base: Self.base(), sla: Self.sla, interval: 600)
        let again = try verifier.verify(.schedule(entries), rates: Self.rates)
        Self.sameVerification(again, s.verification)
        #expect(!m.reverified.contains { $0.plan == "schedule" }, "a 120 s lead keeps every step on a whole minute")
    }

    @Test func theStaticPatchReadBackVerifiesTheSameResult() throws {
        let (r, m) = try Self.plan()
        let s = try #require(r.staticPlan)
        let patch = try Self.yaml(m, "deployment-replicas-patch.yaml")
        #expect(Set(patch.keys) == ["apiVersion", "kind", "metadata", "spec"])
        let n = try #require((patch["spec"] as? [String: Any])?["replicas"] as? Int)
        let read = try Self.scenario(count: n).replicas
        let verifier = try HorizonVerifier(base: Self.base(), sla: Self.sla, interval: 600)
        Self.sameVerification(try verifier.verify(.fixed(read.count), rates: Self.rates), s.verification)
        #expect(n == s.plan)
    }

    @Test func theKnativeAnnotationsReadBackVerifyTheSameTrajectory() throws {
        let (r, m) = try Self.plan(kpa: true)
        let a = try #require(r.autoscaler)
        guard case .kpa(let planned, _) = a.plan else { Issue.record("expected a KPA plan"); return }
        #expect(m.files.map(\.name).contains("hpa.yaml") == false)
        let svc = try Self.yaml(m, "knative-service-patch.yaml")
        let ann = try #require(((((svc["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["annotations"])
                                as? [String: String])
        func value(_ key: String) -> String { ann["autoscaling.knative.dev/" + key] ?? "missing" }
        #expect(value("class") == "kpa.autoscaling.knative.dev")
        #expect(value("metric") == "concurrency")
        #expect(value("target-utilization-percentage") == "100.0")
        let read = try Self.scenario(count: Int(value("min-scale"))!, cluster: """
              min_replicas: \(value("min-scale"))
              max_replicas: \(value("max-scale"))
              autoscaler:
                kind: kpa
                target: \(value("target"))
                stable_window: \(value("window"))
                panic_window_percentage: \(value("panic-window-percentage"))%
                panic_threshold_percentage: \(value("panic-threshold-percentage"))%
            """)
        guard case .kpa(let settings, let scrape)? = read.replicas.dynamics?.scaler else { Issue.record("no KPA read back"); return }
        #expect(settings == planned)
        let verifier = try HorizonVerifier(base: Self.base(kpa: true), sla: Self.sla, interval: 600)
        Self.sameVerification(try verifier.verify(.autoscaler(.kpa(settings, scrape: scrape), initial: r.needs[0]), rates: Self.rates), a.verification)
    }
}
