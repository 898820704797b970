import ServingModel

/// The autoscaler a horizon plan recommends: the Kubernetes HPA on requests
/// in flight per replica or on the metric the scenario's own HPA reads
/// (queue depth, KV-cache usage, ...), or, for a scenario whose cluster runs
/// the Knative KPA, the KPA on concurrency per pod with the scenario's own
/// windows, panic threshold, rates and scrape.
package enum AutoscalerPlan: Sendable, Equatable {
    /// The HPA on `metric` (default: requests in flight, 15 s sync, scraped
    /// every 15 s and seen 8 s late, tolerance 0.1).
    case hpa(HorizontalPodAutoscaler.Settings, metric: ScalingMetric = .inFlight, scrape: MetricScrape = AutoscalerPlan.defaultScrape)
    /// The KPA and how its concurrency is scraped.
    case kpa(KnativePodAutoscaler.Settings, scrape: MetricScrape)

    /// The recommendation's template for `base`: the scenario's KPA if its
    /// cluster runs one, else the HPA on requests in flight.
    static func template(for base: ServingConfiguration) -> AutoscalerPlan {
        if case .kpa(let k, let scrape)? = base.replicas.dynamics?.scaler { return .kpa(k, scrape: scrape) }
        return .hpa(HorizontalPodAutoscaler.Settings(minReplicas: 1, maxReplicas: 1, target: 1))
    }

    /// The scrape of the in-flight HPA a plan proposes: every 15 s, 8 s late.
    package static let defaultScrape = MetricScrape(interval: 15, lag: 8)

    /// The HPA the scenario's cluster declares (`cluster.autoscaler: {kind:
    /// hpa, metric: ...}`), with its own metric, target, behaviour and scrape.
    static func declared(by base: ServingConfiguration) -> AutoscalerPlan? {
        if case .hpa(let h, let metric, let scrape)? = base.replicas.dynamics?.scaler { return .hpa(h, metric: metric, scrape: scrape) }
        return nil
    }

    /// `x` as a target a person would write in the metric's unit: whole
    /// requests for in-flight, queue depth and concurrency (at least 1),
    /// whole percent for utilisation and KV-cache usage (fractions, at least
    /// 1%), whole milliseconds for a TTFT percentile.
    package static func wholeTarget(_ x: Double, metric: ScalingMetric?) -> Double {
        switch metric {
        case .utilization?, .kvCache?: return max(1, (x * 100).rounded()) / 100
        case .ttftP50?, .ttftP90?, .ttftP99?: return max(1, (x * 1000).rounded()) / 1000
        case .inFlight?, .queueDepth?, nil: return max(1, x.rounded())
        }
    }

    /// The metric the target is a value of: the HPA's metric; nil for the
    /// KPA (concurrency per pod).
    package var metric: ScalingMetric? {
        switch self {
        case .hpa(_, let m, _): m
        case .kpa: nil
        }
    }

    /// The metric's name as plan.json writes it: `in_flight`, `queue_depth`,
    /// `kv_cache`, ... for the HPA; `concurrency` for the KPA.
    package var metricName: String { metric?.rawValue ?? "concurrency" }
    /// Fewest replicas.
    package var minReplicas: Int {
        switch self {
        case .hpa(let h, _, _): h.minReplicas
        case .kpa(let k, _): k.minReplicas
        }
    }

    /// Most replicas.
    package var maxReplicas: Int {
        switch self {
        case .hpa(let h, _, _): h.maxReplicas
        case .kpa(let k, _): k.maxReplicas
        }
    }

    /// The metric's value per replica aimed at (requests in flight, queue
    /// depth, ... for the HPA; concurrency for the KPA).
    package var target: Double {
        switch self {
        case .hpa(let h, _, _): h.target
        case .kpa(let k, _): k.target
        }
    }

    /// The same autoscaler with another target and bounds.
    func with(target: Double, minReplicas: Int, maxReplicas: Int) -> AutoscalerPlan {
        switch self {
        case .hpa(var h, let metric, let scrape):
            (h.target, h.minReplicas, h.maxReplicas) = (target, minReplicas, maxReplicas)
            return .hpa(h, metric: metric, scrape: scrape)
        case .kpa(var k, let scrape):
            (k.target, k.minReplicas, k.maxReplicas) = (target, minReplicas, maxReplicas)
            return .kpa(k, scrape: scrape)
        }
    }

    /// The cluster scaler that runs it.
    var scaler: ClusterDynamics.Scaler {
        switch self {
        case .hpa(let h, let metric, let scrape): .hpa(h, metric: metric, scrape: scrape)
        case .kpa(let k, let scrape): .kpa(k, scrape: scrape)
        }
    }
}
