import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// The serving model with `batching: none` is a G/G/c queue: compare it with
/// closed forms. Tolerances are the run's own 99.9% batch-means intervals.
@Suite struct ServingTheoryTests {
    static func config(rate: Double, replicas: Int, service: Distribution, duration: Double = 1800, seed: UInt64 = 7) -> ServingConfiguration {
        ServingConfiguration(name: "t", seed: seed, duration: duration, warmup: 120,
                             arrivals: .processes([.poisson(rate: rate)]),
                             sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
                             replicas: ReplicaConfiguration(count: replicas, batching: .unbatched, service: service))
    }

    static func run(_ c: ServingConfiguration) throws -> (ServingResult, ServingMetrics) {
        let out = try ServingRun(configuration: c).execute()
        return (out.result, out.metrics)
    }

    @Test func mmcMatchesErlangCAndEndToEndIsWaitPlusService() throws {
        let (r, m) = try Self.run(Self.config(rate: 720, replicas: 8, service: .exponential(mean: 0.010)))
        let theory = QueueingTheory.mmcMeanWait(arrivalRate: 720, serviceRate: 100, servers: 8)
        let ci = m.queueWaitBatches.confidenceInterval(level: 0.999)
        #expect(abs(ci.mean - theory) <= ci.halfWidth, "\(ci.mean) ± \(ci.halfWidth) vs Erlang C \(theory)")
        #expect(ci.halfWidth < 0.25 * theory)
        let e2e = m.e2eBatches.confidenceInterval(level: 0.999)
        #expect(abs(e2e.mean - (theory + 0.010)) <= e2e.halfWidth)
        #expect(abs(r.utilization - 0.9) < 0.01)
        #expect(r.requests.offered == r.requests.completed + r.requests.unfinished)
    }

    @Test func md1MatchesPollaczekKhinchine() throws {
        let (_, m) = try Self.run(Self.config(rate: 70, replicas: 1, service: .deterministic(0.010), duration: 3600))
        let theory = QueueingTheory.mg1MeanWait(arrivalRate: 70, serviceMean: 0.010, serviceVariance: 0)
        let ci = m.queueWaitBatches.confidenceInterval(level: 0.999)
        #expect(abs(ci.mean - theory) <= ci.halfWidth, "\(ci.mean) ± \(ci.halfWidth) vs P-K \(theory)")
    }

    /// Allen–Cunneen is an approximation: for M/G/c with Cs² ≤ 1 and
    /// moderate ρ it is reported within about 10% of the exact wait
    /// (Allen, Probability, Statistics and Queueing Theory, 2nd ed., §5.3),
    /// so the allowance is the run's interval plus that documented error.
    @Test func mgcMatchesAllenCunneen() throws {
        let service = Distribution.gamma(shape: 2, scale: 0.010)
        let (_, m) = try Self.run(Self.config(rate: 160, replicas: 4, service: service, duration: 3600))
        let approx = QueueingTheory.allenCunneenMeanWait(arrivalRate: 160, serviceMean: 0.020, servers: 4, serviceSCV: service.scv)
        let ci = m.queueWaitBatches.confidenceInterval(level: 0.999)
        #expect(abs(ci.mean - approx) <= ci.halfWidth + 0.10 * approx, "\(ci.mean) ± \(ci.halfWidth) vs A-C \(approx)")
    }

    @Test func sameSeedGivesIdenticalResults() throws {
        let a = try Self.run(Self.config(rate: 500, replicas: 4, service: .exponential(mean: 0.007), duration: 300))
        let b = try Self.run(Self.config(rate: 500, replicas: 4, service: .exponential(mean: 0.007), duration: 300))
        let c = try Self.run(Self.config(rate: 500, replicas: 4, service: .exponential(mean: 0.007), duration: 300, seed: 8))
        #expect(a.1.e2e == b.1.e2e)
        #expect(a.0.events == b.0.events)
        #expect(a.1.e2e != c.1.e2e)
    }

    @Test func queueCapRejectsAndTimeoutsDropWithBalancedCounts() throws {
        var c = Self.config(rate: 300, replicas: 2, service: .exponential(mean: 0.010), duration: 600)
        c.replicas.maxQueue = 20
        c.replicas.queueTimeout = 0.05
        let (r, m) = try Self.run(c)
        #expect(r.requests.rejected > 0)
        #expect(r.requests.timedOut > 0)
        #expect(r.requests.offered == r.requests.completed + r.requests.rejected + r.requests.timedOut + r.requests.unfinished)
        // Nobody who was served waited longer than the timeout.
        #expect(m.queueWait.max <= 0.05 + 1e-9)
        // Capacity is 200/s: completions cannot exceed it.
        #expect(r.throughput.requestsPerSecond < 200 * 1.02)
    }

    @Test func roundRobinSpreadsRequestsEvenly() throws {
        var c = Self.config(rate: 100, replicas: 4, service: .exponential(mean: 0.005), duration: 300)
        c.replicas.dispatch = .roundRobin
        c.recordRequests = true
        let out = try ServingRun(configuration: c).execute()
        let r = out.result
        var perReplica = [Int](repeating: 0, count: 4)
        for done in out.metrics.completions { perReplica[done.replica] += 1 }
        // Consecutive measured arrivals go to replicas 0, 1, 2, 3, 0, …: the
        // shares differ by at most one, plus requests still in flight.
        #expect(perReplica.max()! - perReplica.min()! <= 1 + r.requests.unfinished, "\(perReplica)")
        #expect(perReplica.reduce(0, +) == r.requests.completed)
        // Each replica sees every 4th request (an Erlang-4 arrival stream), so
        // waits are shorter than M/M/1 at ρ = 0.125 would give.
        let mm1 = QueueingTheory.mmcMeanWait(arrivalRate: 25, serviceRate: 200, servers: 1)
        #expect(r.latencySeconds.queueWait.mean < mm1)
    }

}
