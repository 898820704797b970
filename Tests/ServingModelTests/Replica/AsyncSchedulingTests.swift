import Foundation
import Testing
import ServingModel
import Workload

/// vLLM's async scheduling: step N+1 is planned while step N runs, so a
/// request that joins during step N is first scheduled in step N+2; and
/// the profile's request overhead shifts latencies by a constant.
@Suite struct AsyncSchedulingTests {
    /// Every iteration takes 10 ms, whatever its batch.
    static let profile = HardwareProfile(
        name: "flat", gpu: "test", model: "test", tensorParallel: 1, pipelineParallel: 1, gpusPerReplica: 1,
        pricePerGPUHour: 1, kvCacheTokens: 16_000, kvBlockSize: 16, maxModelLength: 4096,
        iteration: IterationTimeModel(fixed: 0.010, linearFloor: 0, perToken: 0, perKVToken: 0, perPrefillPair: 0, perTokenComm: 0))

    static func run(async: Bool, fidelity: ContinuousBatching.Fidelity, overhead: Double = 0) throws -> [CompletedRequest] {
        var profile = Self.profile
        profile.requestOverhead = overhead
        // A arrives at 0 with a long answer: steps [0,10) (prefill), [10,20), [20,30), ... ms.
        // B arrives at 25 ms, inside step [20,30).
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("hr-async-\(UUID().uuidString).csv").path
        try "timestamp,prompt_tokens,output_tokens\n0,16,50\n0.025,16,3\n".write(toFile: trace, atomically: true, encoding: .utf8)
        var c = ServingConfiguration(
            name: "async", seed: 1, duration: 10, warmup: 0, arrivals: .trace(TraceReplay(path: trace, format: .csv)),
            sizes: RequestSizes(.fixed(RequestSize(prompt: 16, output: 1))),
            replicas: ReplicaConfiguration(count: 1, batching: .continuous(ContinuousBatching(
                maxNumSeqs: 8, maxNumBatchedTokens: 2048, fidelity: fidelity, asyncScheduling: async)), hardware: profile))
        c.recordRequests = true
        let out = try ServingRun(configuration: c).execute()
        return out.metrics.completions.sorted { $0.arrival < $1.arrival }
    }

    @Test(arguments: [ContinuousBatching.Fidelity.iteration, .multistep])
    func aRequestJoiningMidStepWaitsOneMoreStep(_ fidelity: ContinuousBatching.Fidelity) throws {
        let sync = try Self.run(async: false, fidelity: fidelity)
        let async = try Self.run(async: true, fidelity: fidelity)
        #expect(sync.count == 2 && async.count == 2)
        // Synchronous: B joins step [30,40): first token at 40 ms, TTFT 15 ms.
        #expect(abs(sync[1].ttft - 0.015) < 1e-9, "\(sync[1].ttft)")
        // Async: step [30,40) was planned at 20 ms without it: TTFT 25 ms.
        #expect(abs(async[1].ttft - 0.025) < 1e-9, "\(async[1].ttft)")
        // A, alone when it arrived, starts at once either way.
        #expect(abs(async[0].ttft - 0.010) < 1e-9)
        // B's decode steps follow back to back: 3 tokens, 2 more steps.
        #expect(abs(async[1].e2e - 0.045) < 1e-9)
    }

    @Test func requestOverheadShiftsLatenciesOnly() throws {
        let base = try Self.run(async: true, fidelity: .multistep)
        let shifted = try Self.run(async: true, fidelity: .multistep, overhead: 0.004)
        for (a, b) in zip(base, shifted) {
            #expect(abs(b.ttft - a.ttft - 0.004) < 1e-12)
            #expect(abs(b.e2e - a.e2e - 0.004) < 1e-12)
        }
    }
}
