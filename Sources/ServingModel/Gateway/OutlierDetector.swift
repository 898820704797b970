/// Envoy's passive outlier detection by consecutive 5xx
/// (`outlier_detection.proto`, SEMANTICS.md §2 [src]; the rules below were
/// read in `source/common/upstream/outlier_detection_impl.cc` at HEAD [src]).
///
/// - A host's 5xx counter is incremented per 5xx and cleared by any other
///   response; when it reaches `consecutive_5xx` (5) exactly, the host is
///   ejected at once (the counter is then cleared, and cleared again when
///   the host returns).
/// - Ejection is allowed if `100·(ejected + 1)/hosts ≤ max_ejection_percent`
///   (10%). With `alwaysEjectOneHost` a host may also be ejected when none
///   is: SEMANTICS.md's "at least one host is always ejectable", which is
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
/// Not modelled: `max_ejection_time_jitter` (default 0), enforcement
/// percentages other than the default 100%, gateway-failure and
/// local-origin counters, success-rate and failure-percentage ejection.
/// Calls must come in time order; sweeps due by `now` run first.
///
/// - Complexity: O(1) per response, O(hosts) per sweep.
public struct OutlierDetector: Sendable, Equatable {
    /// Consecutive 5xx responses that eject a host (`consecutive_5xx`, 5).
    public let consecutive5xx: Int
    /// Seconds between sweeps (`interval`, 10 s).
    public let interval: Double
    /// Ejection time per time ejected (`base_ejection_time`, 30 s).
    public let baseEjectionTime: Double
    /// Cap on one ejection's length (`max_ejection_time`, 300 s).
    public let maxEjectionTime: Double
    /// Most hosts ejected at once, in percent (`max_ejection_percent`, 10).
    public let maxEjectionPercent: Double
    /// Whether one host may be ejected whatever the percentage (see above).
    public let alwaysEjectOneHost: Bool
    private var consecutive: [Int]
    private var ejectedAt: [Double?]
    private var returnedAt: [Double?]
    /// The ejection back-off multiplier per host (Envoy `ejectTimeBackoff`).
    public private(set) var multiplier: [Int]
    /// Time of the next sweep.
    public private(set) var nextSweep: Double

    /// A detector over `hosts` hosts with Envoy's defaults unless given.
    public init(hosts: Int, consecutive5xx: Int = 5, interval: Double = 10, baseEjectionTime: Double = 30,
                maxEjectionTime: Double = 300, maxEjectionPercent: Double = 10, alwaysEjectOneHost: Bool = true,
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
        self.nextSweep = start + interval
    }

    /// Checks the parameters, naming the first bad one.
    public func validate() throws(ServingModelError) {
        try ServingModelError.check(!consecutive.isEmpty, "outlier_detection.hosts", consecutive.count, "at least one host")
        try ServingModelError.check(consecutive5xx >= 1, "outlier_detection.consecutive_5xx", consecutive5xx, "an integer >= 1")
        try ServingModelError.check(interval.isFinite && interval > 0, "outlier_detection.interval", interval, "a duration > 0")
        try ServingModelError.check(baseEjectionTime.isFinite && baseEjectionTime > 0, "outlier_detection.base_ejection_time", baseEjectionTime, "a duration > 0")
        try ServingModelError.check(maxEjectionTime.isFinite && maxEjectionTime >= baseEjectionTime,
                                    "outlier_detection.max_ejection_time", maxEjectionTime, "a duration >= base_ejection_time")
        try ServingModelError.check(maxEjectionPercent >= 0 && maxEjectionPercent <= 100,
                                    "outlier_detection.max_ejection_percent", maxEjectionPercent, "a percentage in [0, 100]")
    }

    /// Number of hosts ejected now.
    public var ejectedCount: Int { ejectedAt.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Whether `host` is ejected at `now`.
    public mutating func isEjected(_ host: Int, now: Double) -> Bool {
        advance(now: now)
        return ejectedAt[host] != nil
    }

    /// Records a response from `host`; `is5xx` for a 5xx (or a reset or
    /// connect failure, which Envoy counts as 5xx). Returns whether this
    /// response ejected the host.
    @discardableResult
    public mutating func record(_ host: Int, is5xx: Bool, now: Double) -> Bool {
        advance(now: now)
        guard is5xx else {
            consecutive[host] = 0
            return false
        }
        consecutive[host] += 1
        guard consecutive[host] == consecutive5xx, ejectedAt[host] == nil else { return false }
        consecutive[host] = 0
        let ejected = ejectedCount
        let withinPercent = 100 * Double(ejected + 1) / Double(ejectedAt.count) <= maxEjectionPercent
        guard withinPercent || (alwaysEjectOneHost && ejected == 0) else { return false }
        ejectedAt[host] = now
        if Double(multiplier[host]) * baseEjectionTime < maxEjectionTime + baseEjectionTime { multiplier[host] += 1 }
        return true
    }

    /// Runs the sweeps due by `now`.
    public mutating func advance(now: Double) {
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
            nextSweep += interval
        }
    }
}
