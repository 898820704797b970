import Foundation
import Report
import Scenario
import ServingModel
import TestSupport
import Testing

/// What `simulate` says first must not mislead: no SLO is not 100% met, an
/// overloaded run is called overloaded, and a continuous-batching replica is
/// described by how full its batches and KV cache are, not by a busy flag.
@Suite struct HeadlineTests {
    static func mm1(rate: String, slo: String = "") -> String {
        """
        name: mm1
        seed: 3
        duration: 30m
        warmup: 5m
        workload: {arrivals: {process: poisson, rate: \(rate)}}
        replicas: {count: 1, batching: {policy: none}, service: {distribution: exponential, mean: 100ms}}
        \(slo)
        """
    }

    /// M/M/1 at ρ = 1.5 gains about (15 − 10)/s × 25 min = 7,500 unfinished
    /// requests; at ρ = 0.5 it holds λ·W = 5/s × 0.2 s = 1 on average (the
    /// chance of more than 10 in system is 0.5^11 < 0.1%).
    @Test func anOverloadedRunIsCalledOverloaded() throws {
        let over = try ScenarioRunner.run(Self.mm1(rate: "15/s")).result
        #expect(over.overload.overloaded && over.overload.unfinished > 5_000, "\(over.overload)")
        let warning = try #require(ServingReport.overloadWarning(over))
        #expect(warning.contains("overloaded") && warning.contains(String(NumberFormatting.grouped(over.overload.unfinished))))
        #expect(ServingReport.table(over).hasPrefix("WARNING: overloaded."))

        let stable = try ScenarioRunner.run(Self.mm1(rate: "5/s")).result
        #expect(!stable.overload.overloaded && stable.overload.unfinished <= 10, "\(stable.overload)")
        #expect(abs(stable.overload.expectedInFlight - 1) < 0.2, "\(stable.overload.expectedInFlight)")
        #expect(ServingReport.overloadWarning(stable) == nil)
    }

    /// The backlog test's bound: 10, 2% of the admitted requests, or Little's
    /// law's λ·W plus three standard deviations, whichever is largest.
    @Test func theBacklogBoundIsTheLargestOfThree() {
        #expect(!ServingResult.Overload(unfinished: 10, admitted: 100, throughput: 1, meanLatency: 1).overloaded)
        #expect(ServingResult.Overload(unfinished: 11, admitted: 100, throughput: 1, meanLatency: 1).overloaded)
        #expect(!ServingResult.Overload(unfinished: 200, admitted: 10_000, throughput: 1, meanLatency: 1).overloaded)
        #expect(ServingResult.Overload(unfinished: 201, admitted: 10_000, throughput: 1, meanLatency: 1).overloaded)
        // λ·W = 100: bound 100 + 3·10 = 130.
        #expect(!ServingResult.Overload(unfinished: 130, admitted: 1_000, throughput: 10, meanLatency: 10).overloaded)
        #expect(ServingResult.Overload(unfinished: 131, admitted: 1_000, throughput: 10, meanLatency: 10).overloaded)
    }

    /// Without `slo:` there is no attainment to report; with one there is.
    @Test func noSLOIsSaidAsSuch() throws {
        let none = try ScenarioRunner.run(Self.mm1(rate: "5/s")).result
        #expect(none.sloAttainment == nil)
        #expect(ServingReport.table(none).contains("no SLO set"))
        let set = try ScenarioRunner.run(Self.mm1(rate: "5/s", slo: "slo: {e2e: 200ms}")).result
        // Exponential sojourn of M/M/1 with mean 0.2 s: P(W ≤ 0.2 s) = 1 − e^−1 ≈ 63.2%.
        let attainment = try #require(set.sloAttainment)
        #expect(abs(attainment - 0.632) < 0.03, "\(attainment)")
        #expect(!ServingReport.table(set).contains("no SLO set"))
    }

    /// A continuous-batching replica reports its batch occupancy and KV use;
    /// an unbatched one keeps the busy share.
    @Test func continuousBatchingReportsOccupancyNotBusy() throws {
        let profile = ClientGatewayTests.profile7B
        let r = try ScenarioRunner.run("""
            name: cb
            seed: 1
            duration: 10m
            warmup: 1m
            workload:
              arrivals: {process: poisson, rate: 2/s}
              sizes: {prompt: 512, output: 128}
            replicas: {count: 1, hardware: \(profile), batching: {policy: continuous, max_num_seqs: 64}}
            """).result
        let b = try #require(r.batchOccupancy)
        #expect(b.maxNumSeqs == 64)
        // Little's law per replica: running sequences ≈ λ × time in decode.
        let expected = r.throughput.requestsPerSecond * (r.latencySeconds.e2e.mean - r.latencySeconds.queueWait.mean)
        #expect(abs(b.meanRunningSequences - expected) < 0.25 * expected + 0.5, "\(b.meanRunningSequences) vs \(expected)")
        #expect(abs(b.occupancy - b.meanRunningSequences / 64) < 1e-12)
        #expect(b.peakKVCacheUse >= r.kvCacheUtilization && b.peakKVCacheUse <= 1)
        let table = ServingReport.table(r)
        #expect(table.contains("occupancy") && table.contains("KV cache") && !table.contains("% of replica time busy"))

        let unbatched = try ScenarioRunner.run(Self.mm1(rate: "5/s")).result
        #expect(unbatched.batchOccupancy == nil)
        #expect(ServingReport.table(unbatched).contains("% of replica time busy"))
    }

    /// `--sla` takes p95, a common SLO percentile.
    @Test func theSLATakesP95() throws {
        let sla = try SLA(parsing: "p95_ttft<=2s,error_rate<=0.1%")
        #expect(sla.targets.first == .latency(statistic: .p95, metric: .ttft, seconds: 2))
        let r = try ScenarioRunner.run(Self.mm1(rate: "5/s")).result
        #expect(SLA.value(of: .latency(statistic: .p95, metric: .e2e, seconds: 1), in: r) == r.latencySeconds.e2e.p95)
        // M/M/1 sojourn is exponential with mean 0.2 s: p95 = 0.2 · ln 20 ≈ 0.599 s.
        #expect(abs(r.latencySeconds.e2e.p95 - 0.599) < 0.04, "\(r.latencySeconds.e2e.p95)")
    }
}
