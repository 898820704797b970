import Foundation
import Testing
@testable import SimulationCore

/// Each distribution's sample mean and variance must fall inside confidence
/// intervals computed from the sample itself: the mean within z·s/√n, the
/// variance within z·√((m4 − s⁴)/n), with z = 4.42 (two-sided 99.999%), so
/// that the thirty-odd checks here fail by chance with probability < 0.1%.
@Suite struct DistributionTests {
    static let z = 4.42
    static let n = 200_000

    static func check(_ d: Distribution, seed: UInt64 = 3, sourceLocation: SourceLocation = #_sourceLocation) {
        var rng = RandomStream(seed: seed).stream("dist")
        var xs = [Double](repeating: 0, count: n)
        for i in 0..<n { xs[i] = d.sample(&rng) }
        let mean = xs.reduce(0, +) / Double(n)
        var m2 = 0.0, m4 = 0.0
        for x in xs { let c = (x - mean) * (x - mean); m2 += c; m4 += c * c }
        m2 /= Double(n); m4 /= Double(n)
        let meanTol = z * (m2 / Double(n)).squareRoot() + 1e-12
        #expect(abs(mean - d.mean) <= meanTol, "mean \(mean) vs \(d.mean) ± \(meanTol)", sourceLocation: sourceLocation)
        let varTol = z * (max(m4 - m2 * m2, 0) / Double(n)).squareRoot() + 1e-12
        #expect(abs(m2 - d.variance) <= varTol, "variance \(m2) vs \(d.variance) ± \(varTol)", sourceLocation: sourceLocation)
    }

    @Test func deterministic() { Self.check(.deterministic(2.5)) }
    @Test func uniform() { Self.check(.uniform(low: 1, high: 4)) }
    @Test func exponential() { Self.check(.exponential(mean: 0.25)) }
    @Test func normal() { Self.check(.normal(mean: -1, sd: 3)) }
    @Test func lognormalFromMeanAndSD() {
        let d = Distribution.lognormal(mean: 2, sd: 1)
        #expect(abs(d.mean - 2) < 1e-12)
        #expect(abs(d.variance - 1) < 1e-12)
        Self.check(d)
    }
    @Test func lognormalFromMedianAndP99() {
        let d = Distribution.lognormal(median: 0.2, p99: 1.0)
        var rng = RandomStream(seed: 5)
        var xs = (0..<Self.n).map { _ in d.sample(&rng) }
        xs.sort()
        // Order statistics: the p-quantile's rank sd is √(np(1−p)).
        let sd50 = (Double(Self.n) * 0.25).squareRoot(), sd99 = (Double(Self.n) * 0.0099).squareRoot()
        let lo50 = xs[Int(Double(Self.n) * 0.5 - Self.z * sd50)], hi50 = xs[Int(Double(Self.n) * 0.5 + Self.z * sd50)]
        let lo99 = xs[Int(Double(Self.n) * 0.99 - Self.z * sd99)], hi99 = xs[Int(Double(Self.n) * 0.99 + Self.z * sd99)]
        #expect(lo50 <= 0.2 && 0.2 <= hi50)
        #expect(lo99 <= 1.0 && 1.0 <= hi99)
        Self.check(d)
    }
    @Test func gammaAboveAndBelowShapeOne() {
        Self.check(.gamma(shape: 2.5, scale: 0.4))
        Self.check(.gamma(shape: 0.5, scale: 2))
    }
    @Test func weibull() {
        Self.check(.weibull(shape: 1.5, scale: 2))
        Self.check(.weibull(shape: 0.7, scale: 1))
    }
    @Test func pareto() {
        // Shape 5 keeps the fourth moment finite, so the variance CI exists.
        Self.check(.pareto(scale: 1, shape: 5))
        #expect(Distribution.pareto(scale: 1, shape: 1).mean == .infinity)
    }
    /// A sum of independent stages (a cold start: provisioning, image pull,
    /// weight load): means and variances add, and draws match both.
    @Test func sumOfStages() {
        let d = Distribution.sum([.deterministic(20), .lognormal(median: 30, p99: 120), .gamma(shape: 4, scale: 5)])
        #expect(abs(d.mean - (20 + Distribution.lognormal(median: 30, p99: 120).mean + 20)) < 1e-9)
        #expect(abs(d.variance - (Distribution.lognormal(median: 30, p99: 120).variance + 100)) < 1e-9)
        Self.check(d)
        #expect(Distribution.sum([]).parameterProblem != nil)
        #expect(Distribution.sum([.exponential(mean: -1)]).parameterProblem != nil)
    }
    @Test func empiricalInterpolates() {
        let e = EmpiricalDistribution(samples: [4, 1, 2, 8])
        #expect(e.quantile(0) == 1)
        #expect(e.quantile(1) == 8)
        #expect(e.quantile(0.5) == 3)
        // Mean of the piecewise-uniform distribution: (1.5 + 3 + 6) / 3.
        #expect(abs(e.mean - 3.5) < 1e-12)
        Self.check(.empirical(e))
    }
    @Test func mixture() {
        let d = Distribution.mixture([
            .init(weight: 3, distribution: .exponential(mean: 1)),
            .init(weight: 1, distribution: .deterministic(10)),
        ])
        #expect(abs(d.mean - (0.75 + 2.5)) < 1e-12)
        Self.check(d)
    }

    @Test func invalidParametersAreNamed() {
        #expect(Distribution.exponential(mean: -1).parameterProblem?.contains("mean") == true)
        #expect(Distribution.gamma(shape: 0, scale: 1).parameterProblem?.contains("shape") == true)
        #expect(Distribution.lognormal(median: 1, p99: 0.5).parameterProblem != nil)
        #expect(Distribution.exponential(mean: 1).parameterProblem == nil)
    }
}
