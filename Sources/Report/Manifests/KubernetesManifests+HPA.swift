import CapacityPlanning
import ServingModel

/// The HPA plan as an `autoscaling/v2` HorizontalPodAutoscaler, its
/// prometheus-adapter rule, and the same autoscaler as a KEDA `ScaledObject`.
extension KubernetesManifests {
    /// The HPA's `behavior` for `h`, or why Kubernetes cannot hold it
    /// (windows of whole seconds up to an hour, policy periods of whole
    /// seconds up to 30 minutes, policy values whole and > 0).
    ///
    /// A scale-up policy of 0 percent or 0 pods is left out (the larger of
    /// the two applies, `selectPolicy: Max`); both 0, or a scale-down of 0
    /// percent, is `selectPolicy: Disabled`.
    static func behavior(_ h: HorizontalPodAutoscaler.Settings) -> Result<ManifestYAML, BehaviorProblem> {
        func whole(_ x: Double, _ range: ClosedRange<Double>, _ what: String) throws(BehaviorProblem) -> Int {
            guard x == x.rounded(), range.contains(x) else {
                throw BehaviorProblem(message: "\(what) of \(x) s is not a whole number of seconds from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
            }
            return Int(x)
        }
        do throws(BehaviorProblem) {
            let period = try whole(h.policyPeriod, 1...1800, "the policy period")
            let up = try whole(h.scaleUpStabilization, 0...3600, "the scale-up stabilization window")
            let down = try whole(h.scaleDownStabilization, 0...3600, "the scale-down stabilization window")
            guard h.scaleUpPercent == h.scaleUpPercent.rounded(), h.scaleDownPercent == h.scaleDownPercent.rounded(),
                  h.scaleUpPercent <= Double(Int32.max) else {
                throw BehaviorProblem(message: "a policy percentage is not whole (\(h.scaleUpPercent)%, \(h.scaleDownPercent)%)")
            }
            func policy(_ type: String, _ value: Int) -> ManifestYAML {
                .map([("type", .string(type)), ("value", .int(value)), ("periodSeconds", .int(period))])
            }
            var upPolicies: [ManifestYAML] = []
            if h.scaleUpPercent > 0 { upPolicies.append(policy("Percent", Int(h.scaleUpPercent))) }
            if h.scaleUpPods > 0 { upPolicies.append(policy("Pods", h.scaleUpPods)) }
            let scaleUp: ManifestYAML = upPolicies.isEmpty
                ? .map([("stabilizationWindowSeconds", .int(up)), ("selectPolicy", .string("Disabled"))])
                : .map([("stabilizationWindowSeconds", .int(up)), ("selectPolicy", .string("Max")), ("policies", .list(upPolicies))])
            let scaleDown: ManifestYAML = h.scaleDownPercent > 0
                ? .map([("stabilizationWindowSeconds", .int(down)), ("selectPolicy", .string("Max")),
                        ("policies", .list([policy("Percent", Int(h.scaleDownPercent))]))])
                : .map([("stabilizationWindowSeconds", .int(down)), ("selectPolicy", .string("Disabled"))])
            return .success(.map([("scaleUp", scaleUp), ("scaleDown", scaleDown)]))
        } catch {
            return .failure(error)
        }
    }

    /// Why an HPA's settings cannot be written.
    struct BehaviorProblem: Error {
        var message: String
    }

    /// The label matchers of the deployment's pods in PromQL.
    var podSelector: String { "namespace=\"\(options.namespace)\",pod=~\"\(options.deployment)-.*\"" }

    mutating func addHPA(_ planned: HorizontalPodAutoscaler.Settings, metric: ScalingMetric, scrape: MetricScrape = AutoscalerPlan.defaultScrape,
                         verification: HorizonVerification,
                         result: HorizonPlanner.Result, verifier: HorizonVerifier, keda: KEDAActivation?) throws {
        guard let vllm = VLLMMetric.of(metric) else {
            return skip("autoscaler", "its metric `\(metric.rawValue)` has no vLLM Prometheus series to scale on")
        }
        let behavior: ManifestYAML
        switch Self.behavior(planned) {
        case .success(let b): behavior = b
        case .failure(let p): return skip("autoscaler", p.message)
        }
        guard planned.additionalMetrics.isEmpty else {
            return skip("autoscaler", "it scales on several metrics; write one metric's plan")
        }
        var h = planned
        let target = Self.quantity(planned.target)
        h.target = target.value
        if h.target != planned.target {
            let v = try verifier.verify(.autoscaler(.hpa(h, metric: metric, scrape: scrape), initial: result.needs[0]), rates: result.rates)
            reverified.append(Reverified(plan: "autoscaler", change: "target \(planned.target) written as \(target.text) (Kubernetes reads targets in thousandths)",
                                         verification: v))
            if !v.slaMet { return skip("autoscaler", "its target written in thousandths (\(target.text)) missed the SLA when simulated") }
        }
        if h.tolerance != 0.1 || h.syncPeriod != 15 {
            cautions.append("The HPA plan was verified with tolerance \(h.tolerance) and a \(h.syncPeriod) s sync period: set "
                            + "`--horizontal-pod-autoscaler-tolerance` and `--horizontal-pod-autoscaler-sync-period` on kube-controller-manager to match.")
        }
        let name = options.deployment
        let targetRef = ManifestYAML.map([("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")), ("name", .string(name))])
        let metricSpec: ManifestYAML = vllm.perPod
            ? .map([("type", .string("Pods")),
                    ("pods", .map([("metric", .map([("name", .string(vllm.adapterName))])),
                                   ("target", .map([("type", .string("AverageValue")), ("averageValue", .string(target.text))]))]))])
            : .map([("type", .string("External")),
                    ("external", .map([("metric", .map([("name", .string(vllm.adapterName))])),
                                       ("target", .map([("type", .string("Value")), ("value", .string(target.text))]))]))])
        let hpa = ManifestYAML.map(header("autoscaling/v2", "HorizontalPodAutoscaler", name: name, plan: "autoscaler") + [
            ("spec", .map([("scaleTargetRef", targetRef), ("minReplicas", .int(h.minReplicas)), ("maxReplicas", .int(h.maxReplicas)),
                           ("metrics", .list([metricSpec])), ("behavior", behavior)])),
        ])
        let what = "HPA \(h.minReplicas)–\(h.maxReplicas) on \(metric.rawValue), target \(target.text) per replica"
        files.append(File(name: "hpa.yaml", text: Self.text(["headroom plan: autoscaler, \(what), verified over the horizon.",
                                                             "Needs prometheus-adapter serving `\(vllm.adapterName)` (prometheus-adapter-rules.yaml)."], hpa),
                          plan: "autoscaler", summary: "`autoscaling/v2` HorizontalPodAutoscaler: \(what)"))
        let rules = ManifestYAML.map([(vllm.perPod ? "rules" : "externalRules", .list([vllm.adapterRule(namespace: options.namespace)]))])
        files.append(File(name: "prometheus-adapter-rules.yaml",
                          text: Self.text(["prometheus-adapter configuration (its --config file; with the Helm chart, the list goes",
                                           "under rules.custom or rules.external): serves `\(vllm.adapterName)` to hpa.yaml."], rules),
                          plan: nil, summary: "the prometheus-adapter rule `hpa.yaml` reads its metric through"))
        // KEDA: the same HPA, its metric straight from Prometheus.
        let k = keda ?? KEDAActivation()
        let trigger = ManifestYAML.map([
            ("type", .string("prometheus")), ("metricType", .string(vllm.perPod ? "AverageValue" : "Value")),
            ("metadata", .map([("serverAddress", .string(options.prometheus)), ("query", .string(vllm.query(podSelector))),
                               ("threshold", .string(Self.kedaThreshold(h.target))),
                               ("activationThreshold", .string(Self.kedaThreshold(k.activationThreshold)))])),
        ])
        guard let poll = Int(exactly: k.pollingInterval), let cool = Int(exactly: k.cooldownPeriod) else {
            return skip("autoscaler (KEDA)", "KEDA takes whole seconds for pollingInterval and cooldownPeriod")
        }
        let scaled = ManifestYAML.map(header("keda.sh/v1alpha1", "ScaledObject", name: name, plan: "autoscaler") + [
            ("spec", .map([("scaleTargetRef", targetRef), ("pollingInterval", .int(poll)), ("cooldownPeriod", .int(cool)),
                           ("minReplicaCount", .int(h.minReplicas)), ("maxReplicaCount", .int(h.maxReplicas)),
                           ("advanced", .map([("horizontalPodAutoscalerConfig", .map([("behavior", behavior)]))])),
                           ("triggers", .list([trigger]))])),
        ])
        files.append(File(name: "keda-scaledobject.yaml",
                          text: Self.text(["headroom plan: autoscaler, \(what), as a KEDA ScaledObject (instead of hpa.yaml, not beside it).",
                                           "KEDA runs the HPA itself, its metric queried from Prometheus."], scaled),
                          plan: "autoscaler", summary: "KEDA `ScaledObject` with a Prometheus trigger: the same autoscaler, instead of `hpa.yaml`"))
    }
}
