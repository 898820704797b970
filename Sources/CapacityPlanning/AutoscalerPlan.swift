import ServingModel

/// The autoscaler a horizon plan recommends: the Kubernetes HPA on requests
/// in flight per replica, or, for a scenario whose cluster runs the Knative
/// KPA, the KPA on concurrency per pod with the scenario's own windows,
/// panic threshold, rates and scrape.
package enum AutoscalerPlan: Sendable, Equatable {
    /// The HPA (15 s sync, 8 s metric lag, tolerance 0.1).
    case hpa(HorizontalPodAutoscaler.Settings)
    /// The KPA and how its concurrency is scraped.
    case kpa(KnativePodAutoscaler.Settings, scrape: MetricScrape)

    /// The recommendation's template for `base`: the scenario's KPA if its
    /// cluster runs one, else the HPA on requests in flight.
    static func template(for base: ServingConfiguration) -> AutoscalerPlan {
        if case .kpa(let k, let scrape)? = base.replicas.dynamics?.scaler { return .kpa(k, scrape: scrape) }
        return .hpa(HorizontalPodAutoscaler.Settings(minReplicas: 1, maxReplicas: 1, target: 1))
    }

    /// Fewest replicas.
    package var minReplicas: Int {
        switch self {
        case .hpa(let h): h.minReplicas
        case .kpa(let k, _): k.minReplicas
        }
    }

    /// Most replicas.
    package var maxReplicas: Int {
        switch self {
        case .hpa(let h): h.maxReplicas
        case .kpa(let k, _): k.maxReplicas
        }
    }

    /// Requests in flight (HPA) or concurrency (KPA) per replica aimed at.
    package var target: Double {
        switch self {
        case .hpa(let h): h.target
        case .kpa(let k, _): k.target
        }
    }

    /// The same autoscaler with another target and bounds.
    func with(target: Double, minReplicas: Int, maxReplicas: Int) -> AutoscalerPlan {
        switch self {
        case .hpa(var h):
            (h.target, h.minReplicas, h.maxReplicas) = (target, minReplicas, maxReplicas)
            return .hpa(h)
        case .kpa(var k, let scrape):
            (k.target, k.minReplicas, k.maxReplicas) = (target, minReplicas, maxReplicas)
            return .kpa(k, scrape: scrape)
        }
    }

    /// The cluster scaler that runs it.
    var scaler: ClusterDynamics.Scaler {
        switch self {
        case .hpa(let h): .hpa(h, metric: .inFlight, scrape: MetricScrape(interval: 15, lag: 8))
        case .kpa(let k, let scrape): .kpa(k, scrape: scrape)
        }
    }
}
