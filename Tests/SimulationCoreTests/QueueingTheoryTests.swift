import Foundation
import Testing
@testable import SimulationCore

@Suite struct QueueingTheoryTests {
    @Test func erlangFormulasMatchHandComputedValues() {
        // c = 2, A = 1: B = 0.2, C = 1/3.
        #expect(abs(QueueingTheory.erlangB(servers: 2, offeredLoad: 1) - 0.2) < 1e-12)
        #expect(abs(QueueingTheory.erlangC(servers: 2, offeredLoad: 1) - 1.0 / 3) < 1e-12)
        // M/M/1: P(wait) = ρ, E[W] = ρ / (μ − λ).
        #expect(abs(QueueingTheory.erlangC(servers: 1, offeredLoad: 0.8) - 0.8) < 1e-12)
        #expect(abs(QueueingTheory.mmcMeanWait(arrivalRate: 0.8, serviceRate: 1, servers: 1) - 4) < 1e-12)
        #expect(QueueingTheory.mmcMeanWait(arrivalRate: 2, serviceRate: 1, servers: 2) == .infinity)
        // P-K for M/D/1 at ρ = 0.5 with unit service: 0.5 / (2 · 0.5) = 0.5.
        #expect(abs(QueueingTheory.mg1MeanWait(arrivalRate: 0.5, serviceMean: 1, serviceVariance: 0) - 0.5) < 1e-12)
    }

    @Test func staffingReturnsTheSmallestSufficientCount() {
        let lambda = 100.0, mu = 1.0, t = 0.05, eps = 0.01
        let c = QueueingTheory.erlangCStaffing(arrivalRate: lambda, serviceRate: mu, waitTarget: t, exceedance: eps)
        #expect(QueueingTheory.mmcWaitExceedance(arrivalRate: lambda, serviceRate: mu, servers: c, t: t) <= eps)
        #expect(QueueingTheory.mmcWaitExceedance(arrivalRate: lambda, serviceRate: mu, servers: c - 1, t: t) > eps)
        // [1 + Φ(1)/φ(1)]⁻¹ = 1 / (1 + 0.8413/0.2420) = 0.2234.
        #expect(abs(QueueingTheory.halfinWhittWaitProbability(beta: 1) - 0.2234) < 1e-3)
    }
}
