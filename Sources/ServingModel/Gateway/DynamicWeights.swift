import DequeModule

/// Backend weights computed from live metrics with the formula practitioners
/// quote (docs/mechanisms.md#field-figures; not a product's algorithm):
/// `weight = (1 − error_rate) · (1 − latency_coef) · base_weight`,
/// `latency_coef = min(1, observed_latency / target_latency)`.
///
/// Both rates come from a sliding window of the last `window` seconds of
/// completed requests per backend: `error_rate` is failures / completions and
/// `observed_latency` is the mean latency of the successful ones. A backend
/// with no completions in the window keeps its base weight. The formula is a
/// field claim, not a documented product's algorithm: a backend whose mean
/// latency reaches the target gets weight 0, and so does one whose every
/// request failed.
///
/// - Complexity: O(1) amortised per observation; O(expired) per query.
package struct DynamicWeights: Sendable, Equatable {
    /// One completed request.
    struct Observation: Sendable, Equatable {
        var time: Double
        var latency: Double
        var failed: Bool
    }

    /// Static weights the formula scales.
    package let baseWeights: [Double]
    /// Latency at which a backend's weight reaches 0, in seconds.
    package let targetLatency: Double
    /// Length of the sliding window, in seconds.
    package let window: Double
    private var observations: [Deque<Observation>]
    private var failures: [Int]
    private var latencySums: [Double]

    /// The sliding window's length unless given (10 s).
    package static let defaultWindow = 10.0

    /// Weights for backends with `baseWeights`.
    package init(baseWeights: [Double], targetLatency: Double, window: Double = defaultWindow) {
        self.baseWeights = baseWeights
        self.targetLatency = targetLatency
        self.window = window
        self.observations = Array(repeating: [], count: baseWeights.count)
        self.failures = Array(repeating: 0, count: baseWeights.count)
        self.latencySums = Array(repeating: 0, count: baseWeights.count)
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the balancer's mapping (`gateway.balancer`).
    package func validate(at path: String = "gateway.balancer") throws(ServingModelError) {
        try ServingModelError.check(!baseWeights.isEmpty, path + ".weights", baseWeights.count, "at least one backend")
        for (i, w) in baseWeights.enumerated() {
            try ServingModelError.check(w.isFinite && w > 0, path + ".weights[\(i)]", w, "a number > 0")
        }
        try ServingModelError.check(targetLatency.isFinite && targetLatency > 0, path + ".target_latency", targetLatency, "a duration > 0")
        try ServingModelError.check(window.isFinite && window > 0, path + ".window", window, "a duration > 0")
    }

    /// Records a completed request to `backend` at `now`.
    package mutating func record(_ backend: Int, latency: Double, failed: Bool, now: Double) {
        observations[backend].append(Observation(time: now, latency: latency, failed: failed))
        if failed { failures[backend] += 1 } else { latencySums[backend] += latency }
        expire(backend, now: now)
    }

    /// Failures / completions of `backend` in the window ending at `now`.
    package mutating func errorRate(_ backend: Int, now: Double) -> Double {
        expire(backend, now: now)
        let n = observations[backend].count
        return n == 0 ? 0 : Double(failures[backend]) / Double(n)
    }

    /// `min(1, mean successful latency / target)` in the window ending at `now`.
    package mutating func latencyCoefficient(_ backend: Int, now: Double) -> Double {
        expire(backend, now: now)
        let successes = observations[backend].count - failures[backend]
        return successes == 0 ? 0 : min(1, latencySums[backend] / Double(successes) / targetLatency)
    }

    /// The current weight of `backend`.
    package mutating func weight(_ backend: Int, now: Double) -> Double {
        (1 - errorRate(backend, now: now)) * (1 - latencyCoefficient(backend, now: now)) * baseWeights[backend]
    }

    /// The current weights of every backend.
    package mutating func weights(now: Double) -> [Double] {
        baseWeights.indices.map { weight($0, now: now) }
    }

    private mutating func expire(_ backend: Int, now: Double) {
        while let first = observations[backend].first, first.time <= now - window {
            observations[backend].removeFirst()
            if first.failed { failures[backend] -= 1 } else { latencySums[backend] -= first.latency }
        }
        if observations[backend].isEmpty { latencySums[backend] = 0 }
    }
}
