import Foundation
import Testing
@testable import SimulationCore

/// The engine driven with small queueing models and compared with closed
/// forms. Every tolerance is the run's own confidence interval (batch means
/// over 30 batches, or a t-interval over independent replications) at 99.9%.
@Suite struct EngineAgainstTheoryTests {
    static func run(servers: Int, lambda: Double, service: Distribution, customers: Int,
                    seed: UInt64) -> QueueingStation {
        let station = QueueingStation(servers: servers, interarrival: .exponential(mean: 1 / lambda),
                                      service: service, seed: seed,
                                      warmupCustomers: customers / 20, measuredCustomers: customers)
        var sim = Simulation(model: station)
        sim.schedule(.arrival, at: 0)
        sim.run(until: .infinity)
        return sim.model
    }

    @Test(arguments: [(1, 0.5), (1, 0.9), (8, 0.5), (8, 0.9), (64, 0.5), (64, 0.9)])
    func mmcMeanWaitMatchesErlangC(servers: Int, rho: Double) {
        let mu = 1.0
        let lambda = rho * Double(servers) * mu
        let customers = rho > 0.8 ? 1_000_000 : 300_000
        let m = Self.run(servers: servers, lambda: lambda, service: .exponential(mean: 1 / mu),
                         customers: customers, seed: UInt64(servers * 100) + UInt64(rho * 10))
        let theory = QueueingTheory.mmcMeanWait(arrivalRate: lambda, serviceRate: mu, servers: servers)
        let pWait = QueueingTheory.erlangC(servers: servers, offeredLoad: lambda / mu)
        if Double(customers) * pWait < 30 {
            // Too few customers wait for a normal interval: the number who
            // wait is ~Poisson(n·C); check it within a 99.9% Poisson bound.
            let waited = Double(customers) * (1 - m.waitHistogram.fraction(atMost: 0))
            let expected = Double(customers) * pWait
            #expect(abs(waited - expected) <= 3.29 * expected.squareRoot() + 1)
        } else {
            let ci = m.waitBatches.confidenceInterval(level: 0.999)
            #expect(abs(ci.mean - theory) <= ci.halfWidth, "c=\(servers) ρ=\(rho): \(ci.mean) ± \(ci.halfWidth) vs \(theory)")
            // Power: the interval must resolve the wait to 25% of itself or to
            // 1% of a service time, or the comparison above proves nothing.
            #expect(ci.halfWidth < max(0.25 * theory, 0.01 / mu), "interval too wide to be a test")
        }
    }

    @Test func mm1SojournP99MatchesTheExponentialTail() {
        // M/M/1 at ρ = 0.8: sojourn ~ Exp(μ − λ), p99 = ln(100)/0.2 = 23.03 s.
        let lambda = 0.8, mu = 1.0
        var p99s = Welford()
        for r in 0..<10 {
            let m = Self.run(servers: 1, lambda: lambda, service: .exponential(mean: 1), customers: 100_000, seed: 1000 + UInt64(r))
            p99s.record(m.sojournHistogram.percentile(0.99))
        }
        let theory = QueueingTheory.mm1SojournQuantile(arrivalRate: lambda, serviceRate: mu, p: 0.99)
        let half = Quantiles.studentT(0.9995, degreesOfFreedom: 9) * p99s.standardDeviation / 10.0.squareRoot()
        #expect(abs(p99s.mean - theory) <= half + theory * LogHistogram.relativeErrorBound, "\(p99s.mean) ± \(half) vs \(theory)")
    }

    @Test func md1MeanWaitMatchesPollaczekKhinchine() {
        let lambda = 0.7
        let m = Self.run(servers: 1, lambda: lambda, service: .deterministic(1), customers: 300_000, seed: 77)
        let theory = QueueingTheory.mg1MeanWait(arrivalRate: lambda, serviceMean: 1, serviceVariance: 0)
        let ci = m.waitBatches.confidenceInterval(level: 0.999)
        #expect(abs(ci.mean - theory) <= ci.halfWidth, "\(ci.mean) ± \(ci.halfWidth) vs \(theory)")
    }

    @Test func littlesLawHoldsForTheQueue() {
        let lambda = 7.2
        let station = QueueingStation(servers: 8, interarrival: .exponential(mean: 1 / lambda),
                                      service: .exponential(mean: 1), seed: 5,
                                      warmupCustomers: 10_000, measuredCustomers: 200_000)
        var sim = Simulation(model: station)
        sim.schedule(.arrival, at: 0)
        sim.run(while: { !$0.isFinished })
        let lq = sim.model.queueLength.average(at: sim.now)
        let ci = sim.model.waitBatches.confidenceInterval(level: 0.999)
        // Lq and λ·Wq estimate the same quantity; allow both intervals.
        #expect(abs(lq - lambda * ci.mean) <= 2 * lambda * ci.halfWidth)
    }

    @Test func sameSeedGivesIdenticalResultsAndAnotherSeedDoesNot() {
        let a = Self.run(servers: 8, lambda: 7.2, service: .exponential(mean: 1), customers: 50_000, seed: 1)
        let b = Self.run(servers: 8, lambda: 7.2, service: .exponential(mean: 1), customers: 50_000, seed: 1)
        let c = Self.run(servers: 8, lambda: 7.2, service: .exponential(mean: 1), customers: 50_000, seed: 2)
        #expect(a.waits.mean.bitPattern == b.waits.mean.bitPattern)
        #expect(a.waitHistogram == b.waitHistogram)
        #expect(a.waits.mean != c.waits.mean)
    }
}
