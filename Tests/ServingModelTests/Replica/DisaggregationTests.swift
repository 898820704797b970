import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// Prefill/decode disaggregation against hand-computed schedules.
@Suite struct DisaggregationTests {
    static func config(replicas: Int, split: Disaggregation?, times: [Double], prompt: Int, output: Int,
                       chunked: Bool) throws -> ServingConfiguration {
        var c = BatchingTests.config(arrivals: .poisson(rate: 1), size: RequestSize(prompt: prompt, output: output),
                                     batching: .continuous(ContinuousBatching(maxNumSeqs: 8, maxNumBatchedTokens: 4096,
                                                                              chunkedPrefill: chunked)),
                                     duration: 60)
        c.arrivals = .trace(TraceReplay(path: try BatchingTests.traceFile(times: times, prompt: prompt, output: output), format: .csv))
        c.replicas.count = replicas
        c.replicas.disaggregation = split
        return c
    }

    /// One request: the same prefill and decode iterations as on one
    /// colocated replica, with the KV transfer between them, exactly
    /// `latency + prompt × bytes per token / bandwidth` (here 2 ms + 1,000 ×
    /// 500 kB / 25 GB/s = 22 ms). TTFT is the prefill's.
    @Test(arguments: [false, true])
    func aLoneRequestPaysTheTransferBetweenPrefillAndDecode(chunked: Bool) throws {
        let split = Disaggregation(prefillReplicas: 1, kvBytesPerToken: 500_000, bandwidth: 25e9, latency: 0.002)
        let (_, colocated) = try ServingRun(configuration: try Self.config(replicas: 1, split: nil, times: [0.5], prompt: 1000,
                                                                           output: 10, chunked: chunked)).execute()
        let (r, apart) = try ServingRun(configuration: try Self.config(replicas: 2, split: split, times: [0.5], prompt: 1000,
                                                                       output: 10, chunked: chunked)).execute()
        #expect(r.requests.completed == 1)
        #expect(abs(apart.ttft.max - colocated.ttft.max) < 1e-9)
        #expect(abs(apart.e2e.max - colocated.e2e.max - 0.022) < 1e-9, "\(apart.e2e.max) vs \(colocated.e2e.max)")
        #expect(r.kvTransfers?.count == 1 && abs((r.kvTransfers?.meanSeconds ?? 0) - 0.022) < 1e-12)
    }

    /// Two requests arrive together at one prefill replica whose link
    /// takes 10 s per KV cache (1,000 × 500 kB at 50 MB/s): the second
    /// hands off `gap` later (the difference of their first tokens) and,
    /// on a shared link, waits 10 s − gap for the first's bytes. The
    /// transfers then average 2 ms + 10 s + (10 s − gap)/2; each on its own
    /// link, 2 ms + 10 s, with no wait.
    @Test func transfersFromOnePrefillReplicaTakeTurnsOnItsLink() throws {
        for shared in [true, false] {
            let split = Disaggregation(prefillReplicas: 1, kvBytesPerToken: 500_000, bandwidth: 5e7, latency: 0.002, sharedLink: shared)
            let (r, m) = try ServingRun(configuration: try Self.config(replicas: 2, split: split, times: [0.5, 0.5], prompt: 1000,
                                                                       output: 10, chunked: true)).execute()
            let k = try #require(r.kvTransfers)
            let gap = m.ttft.max - m.ttft.min
            #expect(r.requests.completed == 2 && k.count == 2 && gap > 0 && gap < 1)
            let wait = shared ? (10 - gap) / 2 : 0
            #expect(abs(k.meanWaitSeconds - wait) < 1e-9, "\(k.meanWaitSeconds)")
            #expect(abs(k.meanSeconds - (0.002 + 10 + wait)) < 1e-9, "\(k.meanSeconds)")
        }
    }

    /// Many requests through 2 prefill and 2 decode replicas: every one
    /// completes and is transferred once; with the transfer free, decode
    /// iterations never carry a prefill, so no request's TPOT leaves the
    /// decode step (12 ms at these batch sizes), while on colocated replicas
    /// a 1,000-token prefill chunk (102 ms) joins decode iterations: about
    /// three requests arrive per replica during one request's 49 decode
    /// steps, so the worst request carries at least one prefill, which adds
    /// (102 − 12)/49 ms to its mean TPOT.
    @Test func decodesRunWithoutPrefillInterference() throws {
        let times = (0..<400).map { Double($0) * 0.05 }
        let split = Disaggregation(prefillReplicas: 2, kvBytesPerToken: 1, bandwidth: 1e15)
        let (apart, am) = try ServingRun(configuration: try Self.config(replicas: 4, split: split, times: times, prompt: 1000,
                                                                        output: 50, chunked: true)).execute()
        let (together, tm) = try ServingRun(configuration: try Self.config(replicas: 4, split: nil, times: times, prompt: 1000,
                                                                           output: 50, chunked: true)).execute()
        #expect(apart.requests.completed == 400 && together.requests.completed == 400)
        #expect(apart.kvTransfers?.count == 400)
        #expect(am.tpot.max < 0.0125, "\(am.tpot.max)")
        #expect(tm.tpot.max > 0.012 + (0.102 - 0.012) / 49, "\(tm.tpot.max)")
    }

    @Test func badSplitsAreNamed() {
        let split = Disaggregation(prefillReplicas: 2, kvBytesPerToken: 1, bandwidth: 1e9)
        let e = #expect(throws: ServingModelError.self) { try split.validate(replicas: 2, batching: .unbatched) }
        #expect(e?.key == "replicas.disaggregation.prefill")
        let u = #expect(throws: ServingModelError.self) {
            try Disaggregation(prefillReplicas: 1, kvBytesPerToken: 1, bandwidth: 1e9).validate(replicas: 2, batching: .unbatched)
        }
        #expect(u?.key == "replicas.disaggregation")
    }
}
