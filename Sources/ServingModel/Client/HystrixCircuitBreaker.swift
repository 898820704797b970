/// Netflix Hystrix's circuit breaker (`HystrixCommandProperties.java`,
/// `HystrixCircuitBreaker.java`; https://github.com/Netflix/Hystrix/wiki/Configuration [src]).
///
/// Outcomes go into a rolling window of `metrics.rollingStats.timeInMilliseconds`
/// (10 s) cut into `numBuckets` (10) buckets; the window holds the current
/// bucket and the nine before it. While closed, the circuit opens when the
/// window holds at least `requestVolumeThreshold` (20) requests **and** the
/// error percentage, truncated to an integer as Hystrix does, is at least
/// `errorThresholdPercentage` (50). Once `sleepWindowInMilliseconds` (5 s)
/// has passed since opening (strictly after), one trial call is let through
/// (half-open) and every other call is refused; the trial's success closes
/// the circuit and clears the window, its failure reopens it from that
/// moment. Hystrix evaluates a health snapshot taken at most every 500 ms
/// (`metrics.healthSnapshot.intervalInMilliseconds`, default 500 in
/// `HystrixCommandProperties.java` [src]); here the rule
/// is checked after every outcome. Timeouts, thread-pool and semaphore
/// rejections are failures the caller reports as `failed: true`.
package struct HystrixCircuitBreaker: Sendable, Equatable {
    /// Requests the window must hold before the circuit can open (20).
    package let requestVolumeThreshold: Int
    /// Error percentage that opens the circuit (50).
    package let errorThresholdPercentage: Int
    /// Seconds the circuit stays open before the trial (5).
    package let sleepWindow: Double
    /// Length of the rolling window in seconds (10).
    package let rollingWindow: Double
    /// Buckets in the rolling window (10).
    package let numBuckets: Int
    /// The current state.
    package private(set) var state: CircuitState = .closed
    /// When the circuit last opened.
    package private(set) var openedAt = -Double.infinity
    private var bucketIDs: [Int]
    private var totals: [Int]
    private var errors: [Int]

    /// A breaker with Hystrix's defaults unless given.
    package init(requestVolumeThreshold: Int = 20, errorThresholdPercentage: Int = 50, sleepWindow: Double = 5,
                rollingWindow: Double = 10, numBuckets: Int = 10) {
        self.requestVolumeThreshold = requestVolumeThreshold
        self.errorThresholdPercentage = errorThresholdPercentage
        self.sleepWindow = sleepWindow
        self.rollingWindow = rollingWindow
        self.numBuckets = numBuckets
        self.bucketIDs = Array(repeating: Int.min, count: max(numBuckets, 1))
        self.totals = Array(repeating: 0, count: max(numBuckets, 1))
        self.errors = Array(repeating: 0, count: max(numBuckets, 1))
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the breaker's mapping (`client.breaker`).
    package func validate(at path: String = "client.breaker") throws(ServingModelError) {
        try ServingModelError.check(requestVolumeThreshold >= 1, path + ".request_volume_threshold", requestVolumeThreshold, "an integer >= 1")
        try ServingModelError.check((0...100).contains(errorThresholdPercentage), path + ".error_threshold",
                                    "\(errorThresholdPercentage)%", "a percentage from 0% to 100%")
        try ServingModelError.check(sleepWindow.isFinite && sleepWindow > 0, path + ".sleep_window", sleepWindow, "a duration > 0")
        try ServingModelError.check(rollingWindow.isFinite && rollingWindow > 0, path + ".rolling_window", rollingWindow, "a duration > 0")
        try ServingModelError.check(numBuckets >= 1, path + ".buckets", numBuckets, "an integer >= 1")
    }

    /// Requests and errors in the window ending at `now`.
    package func healthCounts(now: Double) -> (total: Int, errors: Int) {
        let current = bucketID(now)
        var total = 0
        var errorCount = 0
        for i in bucketIDs.indices where bucketIDs[i] > current - numBuckets && bucketIDs[i] <= current {
            total += totals[i]
            errorCount += errors[i]
        }
        return (total, errorCount)
    }

    /// Whether a call may go out at `now` (the trial call when half-opening).
    package mutating func tryAcquirePermission(now: Double) -> Bool {
        switch state {
        case .closed:
            return true
        case .halfOpen:
            return false
        case .open:
            guard now > openedAt + sleepWindow else { return false }
            state = .halfOpen
            return true
        }
    }

    /// Records the outcome of a permitted call completing at `now`.
    package mutating func record(failed: Bool, now: Double) {
        if state == .halfOpen {
            if failed {
                state = .open
                openedAt = now
            } else {
                state = .closed
                for i in bucketIDs.indices { bucketIDs[i] = Int.min }
            }
            return
        }
        let id = bucketID(now)
        let slot = ((id % numBuckets) + numBuckets) % numBuckets
        if bucketIDs[slot] != id {
            bucketIDs[slot] = id
            totals[slot] = 0
            errors[slot] = 0
        }
        totals[slot] += 1
        if failed { errors[slot] += 1 }
        guard state == .closed else { return }
        let (total, errorCount) = healthCounts(now: now)
        if total >= requestVolumeThreshold, errorCount * 100 / total >= errorThresholdPercentage {
            state = .open
            openedAt = now
        }
    }

    private func bucketID(_ t: Double) -> Int {
        Int((t / (rollingWindow / Double(numBuckets))).rounded(.down))
    }
}
