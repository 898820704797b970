import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// Batching policies checked against hand-computed schedules.
@Suite struct BatchingTests {
    /// A simple profile: 10 ms floor, 0.1 ms per token, no attention terms.
    static let profile = HardwareProfile(
        name: "test", gpu: "test", model: "test", tensorParallel: 1, pipelineParallel: 1, gpusPerReplica: 1,
        pricePerGPUHour: 1, kvCacheTokens: 16_000, kvBlockSize: 16, maxModelLength: 4096,
        iteration: IterationTimeModel(fixed: 0.002, linearFloor: 0.010, perToken: 0.0001, perKVToken: 0,
                                      perPrefillPair: 0, perTokenComm: 0))

    static func config(arrivals: ArrivalProcess, size: RequestSize, batching: BatchingPolicy, duration: Double,
                       profile: HardwareProfile = profile) -> ServingConfiguration {
        ServingConfiguration(name: "b", seed: 3, duration: duration, warmup: 0, arrivals: .processes([arrivals]),
                             sizes: RequestSizes(.fixed(size)),
                             replicas: ReplicaConfiguration(count: 1, batching: batching, hardware: profile, dispatch: .roundRobin))
    }

    @Test func aLoneRequestGetsPrefillThenOneDecodePerToken() throws {
        // One arrival (rate tiny, short run): prefill of 1000 tokens then 9 decodes.
        var c = Self.config(arrivals: .poisson(rate: 1), size: RequestSize(prompt: 1000, output: 10),
                            batching: .continuous(ContinuousBatching(maxNumSeqs: 1, maxNumBatchedTokens: 4096, chunkedPrefill: false)),
                            duration: 10)
        c.arrivals = .trace(TraceReplay(path: try Self.traceFile(times: [0.5], prompt: 1000, output: 10), format: .csv))
        let (r, m) = try ServingRun(configuration: c).execute()
        #expect(r.requests.completed == 1)
        let prefill = 0.002 + 0.0001 * 1000      // 102 ms: above the floor
        let decode = 0.002 + 0.010               // 12 ms: the floor
        #expect(abs(m.ttft.max - prefill) < 1e-9)
        #expect(abs(m.e2e.max - (prefill + 9 * decode)) < 1e-9)
        #expect(abs(m.tpot.max - decode) < 1e-9)
    }

    @Test func chunkedPrefillSplitsALongPromptByTheTokenBudget() throws {
        var c = Self.config(arrivals: .poisson(rate: 1), size: RequestSize(prompt: 1000, output: 2),
                            batching: .continuous(ContinuousBatching(maxNumSeqs: 8, maxNumBatchedTokens: 256, chunkedPrefill: true)),
                            duration: 10)
        c.arrivals = .trace(TraceReplay(path: try Self.traceFile(times: [0.5], prompt: 1000, output: 2), format: .csv))
        let (_, m) = try ServingRun(configuration: c).execute()
        // Chunks 256, 256, 256, 232: each max(10 ms, 0.1 ms × tokens) + 2 ms.
        let ttft = 3 * (0.002 + 0.0256) + (0.002 + 0.0232)
        #expect(abs(m.ttft.max - ttft) < 1e-9)
    }

    @Test func kvExhaustionPreemptsButEveryRequestFinishes() throws {
        var small = Self.profile
        small.kvCacheTokens = 1600   // 100 blocks: about 3 requests of 500 tokens
        let c = Self.config(arrivals: .poisson(rate: 20), size: RequestSize(prompt: 300, output: 200),
                            batching: .continuous(ContinuousBatching(maxNumSeqs: 64, maxNumBatchedTokens: 2048, chunkedPrefill: true)),
                            duration: 60, profile: small)
        let (r, _) = try ServingRun(configuration: c).execute()
        #expect(r.preemptions > 0)
        #expect(r.requests.completed > 0)
        #expect(r.requests.rejected == 0)
        #expect(r.kvCacheUtilization <= 1)
    }

    /// KV blocks for a token count are its ceiling over the block size,
    /// whether the size is a power of two (a shift) or not (a division).
    @Test(arguments: [1, 16, 24, 32, 100])
    func blocksForTokensIsTheCeilingOverTheBlockSize(blockSize: Int) throws {
        var profile = Self.profile
        profile.kvBlockSize = blockSize
        let c = Self.config(arrivals: .poisson(rate: 1), size: RequestSize(prompt: 10, output: 10),
                            batching: .continuous(ContinuousBatching()), duration: 1, profile: profile)
        let sim = try ServingSimulation(configuration: c)
        for tokens in 0...5000 {
            let expected = Int((Double(tokens) / Double(blockSize)).rounded(.up))
            guard sim.replicas.blocks(for: tokens) == expected else {
                Issue.record("\(tokens) tokens in blocks of \(blockSize): \(sim.replicas.blocks(for: tokens)), expected \(expected)")
                return
            }
        }
    }

