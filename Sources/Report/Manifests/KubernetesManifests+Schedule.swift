import CapacityPlanning
import Foundation
import ServingModel

/// The schedule plan as a KEDA `ScaledObject` of `cron` triggers, and the
/// KPA plan as Knative Service annotations.
extension KubernetesManifests {
    /// The HPA behaviour that lets each cron step through in one decision:
    /// no stabilisation, up to every replica at once.
    static func stepBehavior(maxReplicas: Int) -> ManifestYAML {
        func policy(_ type: String, _ value: Int) -> ManifestYAML {
            .map([("type", .string(type)), ("value", .int(value)), ("periodSeconds", .int(15))])
        }
        return .map([("scaleUp", .map([("stabilizationWindowSeconds", .int(0)), ("selectPolicy", .string("Max")),
                                       ("policies", .list([policy("Pods", maxReplicas)]))])),
                     ("scaleDown", .map([("stabilizationWindowSeconds", .int(0)), ("selectPolicy", .string("Max")),
                                         ("policies", .list([policy("Percent", 100)]))]))])
    }

    mutating func scheduleScaledObject(_ cron: CronSchedule) -> File {
        let name = options.deployment + "-schedule"
        let triggers = cron.windows.map { w in
            ManifestYAML.map([("type", .string("cron")), ("metadata", .map([
                ("timezone", .string(cron.timeZone)), ("start", .string(cron.cron(w.start))), ("end", .string(cron.cron(w.end))),
                ("desiredReplicas", .string(String(w.replicas))),
            ]))])
        }
        let yaml = ManifestYAML.map(header("keda.sh/v1alpha1", "ScaledObject", name: name, plan: "schedule") + [
            ("spec", .map([("scaleTargetRef", .map([("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")),
                                                    ("name", .string(options.deployment))])),
                           ("pollingInterval", .int(30)), ("cooldownPeriod", .int(300)),
                           ("minReplicaCount", .int(cron.floor)), ("maxReplicaCount", .int(cron.ceiling)),
                           ("advanced", .map([("horizontalPodAutoscalerConfig", .map([("behavior", Self.stepBehavior(maxReplicas: cron.ceiling))]))])),
                           ("triggers", .list(triggers))])),
        ])
        for s in cron.withinTolerance() {
            cautions.append("The schedule's step at \(cron.cron(s.at)) (\(cron.timeZone)) from \(s.from) to \(s.to) replicas is within the HPA's "
                            + "10% tolerance: the HPA that KEDA runs will not take it (Kubernetes 1.33+ can lower it per HPA with "
                            + "`behavior.scaleUp.tolerance`); apply that count by hand or use the static patch.")
        }
        let recur = cron.daily ? "daily" : "on the planned dates only"
        let what = "\(cron.windows.count) cron triggers (\(recur), \(cron.timeZone)) over a floor of \(cron.floor), up to \(cron.ceiling) replicas"
        return File(name: "keda-schedule-scaledobject.yaml",
                    text: Self.text(["headroom plan: schedule, \(what).",
                                     "Each trigger asks for its replicas from start to end; the largest active one wins, minReplicaCount otherwise."], yaml),
                    plan: "schedule", summary: "KEDA `ScaledObject`: \(what)")
    }

    /// Knative's bounds on the per-revision annotations
    /// (knative/serving `pkg/apis/autoscaling/annotation_validation.go`).
    static func knativeProblem(_ k: KnativePodAutoscaler.Settings) -> String? {
        if k.target < 0.01 { return "target \(k.target) is below Knative's 0.01" }
        if k.stableWindow != k.stableWindow.rounded() || k.stableWindow < 6 || k.stableWindow > 3600 {
            return "stable window \(k.stableWindow) s is not a whole number of seconds from 6 to 3600"
        }
        let panicWindow = k.panicWindowFraction * 100, panicThreshold = k.panicThreshold * 100
        if panicWindow < 1 || panicWindow > 100 { return "panic window \(panicWindow)% lies outside Knative's 1–100%" }
        if panicThreshold < 110 || panicThreshold > 1000 { return "panic threshold \(panicThreshold)% lies outside Knative's 110–1000%" }
        if k.maxReplicas < 1 { return "max-scale \(k.maxReplicas) would mean no limit" }
        return nil
    }

    mutating func addKPA(_ k: KnativePodAutoscaler.Settings, scrape: MetricScrape) {
        if let problem = Self.knativeProblem(k) { return skip("autoscaler", problem) }
        func decimal(_ x: Double) -> String { x == x.rounded() ? String(format: "%.1f", x) : "\(x)" }
        let annotations: [(String, ManifestYAML)] = [
            ("autoscaling.knative.dev/class", .string("kpa.autoscaling.knative.dev")),
            ("autoscaling.knative.dev/metric", .string("concurrency")),
            ("autoscaling.knative.dev/target", .string(decimal(k.target))),
            ("autoscaling.knative.dev/target-utilization-percentage", .string("100.0")),
            ("autoscaling.knative.dev/min-scale", .string(String(k.minReplicas))),
            ("autoscaling.knative.dev/max-scale", .string(String(k.maxReplicas))),
            ("autoscaling.knative.dev/window", .string("\(Int(k.stableWindow))s")),
            ("autoscaling.knative.dev/panic-window-percentage", .string(decimal(k.panicWindowFraction * 100))),
            ("autoscaling.knative.dev/panic-threshold-percentage", .string(decimal(k.panicThreshold * 100))),
        ]
        let yaml = ManifestYAML.map([
            ("apiVersion", .string("serving.knative.dev/v1")), ("kind", .string("Service")),
            ("metadata", .map([("name", .string(options.deployment)), ("namespace", .string(options.namespace))])),
            ("spec", .map([("template", .map([("metadata", .map([("annotations", .map(annotations))]))]))])),
        ])
        if k.maxScaleUpRate != 1000 || k.maxScaleDownRate != 2 || k.tickInterval != 2 || scrape.interval != 1 {
            cautions.append("The KPA plan was verified with max-scale-up-rate \(k.maxScaleUpRate), max-scale-down-rate \(k.maxScaleDownRate), "
                            + "tick-interval \(k.tickInterval) s and a \(scrape.interval) s scrape: these are cluster-wide in Knative's "
                            + "`config-autoscaler` ConfigMap (namespace knative-serving); set them to match.")
        }
        let what = "KPA \(k.minReplicas)–\(k.maxReplicas), concurrency target \(decimal(k.target)) per pod, \(Int(k.stableWindow)) s window"
        files.append(File(name: "knative-service-patch.yaml",
                          text: Self.text(["headroom plan: autoscaler, \(what), verified over the horizon.",
                                           "A merge patch of the Knative Service's revision template:",
                                           "kubectl patch ksvc \(options.deployment) -n \(options.namespace) --type merge --patch-file knative-service-patch.yaml"], yaml),
                          plan: "autoscaler", summary: "Knative Service annotations (`autoscaling.knative.dev/...`): \(what)"))
    }
}
