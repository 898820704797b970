import Foundation
import Scenario
import SimulationCore
import Testing
import TestSupport
@testable import ServingModel

/// The latency attribution: the parts of each served request add up to its
/// latency, the percentile groups to their mean, and on an M/M/c queue the
/// queue-wait share is Erlang C's.
@Suite struct AttributionTests {
    /// Continuous batching with a small KV cache (preemptions), a client
    /// layer with retries and per-try timeouts, a gateway queue.
    static var busy: String {
        get throws {
            // The bundled A100 profile with a sixth of its KV cache.
            let profile = try String(contentsOfFile: TestData.path("models/hardware/a100-llama2-7b.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "kv_cache_tokens: 120912", with: "kv_cache_tokens: 20000")
            let hw = try TestData.write(profile, name: "attribution-a100-small-kv.yaml")
            return """
            name: attribution-busy
            seed: 11
            duration: 6m
            warmup: 1m
            workload:
              arrivals: {process: poisson, rate: 8/s}
              sizes: {prompt: {distribution: uniform, low: 100, high: 1500}, output: {distribution: uniform, low: 20, high: 400}}
            replicas:
              count: 2
              hardware: \(hw)
              batching: {policy: continuous, max_num_seqs: 64, max_num_batched_tokens: 2048, chunked_prefill: true}
            client:
              per_try_timeout: 20s
              timeout: 60s
              retry: {max_attempts: 3, backoff: {kind: full_jitter, base: 200ms, cap: 2s}, retry_on: [503, 504]}
            gateway: {}
            """
        }
    }

    static func run(_ yaml: String, records: Bool = true) throws -> (ServingResult, ServingMetrics) {
        var c = try ScenarioLoader.parse(text: yaml, file: ScenarioRunner.file)
        c.attribution = true
        c.recordRequests = records
        let out = try ServingRun(configuration: c).execute()
        return (out.result, out.metrics)
    }

    @Test func everyRequestsPartsAddUpToItsLatency() throws {
        let (r, m) = try Self.run(try Self.busy)
        let a = try #require(m.attribution)
        #expect(a.records.count > 1000)
        #expect(r.preemptions > 0, "the scenario must preempt to test that part")
        var preempted = 0, retried = 0
        for x in a.records {
            #expect(abs(x.ttftParts.reduce(0, +) - x.ttft) <= 1e-9 * max(1, x.ttft))
            #expect(abs(x.e2eParts.reduce(0, +) - x.e2e) <= 1e-9 * max(1, x.e2e))
            #expect(x.ttftParts.allSatisfy { $0 >= -1e-12 } && x.e2eParts.allSatisfy { $0 >= -1e-12 })
            #expect(x.e2e >= x.ttft)
            if x.e2eParts[AttributionPart.preemption.rawValue] > 0 { preempted += 1 }
            if x.ttftParts[AttributionPart.clientRetries.rawValue] > 0 { retried += 1 }
        }
        #expect(preempted > 0)
        // Each group is exactly the records at or above its threshold, and
        // its mean is the sum of its parts' means.
        for q in [0.0, 0.5, 0.99] {
            for ttft in [true, false] {
                let g = a.group(quantile: q, ttft: ttft)
                let members = a.records.map { ttft ? $0.ttft : $0.e2e }.filter { Attribution.bin(of: $0) >= Attribution.bin(of: max(g.threshold, 1e-300) * 1.0000001) || (g.threshold == 0) }
                #expect(g.count == members.count, "q \(q) ttft \(ttft)")
                let mean = members.reduce(0, +) / Double(members.count)
                #expect(abs(g.mean - mean) <= 1e-9 * mean, "q \(q): \(g.mean) vs \(mean)")
                #expect(Double(g.count) >= (1 - q) * Double(a.records.count))
            }
        }
        _ = retried
    }

    @Test func withoutAClientLayerTheTTFTIsTheRecordedOne() throws {
        let yaml = try Self.busy.components(separatedBy: "client:")[0]
        let (_, m) = try Self.run(yaml)
        let a = try #require(m.attribution)
        #expect(a.records.count == m.completions.count)
        for (x, c) in zip(a.records, m.completions) {
            #expect(abs(x.ttft - c.ttft) <= 1e-9 * max(1, c.ttft))
            #expect(abs(x.e2e - c.e2e) <= 1e-9 * max(1, c.e2e))
            #expect(abs(x.ttftParts[AttributionPart.gatewayQueue.rawValue] + x.ttftParts[AttributionPart.replicaQueue.rawValue]
                        + x.ttftParts[AttributionPart.coldStart.rawValue] - c.queueWait) <= 1e-9)
        }
    }

    /// `examples/mmc-check.yaml` (30 minutes instead of 2 hours): the share
    /// of the mean latency spent queueing is Erlang C's W / (W + 1/μ),
    /// within the bounds the run's 99.9% batch-means intervals of the mean
    /// wait and mean latency give.
    @Test func mmcQueueWaitShareIsErlangC() throws {
        var c = try ScenarioLoader.load(path: TestData.path("examples/mmc-check.yaml"))
        c.duration = 1800
        c.attribution = true
        let m = try ServingRun(configuration: c).execute().metrics
        let g = try #require(m.attribution).group(quantile: 0, ttft: false)
        let wait = (g.parts[.gatewayQueue] ?? 0) + (g.parts[.replicaQueue] ?? 0) + (g.parts[.coldStart] ?? 0)
        let share = wait / g.mean
        let w = QueueingTheory.mmcMeanWait(arrivalRate: 720, serviceRate: 100, servers: 8)
        let theory = w / (w + 0.010)
        let cw = m.queueWaitBatches.confidenceInterval(level: 0.999)
        let ce = m.e2eBatches.confidenceInterval(level: 0.999)
        let lo = (cw.mean - cw.halfWidth) / (ce.mean + ce.halfWidth)
        let hi = (cw.mean + cw.halfWidth) / (ce.mean - ce.halfWidth)
        #expect(lo <= theory && theory <= hi, "Erlang C share \(theory) outside [\(lo), \(hi)]")
        #expect(lo <= share && share <= hi, "attributed share \(share) outside [\(lo), \(hi)]")
        #expect(hi - lo < 0.25 * theory)
    }

    @Test func offByDefault() throws {
        let c = try ScenarioLoader.parse(text: try Self.busy, file: ScenarioRunner.file)
        #expect(try ServingRun(configuration: c).execute().metrics.attribution == nil)
    }
}