    @Test func requestsThatCanNeverFitAreRejected() throws {
        var tiny = Self.profile
        tiny.kvCacheTokens = 160
        let c = Self.config(arrivals: .poisson(rate: 5), size: RequestSize(prompt: 300, output: 10),
                            batching: .continuous(ContinuousBatching()), duration: 10, profile: tiny)
        let (r, _) = try ServingRun(configuration: c).execute()
        #expect(r.requests.completed == 0)
        #expect(r.requests.rejected == r.requests.offered)
    }

    @Test func dynamicBatcherWaitsForTheDelayOrAFullBatch() throws {
        // A single request waits exactly max_queue_delay before its batch.
        let lone = ServingConfiguration(
            name: "d", seed: 1, duration: 5, warmup: 0,
            arrivals: .trace(TraceReplay(path: try Self.traceFile(times: [0.2]), format: .csv)),
            sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),
            replicas: ReplicaConfiguration(count: 1, batching: .dynamic(DynamicBatching(maxBatchSize: 4, maxQueueDelay: 0.010)),
                                           service: .deterministic(0.050), dispatch: .roundRobin))
        let (_, m1) = try ServingRun(configuration: lone).execute()
        #expect(abs(m1.queueWait.max - 0.010) < 1e-9)
        #expect(abs(m1.e2e.max - 0.060) < 1e-9)
        // Four simultaneous requests fill the batch: no delay, and the batch
        // costs 50 ms × (1 + 0.5 × 3) with per_request_cost 0.5.
        var full = lone
        full.arrivals = .trace(TraceReplay(path: try Self.traceFile(times: [0.1, 0.1, 0.1, 0.1]), format: .csv))
        full.replicas.batching = .dynamic(DynamicBatching(maxBatchSize: 4, maxQueueDelay: 0.010, perRequestCost: 0.5))
        let (r2, m2) = try ServingRun(configuration: full).execute()
        #expect(r2.requests.completed == 4)
        #expect(m2.queueWait.max < 1e-9)
        #expect(abs(m2.e2e.max - 0.125) < 1e-9)
    }

    /// A generic-CSV trace with one request per time.
    static func traceFile(times: [Double], prompt: Int = 10, output: Int = 1) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hr-trace-\(UUID().uuidString).csv").path
        let body = "timestamp,prompt_tokens,output_tokens\n" + times.map { "\($0),\(prompt),\(output)" }.joined(separator: "\n") + "\n"
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// Multi-step decode advance must give the same schedule as simulating
/// every iteration: same completions, same per-request latencies (up to
/// floating-point summation order).
@Suite struct MultiStepFidelityTests {
    static func run(_ fidelity: ContinuousBatching.Fidelity, chunked: Bool, kvTokens: Int) throws -> (ServingResult, [CompletedRequest]) {
        var profile = BatchingTests.profile
        profile.kvCacheTokens = kvTokens
        profile.iteration.perKVToken = 2e-7
        profile.iteration.perPrefillPair = 1e-9
        var c = ServingConfiguration(
            name: "f", seed: 5, duration: 120, warmup: 0, arrivals: .processes([.poisson(rate: 6)]),
            sizes: RequestSizes(.distributions(prompt: .lognormal(median: 400, p99: 3000), output: .lognormal(median: 150, p99: 900)),
                                maxTotalTokens: 4096),
            replicas: ReplicaConfiguration(count: 2, batching: .continuous(ContinuousBatching(
                maxNumSeqs: 32, maxNumBatchedTokens: 2048, chunkedPrefill: chunked, fidelity: fidelity)),
                hardware: profile, dispatch: .roundRobin, queueTimeout: 20))
        c.recordRequests = true
        let out = try ServingRun(configuration: c).execute()
        return (out.result, out.metrics.completions)
    }

    @Test(arguments: [(true, 40_000), (false, 40_000), (true, 6_000)])
    func multiStepMatchesIterationByIteration(chunked: Bool, kvTokens: Int) throws {
        let (exact, a) = try Self.run(.iteration, chunked: chunked, kvTokens: kvTokens)
        let (fast, b) = try Self.run(.multistep, chunked: chunked, kvTokens: kvTokens)
        #expect(a.count > 300)
        #expect(a.count == b.count)
        #expect(fast.events < exact.events / 2, "multi-step should save events: \(fast.events) vs \(exact.events)")
        #expect(exact.preemptions == fast.preemptions)
        var worst = 0.0
        for (x, y) in zip(a, b) {
            #expect(x.arrival == y.arrival && x.replica == y.replica && x.output == y.output)
            worst = max(worst, abs(x.e2e - y.e2e), abs(x.ttft - y.ttft), abs(x.queueWait - y.queueWait))
        }
        #expect(worst < 1e-6, "largest per-request difference \(worst) s")
    }
}
