import CapacityPlanning
import Foundation
import Testing
import Workload
import Yams
@testable import Report

/// The ScaledObjects `plan --emit kubernetes` writes, held to the rules of
/// KEDA's CRD (kedacore/keda `config/crd/bases/keda.sh_scaledobjects.yaml`,
/// `keda.sh/v1alpha1`), encoded here for the fields we emit: `spec`
/// requires `scaleTargetRef` (with a non-empty `name`) and `triggers` (at
/// least one, each with a non-empty `type` and a `metadata` map of strings);
/// `pollingInterval`, `cooldownPeriod`, `minReplicaCount`, `maxReplicaCount`
/// are int32; the HPA behaviour's policies need `type`, `value` and
/// `periodSeconds` (int32, `value` > 0, period 1–1800 s) and windows are
/// 0–3600 s. The CRD declares no unknown fields, so the API server would
/// prune any key it does not list: an unknown key is an error here.
@Suite struct ScaledObjectSchemaTests {
    /// Problems of `object` against the CRD's rules, as `path: what`.
    static func problems(_ object: [String: Any]) -> [String] {
        var out: [String] = []
        func known(_ m: [String: Any], _ keys: Set<String>, _ path: String) {
            for k in m.keys where !keys.contains(k) { out.append("\(path).\(k): not in the CRD") }
        }
        func int32(_ v: Any?, _ path: String, _ range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max), required: Bool = false) {
            guard let v else { if required { out.append("\(path): required") }; return }
            guard let i = v as? Int, range.contains(i) else { out.append("\(path): expected an integer in \(range), got \(v)"); return }
        }
        known(object, ["apiVersion", "kind", "metadata", "spec"], "")
        if object["apiVersion"] as? String != "keda.sh/v1alpha1" { out.append("apiVersion: expected keda.sh/v1alpha1") }
        if object["kind"] as? String != "ScaledObject" { out.append("kind: expected ScaledObject") }
        guard let spec = object["spec"] as? [String: Any] else { return out + ["spec: required object"] }
        known(spec, ["scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
                     "minReplicaCount", "maxReplicaCount", "advanced", "fallback", "triggers"], "spec")
        if let ref = spec["scaleTargetRef"] as? [String: Any] {
            known(ref, ["apiVersion", "kind", "name", "envSourceContainerName"], "spec.scaleTargetRef")
            if (ref["name"] as? String)?.isEmpty != false { out.append("spec.scaleTargetRef.name: required, minLength 1") }
            for k in ["apiVersion", "kind"] where ref[k] != nil && !(ref[k] is String) { out.append("spec.scaleTargetRef.\(k): expected a string") }
        } else {
            out.append("spec.scaleTargetRef: required object")
        }
        for k in ["pollingInterval", "cooldownPeriod", "minReplicaCount", "maxReplicaCount"] { int32(spec[k], "spec.\(k)") }
        if let advanced = spec["advanced"] as? [String: Any] {
            known(advanced, ["horizontalPodAutoscalerConfig", "restoreToOriginalReplicaCount", "scalingModifiers"], "spec.advanced")
            if let hpa = advanced["horizontalPodAutoscalerConfig"] as? [String: Any] {
                known(hpa, ["behavior", "name"], "spec.advanced.horizontalPodAutoscalerConfig")
                let behavior = hpa["behavior"] as? [String: Any] ?? [:]
                known(behavior, ["scaleUp", "scaleDown"], "behavior")
                for (dir, rules) in behavior {
                    guard let rules = rules as? [String: Any] else { out.append("behavior.\(dir): expected an object"); continue }
                    known(rules, ["policies", "selectPolicy", "stabilizationWindowSeconds", "tolerance"], "behavior.\(dir)")
                    int32(rules["stabilizationWindowSeconds"], "behavior.\(dir).stabilizationWindowSeconds", 0...3600)
                    if let p = rules["selectPolicy"], !["Max", "Min", "Disabled"].contains(p as? String ?? "") {
                        out.append("behavior.\(dir).selectPolicy: expected Max, Min or Disabled")
                    }
                    for (i, p) in (rules["policies"] as? [[String: Any]] ?? []).enumerated() {
                        let path = "behavior.\(dir).policies[\(i)]"
                        known(p, ["type", "value", "periodSeconds"], path)
                        if !["Pods", "Percent"].contains(p["type"] as? String ?? "") { out.append("\(path).type: expected Pods or Percent") }
                        int32(p["value"], path + ".value", 1...Int(Int32.max), required: true)
                        int32(p["periodSeconds"], path + ".periodSeconds", 1...1800, required: true)
                    }
                }
            }
        }
        guard let triggers = spec["triggers"] as? [[String: Any]], !triggers.isEmpty else { return out + ["spec.triggers: required, minItems 1"] }
        for (i, t) in triggers.enumerated() {
            let path = "spec.triggers[\(i)]"
            known(t, ["authenticationRef", "metadata", "metricType", "name", "type", "useCachedMetrics"], path)
            if (t["type"] as? String)?.isEmpty != false { out.append("\(path).type: required, minLength 1") }
            if let mt = t["metricType"], !["AverageValue", "Value", "Utilization"].contains(mt as? String ?? "") {
                out.append("\(path).metricType: expected AverageValue, Value or Utilization")
            }
            guard let meta = t["metadata"] as? [String: Any] else { out.append("\(path).metadata: required object"); continue }
            for (k, v) in meta where !(v is String) { out.append("\(path).metadata.\(k): expected a string, got \(v)") }
        }
        return out
    }

    /// The metadata each trigger type needs (kedacore/keda `pkg/scalers/prometheus_scaler.go`, `cron_scaler.go`).
    static func triggerProblems(_ object: [String: Any]) -> [String] {
        let triggers = (object["spec"] as? [String: Any])?["triggers"] as? [[String: Any]] ?? []
        var out: [String] = []
        for t in triggers {
            let meta = t["metadata"] as? [String: String] ?? [:]
            switch t["type"] as? String {
            case "prometheus":
                for k in ["serverAddress", "query", "threshold"] where meta[k] == nil { out.append("prometheus: \(k) required") }
                for k in ["threshold", "activationThreshold"] where meta[k] != nil && Double(meta[k]!) == nil { out.append("prometheus: \(k) not a number") }
            case "cron":
                for k in ["timezone", "start", "end", "desiredReplicas"] where meta[k] == nil { out.append("cron: \(k) required") }
                if meta["start"] == meta["end"] { out.append("cron: start and end equal") }
                for k in ["start", "end"] where meta[k]?.split(separator: " ").count != 5 { out.append("cron: \(k) not five fields") }
                if (Int(meta["desiredReplicas"] ?? "") ?? 0) < 1 { out.append("cron: desiredReplicas not a count >= 1") }
            default: out.append("unexpected trigger type")
            }
        }
        return out
    }

    @Test func emittedScaledObjectsHoldToTheCRD() throws {
        let (_, m) = try KubernetesManifestsTests.plan()
        let names = m.files.map(\.name).filter { $0.hasPrefix("keda-") }
        #expect(Set(names) == ["keda-scaledobject.yaml", "keda-schedule-scaledobject.yaml"])
        for name in names {
            let object = try KubernetesManifestsTests.yaml(m, name)
            #expect(Self.problems(object) == [], "\(name)")
            #expect(Self.triggerProblems(object) == [], "\(name)")
        }
    }

    @Test func theRulesCatchWhatTheCRDRefuses() {
        let bad: [String: Any] = ["apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
                                  "spec": ["scaleTargetRef": ["name": ""], "pollingInterval": "30", "triggers": [["type": "cron", "metadata": ["desiredReplicas": 3]]],
                                           "advanced": ["horizontalPodAutoscalerConfig": ["behavior": ["scaleUp": ["policies": [["type": "Pods", "value": 0, "periodSeconds": 15]]]]]],
                                           "replicas": 3] as [String: Any]]
        let p = Self.problems(bad)
        #expect(p.contains("spec.scaleTargetRef.name: required, minLength 1"))
        #expect(p.contains { $0.hasPrefix("spec.pollingInterval: expected an integer") })
        #expect(p.contains("spec.replicas: not in the CRD"))
        #expect(p.contains { $0.hasPrefix("spec.triggers[0].metadata.desiredReplicas: expected a string") })
        #expect(p.contains { $0.hasPrefix("behavior.scaleUp.policies[0].value: expected an integer") })
        #expect(Self.triggerProblems(bad).contains("cron: start required"))
    }

    @Test func minuteRoundingWidensStepsAndTheToleranceCatchesSmallSteps() {
        // A rise at 00:02:30 moves to 00:02, a fall at 00:30:30 to 00:31.
        let entries = [ScheduleEntry(start: 0, end: 150, replicas: 20, expectedRate: 0),
                       ScheduleEntry(start: 150, end: 1830, replicas: 21, expectedRate: 0),
                       ScheduleEntry(start: 1830, end: 3600, replicas: 15, expectedRate: 0)]
        let c = CronSchedule(entries, origin: KubernetesManifestsTests.origin, horizon: 3600, zone: .utc, daily: false)
        #expect(c.moved)
        #expect(c.steps.map(\.start) == [0, 120, 1860])
        #expect(c.steps.map(\.replicas) == [20, 21, 15])
        #expect(c.cron(120) == "2 0 1 1 *")
        #expect(c.floor == 15 && c.ceiling == 21)
        #expect(c.windows.map(\.replicas) == [20, 21])
        // 20 → 21 is 5%: the HPA's 10% tolerance swallows it; a fall to the floor reads 0 and always acts.
        #expect(c.withinTolerance().map(\.to) == [21])
        let daily = CronSchedule(entries, origin: KubernetesManifestsTests.origin, horizon: 86_400, zone: HistoryTimeZone(parsing: "Europe/Berlin")!, daily: true)
        #expect(daily.timeZone == "Europe/Berlin")
        #expect(daily.cron(120) == "2 1 * * *")
        // KEDA truncates threshold × 1000 (Go's float64, the same IEEE arithmetic).
        for x in [0.29, 0.57, 1.13, 4.35, 25.4, 0.001, 7] {
            #expect(Int(Double(KubernetesManifests.kedaThreshold(x))! * 1000) == Int((x * 1000).rounded()), "\(x)")
        }
        #expect(KubernetesManifests.quantity(25.4).text == "25400m")
        #expect(KubernetesManifests.quantity(25).text == "25")
    }
}
