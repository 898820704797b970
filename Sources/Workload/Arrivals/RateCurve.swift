/// A piecewise-constant arrival rate over time: `rates[i]` requests per
/// second holds from `starts[i]` until `starts[i + 1]` (the last holds on,
/// or the curve repeats with `period`). Drives a non-homogeneous Poisson
/// process in ``ArrivalGenerator``.
///
/// ```swift
/// let curve = try RateCurve(starts: [0, 600], rates: [100, 250])
/// curve.rate(at: 700)   // 250
/// ```
package struct RateCurve: Sendable, Equatable {
    /// Segment start times in seconds, strictly increasing, first = 0.
    package private(set) var starts: [Double]
    /// Requests per second in each segment (>= 0).
    package private(set) var rates: [Double]
    /// If set, the curve repeats every `period` seconds.
    package var period: Double?

    /// A curve from segment starts and rates.
    package init(starts: [Double], rates: [Double], period: Double? = nil) throws {
        guard !starts.isEmpty, starts.count == rates.count else {
            throw WorkloadError("rate curve", "needs as many segment starts as rates, and at least one")
        }
        for i in 1..<starts.count where starts[i] <= starts[i - 1] {
            throw WorkloadError("rate curve", "segment starts must increase (segment \(i) starts at \(starts[i]) after \(starts[i - 1]))")
        }
        if let bad = rates.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw WorkloadError("rate curve", "rate of segment \(bad) must be a finite number >= 0 (got \(rates[bad]))")
        }
        if let period, let last = starts.last, period <= last {
            throw WorkloadError("rate curve", "period \(period) s must exceed the last segment start \(last) s")
        }
        let shift = starts[0]
        self.starts = starts.map { $0 - shift }
        self.rates = rates
        self.period = period
    }

    /// The curve with every rate multiplied by `factor`.
    package func scaled(by factor: Double) -> RateCurve {
        var c = self
        c.rates = rates.map { $0 * factor }
        return c
    }

    /// Index of the segment holding time `t` (0 ≤ t).
    package func segment(at t: Double) -> Int {
        let local = period.map { t.truncatingRemainder(dividingBy: $0) } ?? t
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= local { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The rate at time `t`.
    package func rate(at t: Double) -> Double { rates[segment(at: t)] }

    /// Absolute end time of the segment holding `t` (`.infinity` for the
    /// last segment of a non-repeating curve).
    package func segmentEnd(after t: Double) -> Double {
        let i = segment(at: t)
        if let period {
            // The cycle's start as `segment(at:)` sees it (t minus its
            // remainder), not ⌊t/period⌋·period, which rounding can put a
            // whole period away from the segment just found.
            let cycleStart = t - t.truncatingRemainder(dividingBy: period)
            return cycleStart + (i + 1 < starts.count ? starts[i + 1] : period)
        }
        return i + 1 < starts.count ? starts[i + 1] : .infinity
    }

    /// Expected number of arrivals in `[from, to)`.
    package func expectedCount(from: Double, to: Double) -> Double {
        var t = from, total = 0.0
        while t < to {
            let end = min(segmentEnd(after: t), to)
            total += rate(at: t) * (end - t)
            t = end
        }
        return total
    }

    /// Largest rate of the curve.
    package var peakRate: Double { rates.max() ?? 0 }
}
