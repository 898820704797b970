import Foundation
import SimulationCore
import Workload

/// The bounds that keep every run finite and every conversion safe: no
/// value read from a scenario, a flag or a file may crash the simulator,
/// hang it at one instant, or make it allocate without limit. The scenario
/// parser refuses values outside these bounds with the key at fault
/// (`docs/scenario-reference.md#limits` lists them); ``checkScale(_:)``
/// refuses a configuration whose expected work is absurd before it runs;
/// the engine holds at most ``maxHeldRequests`` requests at once.
package enum ServingLimits {
    /// Longest simulated duration, and longest value of any duration key
    /// (s): 365 days.
    package static let maxDuration: Double = 365 * 86_400
    /// Shortest period of a periodic timer (scrape, sync and tick
    /// intervals, health checks, the time-series interval, on/off holding
    /// times) (s): 1 ms. A shorter period would fire millions of times per
    /// simulated second, or, below the resolution of the clock, at one
    /// instant forever.
    package static let minInterval: Double = 0.001
    /// Most arrivals one run may expect (rate × duration, summed over the
    /// arrival sources; a replayed trace's rows × its rate scale): 50
    /// million, about 4 GB if every request queued at once.
    package static let maxArrivals: Double = 50_000_000
    /// Most requests the gateway and the replicas hold at once (queued,
    /// running, or waiting for a connection). An attempt beyond it is
    /// refused with 503 and counted as rejected, as a gateway's queue limit
    /// would: a run that reaches it is far past saturation.
    package static let maxHeldRequests = 2_000_000
    /// Most time-series bins (duration / `output.interval`): 5 million.
    package static let maxSeriesBins: Double = 5_000_000
    /// Largest arrival rate (requests/s): 10 million.
    package static let maxRate: Double = 10_000_000
    /// Largest scale factor (`scale`, `time_scale`, `--rate-scale`,
    /// `--time-scale`, `--headroom`, `--load-scale`): 10⁶.
    package static let maxFactor: Double = 1_000_000
    /// Most replicas (`replicas.count`, `cluster.max_replicas`, a plan's
    /// size): 100,000.
    package static let maxReplicas = 100_000
    /// Largest count where nothing smaller applies (queue limits,
    /// thresholds, request volumes): 10⁹.
    package static let maxCount = 1_000_000_000

    /// `x` rounded toward zero as an `Int`, saturating at ±2⁵⁰ so that sums
    /// of a few such values cannot overflow either; NaN gives 0. For the
    /// decisions (autoscalers, caps) that turn a ratio into a count.
    @inlinable
    package static func saturatingInt(_ x: Double) -> Int {
        let bound = 1_125_899_906_842_624.0  // 2^50
        if x.isNaN { return 0 }
        if x >= bound { return 1 << 50 }
        if x <= -bound { return -(1 << 50) }
        return Int(x)
    }

    /// Expected arrivals of `process` over `[0, duration)` (for a rate
    /// curve its integral; `.infinity` when the mean gap is 0).
    package static func expectedArrivals(_ process: ArrivalProcess, duration: Double) -> Double {
        switch process {
        case .rateCurve(let c):
            guard duration.isFinite else { return c.peakRate > 0 ? .infinity : 0 }
            // Whole periods at the period's integral, then the rest.
            if let period = c.period, duration > period {
                let cycles = (duration / period).rounded(.down)
                return cycles * c.expectedCount(from: 0, to: period) + c.expectedCount(from: 0, to: duration - cycles * period)
            }
            return c.expectedCount(from: 0, to: duration)
        case .windowed(let w):
            var total = 0.0
            for (i, r) in w.rates.enumerated() {
                let start = Double(i) * w.width
                if start >= duration { break }
                total += r * (min(duration, start + w.width) - start)
            }
            return total
        case .renewal(let d):
            let mean = d.mean
            return mean > 0 ? duration / mean : .infinity
        case .constantStages(let c):
            return Double(c.stages.reduce(0) { $0 + $1.count })
        default:
            let rate = process.meanRate
            return rate.isNaN ? .infinity : rate * duration
        }
    }

    /// The key (below the arrivals mapping) that sets a process's rate.
    static func rateKey(_ process: ArrivalProcess) -> String {
        switch process {
        case .poisson: return "rate"
        case .renewal: return "interarrival"
        case .rateCurve: return "points"
        case .modulated: return "states"
        case .windowed: return "clients"
        case .constantStages: return "stages"
        }
    }

    /// Refuses a configuration whose run would be absurd, naming the key
    /// at fault and the estimate: a duration above ``maxDuration``, more
    /// time-series bins than ``maxSeriesBins``, more expected arrivals than
    /// ``maxArrivals``, a trace replay scaled beyond ``maxFactor``.
    package static func checkScale(_ c: ServingConfiguration) throws(ServingModelError) {
        guard c.duration.isFinite, c.duration > 0, c.duration <= maxDuration else {
            throw ServingModelError(key: "duration", "expected a duration > 0 and at most 365d, got \(Self.seconds(c.duration))")
        }
        guard c.timeSeriesInterval.isFinite, c.timeSeriesInterval >= minInterval else {
            throw ServingModelError(key: "output.interval", "expected a duration >= 1ms, got \(Self.seconds(c.timeSeriesInterval))")
        }
        let bins = c.duration / c.timeSeriesInterval
        if bins > maxSeriesBins {
            throw ServingModelError(key: "output.interval",
                                    "\(Self.seconds(c.timeSeriesInterval)) bins over \(Self.seconds(c.duration)) make \(Self.count(bins)) time-series bins, "
                                    + "above the limit of \(Self.count(maxSeriesBins)); set a wider interval")
        }
        switch c.arrivals {
        case .processes(let ps):
            let each = ps.map { expectedArrivals($0, duration: c.duration) }
            let total = each.reduce(0, +)
            guard total.isNaN || total > maxArrivals else { return }
            let worst = each.indices.max { !(each[$0] >= each[$1]) } ?? 0
            let base = ps.count == 1 ? "workload.arrivals" : "workload.clients[\(worst)].arrivals"
            let estimate = total.isFinite
                ? "an expected \(Self.count(total)) arrivals in \(Self.seconds(c.duration)) (\(Self.count(total / c.duration))/s on average)"
                : "unbounded arrivals (a mean gap of 0 between them)"
            throw ServingModelError(key: "\(base).\(rateKey(ps[worst]))",
                                    "\(estimate), above the limit of \(Self.count(maxArrivals)) per run; lower the rate or shorten the duration")
        case .trace(let t):
            guard t.rateScale.isFinite, t.rateScale > 0, t.rateScale <= maxFactor else {
                throw ServingModelError(key: "workload.arrivals.scale", "expected a multiplier > 0 and at most 1000000x, got \(t.rateScale)")
            }
            guard t.timeScale.isFinite, t.timeScale > 0, t.timeScale <= maxFactor else {
                throw ServingModelError(key: "workload.arrivals.time_scale", "expected a multiplier > 0 and at most 1000000x, got \(t.timeScale)")
            }
        }
    }

    /// A count for messages: `3600`, `60 million`, `3.6e+13`.
    static func count(_ x: Double) -> String {
        if !x.isFinite { return "\(x)" }
        if x < 1e6 { return String(Int(x.rounded())) }
        return x < 1e12 ? String(format: "%.4g million", x / 1e6) : String(format: "%.3g", x)
    }

    /// Seconds for messages, in the largest unit that writes them whole:
    /// `200d`, `1h`, `90s`, else `%g s`.
    static func seconds(_ x: Double) -> String {
        guard x.isFinite else { return "\(x) s" }
        for (unit, scale) in [("d", 86_400.0), ("h", 3600), ("m", 60), ("s", 1)] where x >= scale {
            let n = x / scale
            if n == n.rounded() && n < 1e15 { return "\(Int(n))\(unit)" }
        }
        return String(format: "%g s", x)
    }
}
