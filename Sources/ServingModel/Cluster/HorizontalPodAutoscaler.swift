import DequeModule

/// The Kubernetes Horizontal Pod Autoscaler's decision rule
/// (kubernetes/kubernetes `pkg/controller/podautoscaler`, defaults from its
/// `config/v1alpha1/defaults.go`; https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/):
///
/// - recommendation `ceil(ready × metric / target)`, unchanged while
///   `|metric/target − 1| <= tolerance` (0.1);
/// - scale-down stabilisation: the largest recommendation of the last
///   `scaleDownStabilization` seconds (300 s); scale-up stabilisation 0 s;
/// - rate limits per period (15 s): up by at most max(100%, 4 pods), down by
///   at most 100% (the default policies, `selectPolicy: Max`);
/// - clamped to `[minReplicas, maxReplicas]`.
///
/// Not-ready pods count as 0% on scale-up, which makes the recommendation
/// `ceil(Σ metric of ready pods / target)` whether or not pods are starting.
///
/// With several metrics each gives its own recommendation and the largest
/// wins; when a metric has no sample and the others would scale down, the
/// count is held (Kubernetes does not scale down on partial information).
package struct HorizontalPodAutoscaler: Sendable {
    /// The HPA's settings.
    package struct Settings: Sendable, Equatable {
        /// Fewest replicas.
        package var minReplicas: Int
        /// Most replicas.
        package var maxReplicas: Int
        /// Target value of the metric per ready replica.
        package var target: Double
        /// Dead band around the target (0.1 = ±10%).
        package var tolerance: Double = 0.1
        /// Seconds between decisions (`--horizontal-pod-autoscaler-sync-period`).
        package var syncPeriod: Double = 15
        /// Window of the scale-down stabilisation (s).
        package var scaleDownStabilization: Double = 300
        /// Window of the scale-up stabilisation (s).
        package var scaleUpStabilization: Double = 0
        /// Scale-up policy: percent of current replicas per period.
        package var scaleUpPercent: Double = 100
        /// Scale-up policy: pods per period.
        package var scaleUpPods: Int = 4
        /// Scale-down policy: percent of current replicas per period.
        package var scaleDownPercent: Double = 100
        /// Period of the rate-limit policies (s).
        package var policyPeriod: Double = 15
        /// Further metrics beside the first, each with its own target.
        package var additionalMetrics: [MetricTarget] = []

        /// Settings with Kubernetes' defaults for everything but the bounds and target.
        package init(minReplicas: Int, maxReplicas: Int, target: Double) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.target = target
        }
    }

    /// One more metric for the HPA, with its target per ready replica.
    package struct MetricTarget: Sendable, Equatable {
        /// The metric.
        package var metric: ScalingMetric
        /// Its target.
        package var target: Double

        /// A metric and its target.
        package init(metric: ScalingMetric, target: Double) {
            self.metric = metric
            self.target = target
        }
    }

    /// The settings.
    package let settings: Settings
    var recommendations = Deque<(time: Double, replicas: Int)>()
    var changes = Deque<(time: Double, delta: Int)>()

    /// The metric an HPA scales on unless told (CPU utilisation's
    /// counterpart: busy share of the replicas).
    package static let defaultMetric = ScalingMetric.utilization
    /// How the HPA sees its metric unless told: the metrics server's 15 s
    /// scrape, without lag.
    package static let defaultScrape = MetricScrape(interval: 15, lag: 0)

    /// An autoscaler with no history.
    package init(settings: Settings) {
        self.settings = settings
    }

    /// The desired replica count at `now`, given the current desired count,
    /// the ready replicas, and the metric's average over ready replicas
    /// (nil when no sample exists yet: no change).
    package mutating func decide(now: Double, current: Int, ready: Int, metric: Double?, additional: [Double?] = []) -> Int {
        let s = settings
        func proposal(_ value: Double, _ target: Double) -> Int {
            let ratio = value / target
            return abs(ratio - 1) <= s.tolerance ? current : ServingLimits.saturatingInt((Double(ready) * ratio - 1e-9).rounded(.up))
        }
        var proposals: [Int] = []
        var missing = false
        if let metric { proposals.append(proposal(metric, s.target)) } else { missing = true }
        for (i, m) in s.additionalMetrics.enumerated() {
            if i < additional.count, let v = additional[i] { proposals.append(proposal(v, m.target)) } else { missing = true }
        }
        guard var raw = proposals.max(), ready > 0 else { return min(max(current, s.minReplicas), s.maxReplicas) }
        if missing && raw < current { raw = current }
        recommendations.append((now, raw))
        let horizon = max(s.scaleDownStabilization, s.scaleUpStabilization)
        while let first = recommendations.first, first.time < now - horizon { recommendations.removeFirst() }

        // Stabilisation: scale up to the smallest recent recommendation,
        // down to the largest.
        var upFloor = Int.max, downCeiling = Int.min
        for r in recommendations {
            if r.time >= now - s.scaleUpStabilization { upFloor = min(upFloor, r.replicas) }
            if r.time >= now - s.scaleDownStabilization { downCeiling = max(downCeiling, r.replicas) }
        }
        var desired = current
        if upFloor > current { desired = upFloor }
        if downCeiling < current { desired = downCeiling }

        // Rate limits relative to the count at the start of the period.
        while let first = changes.first, first.time <= now - s.policyPeriod { changes.removeFirst() }
        let periodStart = current - changes.reduce(0) { $0 + $1.delta }
        // Saturating: a huge policy percentage is "no limit", not a trap.
        let upLimit = periodStart + max(ServingLimits.saturatingInt((Double(periodStart) * s.scaleUpPercent / 100).rounded(.up)), s.scaleUpPods)
        let downLimit = periodStart - ServingLimits.saturatingInt((Double(periodStart) * s.scaleDownPercent / 100).rounded(.down))
        desired = min(max(desired, downLimit), upLimit)
        desired = min(max(desired, s.minReplicas), s.maxReplicas)
        if desired != current { changes.append((now, desired - current)) }
        return desired
    }
}
