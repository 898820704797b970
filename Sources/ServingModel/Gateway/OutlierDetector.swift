/// Envoy's passive outlier detection by consecutive 5xx
/// (`outlier_detection.proto`, SEMANTICS.md §2 [src]).
///
/// A host is ejected as soon as it returns `consecutive_5xx` (5) errors in a
/// row, unless that would eject more than `max_ejection_percent` (10%) of
/// the hosts; one host can always be ejected. Every `interval` (10 s, sweeps
/// at `start + k·interval`) the detector returns hosts whose ejection time
/// `base_ejection_time (30 s) × times ejected`, capped at
/// `max_ejection_time` (300 s), has passed. Details from Envoy's
/// `detector_impl.cc` [mem: not in the corpus]: the ejection attempt happens
/// when the counter reaches the threshold exactly; the counter restarts
/// after an ejection; a host that is not ejected at a sweep has its ejection
/// multiplier lowered by one; the percentage check is
/// `100·(ejected + 1)/hosts ≤ max_ejection_percent`. Not modelled:
/// enforcement percentages other than the default 100%, gateway-failure
/// counting (enforcing 0% by default), success-rate and failure-percentage
/// ejection.
///
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
    private var consecutive: [Int]
    private var ejectedAt: [Double?]
    /// The ejection multiplier per host (times ejected in a row).
    public private(set) var timesEjected: [Int]
    /// Time of the next sweep.
    public private(set) var nextSweep: Double

    /// A detector over `hosts` hosts with Envoy's defaults unless given.
    public init(hosts: Int, consecutive5xx: Int = 5, interval: Double = 10, baseEjectionTime: Double = 30,
                maxEjectionTime: Double = 300, maxEjectionPercent: Double = 10, start: Double = 0) {
        self.consecutive5xx = consecutive5xx
        self.interval = interval
        self.baseEjectionTime = baseEjectionTime
        self.maxEjectionTime = maxEjectionTime
        self.maxEjectionPercent = maxEjectionPercent
        self.consecutive = Array(repeating: 0, count: hosts)
        self.ejectedAt = Array(repeating: nil, count: hosts)
        self.timesEjected = Array(repeating: 0, count: hosts)
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
        let ejected = ejectedCount
        guard ejected == 0 || 100 * Double(ejected + 1) / Double(consecutive.count) <= maxEjectionPercent else { return false }
        ejectedAt[host] = now
        timesEjected[host] += 1
        consecutive[host] = 0
        return true
    }

    /// Runs the sweeps due by `now`.
    public mutating func advance(now: Double) {
        while nextSweep <= now {
            for h in ejectedAt.indices {
                if let at = ejectedAt[h] {
                    let length = min(baseEjectionTime * Double(timesEjected[h]), maxEjectionTime)
                    if nextSweep >= at + length { ejectedAt[h] = nil }
                } else if timesEjected[h] > 0 {
                    timesEjected[h] -= 1
                }
            }
            nextSweep += interval
        }
    }
}
