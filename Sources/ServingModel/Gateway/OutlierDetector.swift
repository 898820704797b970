/// Envoy's passive outlier detection by consecutive 5xx
/// (`outlier_detection.proto` [src], docs/mechanisms.md#outlier-detection; the rules below were
/// read in `source/common/upstream/outlier_detection_impl.cc` at HEAD [src]).
///
/// - A host's 5xx counter is incremented per 5xx and cleared by any other
///   response; when it reaches `consecutive_5xx` (5) exactly, the host is
///   ejected at once (the counter is then cleared, and cleared again when
///   the host returns).
/// - Ejection is allowed if `100·(ejected + 1)/hosts ≤ max_ejection_percent`
///   (10%). With `alwaysEjectOneHost` a host may also be ejected when none
///   is: "at least one host is always ejectable", which is
///   what older Envoy did ("If no hosts have been ejected, Envoy will eject
///   the host immediately", `outlier.rst`). At HEAD this is the
///   `always_eject_one_host` option and it defaults to **false**.
/// - Each ejection raises the host's back-off multiplier by one while
///   `multiplier·base_ejection_time < max_ejection_time + base_ejection_time`.
///   Every `interval` (10 s, sweeps at `start + k·interval`) a host returns
///   if `min(base_ejection_time (30 s) × multiplier, max_ejection_time
///   (300 s)) ≤ now − ejection time`; then a host that is in service and has
///   been back for at least one interval has its multiplier lowered by one.
///
/// - At each sweep, after returns, the statistics of the interval just
///   ended decide two more ejections, over hosts not ejected that served at
///   least a request volume in it:
///   - **success rate** (Envoy default on): with at least
///     `success_rate_minimum_hosts` (5) hosts of `success_rate_request_volume`
///     (100) requests, a host whose success rate is below
///     `mean − success_rate_stdev_factor/1000 (1.9) × stdev` is ejected;
///   - **failure percentage** (Envoy default off: enforcing 0%): with at
///     least `failure_percentage_minimum_hosts` (5) hosts of
///     `failure_percentage_request_volume` (50), a host failing at least
///     `failure_percentage_threshold` (85%) of its requests is ejected.
///
///   Both respect `max_ejection_percent` and raise the back-off multiplier.
///
/// Not modelled: `max_ejection_time_jitter` (default 0), enforcement
/// percentages other than 0% and 100% (on or off here), gateway-failure and
/// local-origin counters. Calls must come in time order; sweeps due by
/// `now` run first.
///
/// - Complexity: O(1) per response, O(hosts) per sweep.
package struct OutlierDetector: Sendable, Equatable {
    /// Consecutive 5xx responses that eject a host (`consecutive_5xx`, 5).
    package let consecutive5xx: Int
    /// Seconds between sweeps (`interval`, 10 s).
    package let interval: Double
    /// Ejection time per time ejected (`base_ejection_time`, 30 s).
    package let baseEjectionTime: Double
    /// Cap on one ejection's length (`max_ejection_time`, 300 s).
    package let maxEjectionTime: Double
    /// Most hosts ejected at once, in percent (`max_ejection_percent`, 10).
    package let maxEjectionPercent: Double
    /// Whether one host may be ejected whatever the percentage (see above).
    package let alwaysEjectOneHost: Bool
    /// Envoy's success-rate ejection (on by default).
    package var successRate: SuccessRate? = SuccessRate()
    /// Envoy's failure-percentage ejection (off by default).
    package var failurePercentage: FailurePercentage?
    private var consecutive: [Int]
    private var requests: [Int]
    private var failures: [Int]
    private var ejectedAt: [Double?]
    private var returnedAt: [Double?]
    /// The ejection back-off multiplier per host (Envoy `ejectTimeBackoff`).
    package private(set) var multiplier: [Int]
    /// Time of the next sweep.
    package private(set) var nextSweep: Double

    /// Envoy's `consecutive_5xx` (5).
    package static let defaultConsecutive5xx = 5
    /// Envoy's `interval` (10 s).
    package static let defaultInterval = 10.0
    /// Envoy's `base_ejection_time` (30 s).
    package static let defaultBaseEjectionTime = 30.0
    /// Envoy's `max_ejection_time` (300 s).
    package static let defaultMaxEjectionTime = 300.0
    /// Envoy's `max_ejection_percent` (10).
    package static let defaultMaxEjectionPercent = 10.0
    /// Envoy's `always_eject_one_host` as this model defaults it (on; see above).
    package static let defaultAlwaysEjectOneHost = true

    /// A detector over `hosts` hosts with Envoy's defaults unless given.
    package init(hosts: Int, consecutive5xx: Int = defaultConsecutive5xx, interval: Double = defaultInterval,
                baseEjectionTime: Double = defaultBaseEjectionTime, maxEjectionTime: Double = defaultMaxEjectionTime,
                maxEjectionPercent: Double = defaultMaxEjectionPercent, alwaysEjectOneHost: Bool = defaultAlwaysEjectOneHost,
                start: Double = 0) {
        self.consecutive5xx = consecutive5xx
        self.interval = interval
        self.baseEjectionTime = baseEjectionTime
        self.maxEjectionTime = maxEjectionTime
        self.maxEjectionPercent = maxEjectionPercent
        self.alwaysEjectOneHost = alwaysEjectOneHost
        self.consecutive = Array(repeating: 0, count: hosts)
        self.ejectedAt = Array(repeating: nil, count: hosts)
        self.returnedAt = Array(repeating: nil, count: hosts)
        self.multiplier = Array(repeating: 0, count: hosts)
        self.requests = Array(repeating: 0, count: hosts)
        self.failures = Array(repeating: 0, count: hosts)
        self.nextSweep = start + interval
    }

    /// Success-rate ejection settings (`success_rate_*`).
    package struct SuccessRate: Sendable, Equatable {
        /// Hosts with enough requests needed to judge any (5).
        package var minimumHosts = 5
        /// Requests in the interval for a host to count (100).
        package var requestVolume = 100
        /// Ejection below `mean − stdevFactor × stdev` (1900/1000 = 1.9).
        package var stdevFactor = 1.9

        /// Envoy's defaults.
        package init() {}
    }

    /// Failure-percentage ejection settings (`failure_percentage_*`).
    package struct FailurePercentage: Sendable, Equatable {
        /// Ejection at or above this failure percentage (85).
        package var threshold = 85.0
        /// Hosts with enough requests needed to judge any (5).
        package var minimumHosts = 5
        /// Requests in the interval for a host to count (50).
        package var requestVolume = 50

        /// Envoy's defaults.
        package init() {}
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the detector's mapping (`gateway.outlier_detection`).
    package func validate(at path: String = "gateway.outlier_detection") throws(ServingModelError) {
        try ServingModelError.check(!consecutive.isEmpty, path, consecutive.count, "at least one host")
        try ServingModelError.check(consecutive5xx >= 1, path + ".consecutive_5xx", consecutive5xx, "an integer >= 1")
        try ServingModelError.check(interval.isFinite && interval > 0, path + ".interval", interval, "a duration > 0")
        try ServingModelError.check(baseEjectionTime.isFinite && baseEjectionTime > 0, path + ".base_ejection_time", baseEjectionTime, "a duration > 0")
        try ServingModelError.check(maxEjectionTime.isFinite && maxEjectionTime >= baseEjectionTime,
                                    path + ".max_ejection_time", maxEjectionTime, "a duration >= base_ejection_time (\(baseEjectionTime) s)")
        try ServingModelError.check(maxEjectionPercent >= 0 && maxEjectionPercent <= 100,
                                    path + ".max_ejection_percent", "\(maxEjectionPercent)%", "a percentage from 0% to 100%")
        if let s = successRate {
            try ServingModelError.check(s.minimumHosts >= 1, path + ".success_rate_minimum_hosts", s.minimumHosts, "an integer >= 1")
            try ServingModelError.check(s.requestVolume >= 1, path + ".success_rate_request_volume", s.requestVolume, "an integer >= 1")
            try ServingModelError.check(s.stdevFactor.isFinite && s.stdevFactor >= 0, path + ".success_rate_stdev_factor",
                                        s.stdevFactor * 1000, "an integer >= 0 (thousandths)")
        }
        if let f = failurePercentage {
            try ServingModelError.check(f.threshold >= 0 && f.threshold <= 100, path + ".failure_percentage_threshold",
                                        "\(f.threshold)%", "a percentage from 0% to 100%")
            try ServingModelError.check(f.minimumHosts >= 1, path + ".failure_percentage_minimum_hosts", f.minimumHosts,
                                        "an integer >= 1")
            try ServingModelError.check(f.requestVolume >= 1, path + ".failure_percentage_request_volume", f.requestVolume,
                                        "an integer >= 1")
        }
    }

    /// Number of hosts ejected now.
    package var ejectedCount: Int { ejectedAt.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Whether `host` is ejected at `now`.
    package mutating func isEjected(_ host: Int, now: Double) -> Bool {
        advance(now: now)
        return ejectedAt[host] != nil
    }

    /// Records a response from `host`; `is5xx` for a 5xx (or a reset or
    /// connect failure, which Envoy counts as 5xx). Returns whether this
    /// response ejected the host.
    @discardableResult
    package mutating func record(_ host: Int, is5xx: Bool, now: Double) -> Bool {
        advance(now: now)
        requests[host] += 1
        guard is5xx else {
            consecutive[host] = 0
            return false
        }
        failures[host] += 1
        consecutive[host] += 1
        guard consecutive[host] == consecutive5xx, ejectedAt[host] == nil else { return false }
        consecutive[host] = 0
        return eject(host, at: now)
    }

    /// Ejects `host` if `max_ejection_percent` allows.
    private mutating func eject(_ host: Int, at now: Double) -> Bool {
        let ejected = ejectedCount
        let withinPercent = 100 * Double(ejected + 1) / Double(ejectedAt.count) <= maxEjectionPercent
        guard withinPercent || (alwaysEjectOneHost && ejected == 0) else { return false }
        ejectedAt[host] = now
        if Double(multiplier[host]) * baseEjectionTime < maxEjectionTime + baseEjectionTime { multiplier[host] += 1 }
        return true
    }

    /// The success-rate and failure-percentage ejections of the interval
    /// that ends at sweep time `now`.
    private mutating func judgeInterval(now: Double) {
        if let s = successRate {
            let judged = ejectedAt.indices.filter { ejectedAt[$0] == nil && requests[$0] >= s.requestVolume }
            if judged.count >= s.minimumHosts {
                let rates = judged.map { 100 * Double(requests[$0] - failures[$0]) / Double(requests[$0]) }
                let mean = rates.reduce(0, +) / Double(rates.count)
                let sd = (rates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rates.count)).squareRoot()
                let floor = mean - s.stdevFactor * sd
                for (h, rate) in zip(judged, rates) where rate < floor && ejectedAt[h] == nil { _ = eject(h, at: now) }
            }
        }
        if let f = failurePercentage {
            let judged = ejectedAt.indices.filter { ejectedAt[$0] == nil && requests[$0] >= f.requestVolume }
            if judged.count >= f.minimumHosts {
                for h in judged where ejectedAt[h] == nil && 100 * Double(failures[h]) / Double(requests[h]) >= f.threshold {
                    _ = eject(h, at: now)
                }
            }
        }
        for h in requests.indices {
            requests[h] = 0
            failures[h] = 0
        }
    }

    /// Runs the sweeps due by `now`.
    package mutating func advance(now: Double) {
        while nextSweep <= now {
            for h in ejectedAt.indices {
                guard let at = ejectedAt[h] else { continue }
                if min(baseEjectionTime * Double(multiplier[h]), maxEjectionTime) <= nextSweep - at {
                    ejectedAt[h] = nil
                    returnedAt[h] = nextSweep
                    consecutive[h] = 0
                }
            }
            for h in ejectedAt.indices where ejectedAt[h] == nil && multiplier[h] > 0 {
                if let back = returnedAt[h], nextSweep - back >= interval { multiplier[h] -= 1 }
            }
            judgeInterval(now: nextSweep)
            nextSweep += interval
        }
    }
}
