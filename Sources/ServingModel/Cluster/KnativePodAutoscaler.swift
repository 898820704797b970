import DequeModule

/// The Knative Pod Autoscaler's decision rule (knative/serving
/// `pkg/autoscaler/scaling/autoscaler.go`, defaults from
/// `config/core/configmaps/autoscaler.yaml`; https://knative.dev/docs/serving/autoscaling/kpa-specific/):
///
/// - observed concurrency (requests held across the revision) averaged over a
///   stable window (60 s) and a panic window (10% of it, 6 s);
/// - `desired = ceil(average / target)` with target = container concurrency
///   target × utilisation (100 × 70% = 70 by default), each clamped to
///   `[floor(ready / maxScaleDownRate), ceil(ready × maxScaleUpRate)]`
///   (rates 2 and 1000);
/// - panic mode starts when the panic-window count reaches
///   `panicThreshold` (200%) of the ready pods; while panicking the count
///   never decreases; it ends once a whole stable window passes without the
///   threshold being reached;
/// - clamped to `[minReplicas, maxReplicas]`; scale to zero needs
///   `minReplicas: 0` and a zero stable average.
package struct KnativePodAutoscaler: Sendable {
    /// The KPA's settings.
    package struct Settings: Sendable, Equatable {
        /// Fewest replicas (0 allows scale to zero).
        package var minReplicas: Int
        /// Most replicas.
        package var maxReplicas: Int
        /// Target concurrency per pod (container concurrency × utilisation).
        package var target: Double = 70
        /// Stable window (s).
        package var stableWindow: Double = 60
        /// Panic window as a fraction of the stable window.
        package var panicWindowFraction: Double = 0.1
        /// Panic threshold: desired/ready ratio that starts panic mode.
        package var panicThreshold: Double = 2.0
        /// Largest scale-up factor per decision.
        package var maxScaleUpRate: Double = 1000
        /// Largest scale-down divisor per decision.
        package var maxScaleDownRate: Double = 2
        /// Seconds between decisions (Knative's tick).
        package var tickInterval: Double = 2

        /// Knative's `container-concurrency-target-default` (100), which a
        /// target utilisation multiplies.
        package static let defaultContainerConcurrency = 100.0

        /// Settings with Knative's defaults for everything but the bounds.
        package init(minReplicas: Int, maxReplicas: Int) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
        }
    }

    /// The settings.
    package let settings: Settings
    /// Whether the autoscaler is in panic mode.
    package private(set) var panicking = false
    var samples = Deque<(time: Double, value: Double)>()
    var lastAboveThreshold = -Double.infinity

    /// How the KPA sees its metric unless told: every second (the
    /// activator and queue-proxy report at once), without lag.
    package static let defaultScrape = MetricScrape(interval: 1, lag: 0)

    /// An autoscaler with no history.
    package init(settings: Settings) {
        self.settings = settings
    }

    /// Records one observation of the concurrency held across replicas.
    package mutating func observe(now: Double, concurrency: Double) {
        samples.append((now, concurrency))
        while let first = samples.first, first.time <= now - settings.stableWindow { samples.removeFirst() }
    }

    func average(since t: Double) -> Double? {
        var sum = 0.0, n = 0
        for s in samples where s.time > t { sum += s.value; n += 1 }
        return n > 0 ? sum / Double(n) : nil
    }

    /// The desired replica count at `now` given the current desired count
    /// and the ready replicas.
    package mutating func decide(now: Double, current: Int, ready: Int) -> Int {
        let s = settings
        guard let stable = average(since: now - s.stableWindow),
              let panic = average(since: now - s.stableWindow * s.panicWindowFraction) else {
            return min(max(current, s.minReplicas), s.maxReplicas)
        }
        let base = Double(max(ready, 1))
        // Saturating conversions: a tiny target or a huge rate is a large
        // count, clamped below, never a trap.
        let low = ServingLimits.saturatingInt((base / s.maxScaleDownRate).rounded(.down))
        let high = ServingLimits.saturatingInt((base * s.maxScaleUpRate).rounded(.up))
        let stableDesired = min(max(ServingLimits.saturatingInt((stable / s.target - 1e-9).rounded(.up)), low), high)
        let panicDesired = min(max(ServingLimits.saturatingInt((panic / s.target - 1e-9).rounded(.up)), low), high)
        if Double(panicDesired) / base >= s.panicThreshold {
            lastAboveThreshold = now
            panicking = true
        } else if panicking && now - lastAboveThreshold >= s.stableWindow {
            panicking = false
        }
        var desired = panicking ? max(panicDesired, current) : stableDesired
        if desired == 0 && (stable > 0 || s.minReplicas > 0) { desired = 1 }
        return min(max(desired, s.minReplicas), s.maxReplicas)
    }
}
