import Foundation
import SimulationCore

/// How requests arrive: the configuration of one arrival source. A workload
/// may have several sources (clients); each becomes an ``ArrivalGenerator``
/// with its own random stream.
package enum ArrivalProcess: Sendable, Equatable {
    /// Poisson arrivals at a constant rate (requests/s).
    case poisson(rate: Double)
    /// A renewal process: i.i.d. inter-arrival times.
    case renewal(interarrival: Distribution)
    /// A non-homogeneous Poisson process following a rate curve.
    case rateCurve(RateCurve)
    /// A Markov-modulated Poisson process cycling through states, each with
    /// a rate and an exponentially distributed holding time (on/off bursts
    /// are the two-state case with an "off" rate of 0).
    case modulated([ModulatedState])
    /// A client whose traffic changes window by window, as ServeGen
    /// publishes it: in window i a renewal process with rate `rates[i]` and
    /// an inter-arrival family (`shapes[i]`, Weibull or Gamma shape; 0 means
    /// exponential) rescaled to the window's mean.
    case windowed(ClientWindows)
    /// inference-perf's constant-rate load stages, back to back
    /// (``ConstantStages``): a fixed count per stage, its gaps rescaled
    /// exponential draws.
    case constantStages(ConstantStages)

    /// One state of a modulated process.
    package struct ModulatedState: Sendable, Equatable {
        /// Arrival rate in the state (requests/s, >= 0).
        package var rate: Double
        /// Mean time spent in the state (s, > 0).
        package var meanHolding: Double
        /// A state.
        package init(rate: Double, meanHolding: Double) {
            self.rate = rate
            self.meanHolding = meanHolding
        }
    }

    /// Long-run mean arrival rate (for a rate curve: its time average over
    /// the first period or segment span).
    package var meanRate: Double {
        switch self {
        case .poisson(let r): return r
        case .renewal(let d): return 1 / d.mean
        case .rateCurve(let c):
            let span = c.period ?? max(c.starts.last ?? 0, 1)
            return span > 0 ? c.expectedCount(from: 0, to: span) / span : c.rates[0]
        case .modulated(let states):
            let time = states.reduce(0) { $0 + $1.meanHolding }
            return states.reduce(0) { $0 + $1.rate * $1.meanHolding } / time
        case .windowed(let w):
            return w.rates.reduce(0, +) / Double(max(w.rates.count, 1))
        case .constantStages(let c):
            let n = c.stages.reduce(0) { $0 + $1.count }
            return c.end > 0 ? Double(n) / c.end : 0
        }
    }

    /// The same process with its rate multiplied by `factor` (> 0).
    package func scaled(by factor: Double) -> ArrivalProcess {
        switch self {
        case .poisson(let r): return .poisson(rate: r * factor)
        case .renewal(let d):
            return .renewal(interarrival: d.scaledTime(1 / factor))
        case .rateCurve(let c): return .rateCurve(c.scaled(by: factor))
        case .modulated(let s): return .modulated(s.map { .init(rate: $0.rate * factor, meanHolding: $0.meanHolding) })
        case .windowed(let w):
            var w = w
            w.rates = w.rates.map { $0 * factor }
            return .windowed(w)
        case .constantStages(var c):
            c.stages = c.stages.map { .init(rate: $0.rate * factor, duration: $0.duration) }
            return .constantStages(c)
        }
    }
}

/// Per-window traffic statistics of one client (ServeGen's form).
package struct ClientWindows: Sendable, Equatable {
    /// Window length in seconds (ServeGen: 600).
    package var width: Double
    /// Mean request rate per window (requests/s).
    package var rates: [Double]
    /// Inter-arrival family per window.
    package var families: [Family]

    /// An inter-arrival family with its shape; the scale is set per window
    /// so the mean inter-arrival time is 1/rate.
    package enum Family: Sendable, Equatable {
        /// Exponential (Poisson within the window).
        case exponential
        /// Weibull with this shape.
        case weibull(shape: Double)
        /// Gamma with this shape.
        case gamma(shape: Double)
    }

    /// Client windows.
    package init(width: Double, rates: [Double], families: [Family]) {
        self.width = width
        self.rates = rates
        self.families = families
    }

    /// The inter-arrival distribution of window `i` (nil when its rate is 0).
    package func interarrival(window i: Int) -> Distribution? {
        let rate = rates[i]
        guard rate > 0 else { return nil }
        let mean = 1 / rate
        switch families[i] {
        case .exponential: return .exponential(mean: mean)
        case .weibull(let k):
            return .weibull(shape: k, scale: mean / Distribution.weibull(shape: k, scale: 1).mean)
        case .gamma(let k): return .gamma(shape: k, scale: mean / k)
        }
    }
}

extension Distribution {
    /// The distribution of `factor · X`.
    package func scaledTime(_ factor: Double) -> Distribution {
        switch self {
        case .deterministic(let v): return .deterministic(v * factor)
        case .uniform(let lo, let hi): return .uniform(low: lo * factor, high: hi * factor)
        case .exponential(let m): return .exponential(mean: m * factor)
        case .normal(let m, let sd): return .normal(mean: m * factor, sd: sd * factor)
        case .lognormal(let mu, let s): return .lognormal(mu: mu + log(factor), sigma: s)
        case .gamma(let k, let th): return .gamma(shape: k, scale: th * factor)
        case .weibull(let k, let l): return .weibull(shape: k, scale: l * factor)
        case .pareto(let xm, let a): return .pareto(scale: xm * factor, shape: a)
        case .empirical(let e): return .empirical(EmpiricalDistribution(samples: e.sorted.map { $0 * factor }))
        case .mixture(let cs):
            return .mixture(cs.map { .init(weight: $0.weight, distribution: $0.distribution.scaledTime(factor)) })
        case .sum(let terms): return .sum(terms.map { $0.scaledTime(factor) })
        }
    }
}
