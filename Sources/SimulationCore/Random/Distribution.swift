import Foundation

/// A probability distribution over non-negative or real values, sampled from
/// a ``RandomStream``. An enum, not a protocol, so that sampling on the hot
/// path is a `switch` with no existential or allocation.
///
/// ```swift
/// let service = Distribution.lognormal(median: 0.2, p99: 2.0)
/// var rng = RandomStream(seed: 1).stream("service")
/// let x = service.sample(&rng)
/// service.mean       // exact, from the parameters
/// ```
public indirect enum Distribution: Sendable, Equatable {
    /// Always `value`.
    case deterministic(Double)
    /// Uniform on `[low, high)`.
    case uniform(low: Double, high: Double)
    /// Exponential with the given mean (rate 1/mean).
    case exponential(mean: Double)
    /// Normal with mean and standard deviation.
    case normal(mean: Double, sd: Double)
    /// Lognormal: `exp(mu + sigma * Z)`.
    case lognormal(mu: Double, sigma: Double)
    /// Gamma with shape k and scale θ (mean kθ).
    case gamma(shape: Double, scale: Double)
    /// Weibull with shape k and scale λ.
    case weibull(shape: Double, scale: Double)
    /// Pareto (type I) with minimum `scale` and tail index `shape`.
    case pareto(scale: Double, shape: Double)
    /// Piecewise-linear interpolation between sorted samples.
    case empirical(EmpiricalDistribution)
    /// A weighted mixture; weights are normalised.
    case mixture([Component])
    /// The sum of independent draws, one from each term (stages in series,
    /// such as a cold start's provisioning, image pull and weight load).
    case sum([Distribution])

    /// One weighted member of a mixture.
    public struct Component: Sendable, Equatable {
        /// Relative weight (> 0).
        public var weight: Double
        /// The member distribution.
        public var distribution: Distribution
        /// A mixture member.
        public init(weight: Double, distribution: Distribution) {
            self.weight = weight
            self.distribution = distribution
        }
    }

    /// The 99th percentile of the standard normal distribution.
    public static let z99 = 2.326_347_874_040_840_8

    /// A lognormal with the given mean and standard deviation.
    public static func lognormal(mean: Double, sd: Double) -> Distribution {
        let sigma2 = log(1 + (sd * sd) / (mean * mean))
        return .lognormal(mu: log(mean) - sigma2 / 2, sigma: sigma2.squareRoot())
    }

    /// A lognormal with the given median and 99th percentile.
    public static func lognormal(median: Double, p99: Double) -> Distribution {
        .lognormal(mu: log(median), sigma: log(p99 / median) / z99)
    }

    /// Draws one value.
    @inlinable
    public func sample(_ rng: inout RandomStream) -> Double {
        switch self {
        case .deterministic(let v):
            return v
        case .uniform(let lo, let hi):
            return lo + (hi - lo) * rng.nextUniform()
        case .exponential(let mean):
            return -mean * log(rng.nextOpenUniform())
        case .normal(let mean, let sd):
            return mean + sd * Distribution.standardNormal(&rng)
        case .lognormal(let mu, let sigma):
            return exp(mu + sigma * Distribution.standardNormal(&rng))
        case .gamma(let shape, let scale):
            return scale * Distribution.standardGamma(shape, &rng)
        case .weibull(let shape, let scale):
            return scale * pow(-log(rng.nextOpenUniform()), 1 / shape)
        case .pareto(let scale, let shape):
            return scale * pow(rng.nextOpenUniform(), -1 / shape)
        case .empirical(let e):
            return e.sample(&rng)
        case .mixture(let components):
            var u = rng.nextUniform() * components.reduce(0) { $0 + $1.weight }
            for c in components {
                if u < c.weight { return c.distribution.sample(&rng) }
                u -= c.weight
            }
            return components[components.count - 1].distribution.sample(&rng)
        case .sum(let terms):
            var total = 0.0
            for t in terms { total += t.sample(&rng) }
            return total
        }
    }

    /// The exact mean (`.infinity` when it does not exist).
    public var mean: Double {
        switch self {
        case .deterministic(let v): return v
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .exponential(let m): return m
        case .normal(let m, _): return m
        case .lognormal(let mu, let s): return exp(mu + s * s / 2)
        case .gamma(let k, let th): return k * th
        case .weibull(let k, let l): return l * tgamma(1 + 1 / k)
        case .pareto(let xm, let a): return a > 1 ? a * xm / (a - 1) : .infinity
        case .empirical(let e): return e.mean
        case .mixture(let cs):
            let w = cs.reduce(0) { $0 + $1.weight }
            return cs.reduce(0) { $0 + $1.weight / w * $1.distribution.mean }
        case .sum(let terms): return terms.reduce(0) { $0 + $1.mean }
        }
    }

    /// The exact variance (`.infinity` when it does not exist).
    public var variance: Double {
        switch self {
        case .deterministic: return 0
        case .uniform(let lo, let hi): return (hi - lo) * (hi - lo) / 12
        case .exponential(let m): return m * m
        case .normal(_, let sd): return sd * sd
        case .lognormal(let mu, let s): return (exp(s * s) - 1) * exp(2 * mu + s * s)
        case .gamma(let k, let th): return k * th * th
        case .weibull(let k, let l):
            let g1 = tgamma(1 + 1 / k)
            return l * l * (tgamma(1 + 2 / k) - g1 * g1)
        case .pareto(let xm, let a):
            return a > 2 ? xm * xm * a / ((a - 1) * (a - 1) * (a - 2)) : .infinity
        case .empirical(let e): return e.variance
        case .mixture(let cs):
            let w = cs.reduce(0) { $0 + $1.weight }
            let m = mean
            // Law of total variance.
            return cs.reduce(0) { acc, c in
                let d = c.distribution.mean - m
                return acc + c.weight / w * (c.distribution.variance + d * d)
            }
        case .sum(let terms): return terms.reduce(0) { $0 + $1.variance }  // independent terms
        }
    }

    /// Squared coefficient of variation, variance / mean².
    public var scv: Double { variance / (mean * mean) }

    /// A description of the first invalid parameter, or `nil` when the
    /// parameters define a proper distribution.
    public var parameterProblem: String? {
        func positive(_ v: Double, _ name: String) -> String? {
            v.isFinite && v > 0 ? nil : "\(name) must be a finite number > 0 (got \(v))"
        }
        switch self {
        case .deterministic(let v):
            return v.isFinite ? nil : "value must be finite"
        case .uniform(let lo, let hi):
            return lo.isFinite && hi.isFinite && lo <= hi ? nil : "uniform needs finite low <= high"
        case .exponential(let m): return positive(m, "mean")
        case .normal(let m, let sd):
            return m.isFinite ? (sd.isFinite && sd >= 0 ? nil : "sd must be >= 0") : "mean must be finite"
        case .lognormal(let mu, let s):
            return mu.isFinite ? (s.isFinite && s >= 0 ? nil : "sigma must be >= 0 (p99 must exceed the median)") : "median/mean must be > 0"
        case .gamma(let k, let th): return positive(k, "shape") ?? positive(th, "scale")
        case .weibull(let k, let l): return positive(k, "shape") ?? positive(l, "scale")
        case .pareto(let xm, let a): return positive(xm, "scale") ?? positive(a, "shape")
        case .empirical(let e): return e.isEmpty ? "empirical needs at least one sample" : nil
        case .mixture(let cs):
            if cs.isEmpty { return "mixture needs at least one component" }
            for c in cs {
                if let p = positive(c.weight, "weight") ?? c.distribution.parameterProblem { return p }
            }
            return nil
        case .sum(let terms):
            if terms.isEmpty { return "sum needs at least one term" }
            return terms.lazy.compactMap(\.parameterProblem).first
        }
    }

    /// A standard normal draw (Box–Muller, one of the pair).
    @inlinable
    static func standardNormal(_ rng: inout RandomStream) -> Double {
        let u1 = rng.nextOpenUniform()
        let u2 = rng.nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A Gamma(shape, 1) draw (Marsaglia–Tsang; boosted below shape 1).
    @inlinable
    static func standardGamma(_ shape: Double, _ rng: inout RandomStream) -> Double {
        if shape < 1 {
            let u = rng.nextOpenUniform()
            return standardGamma(shape + 1, &rng) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal(&rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextOpenUniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
