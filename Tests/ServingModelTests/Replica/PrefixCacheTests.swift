import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// vLLM automatic prefix caching: the block pool (hash chain, LRU free
/// queue, reference counts) and its effect on a replica's schedule.
@Suite struct PrefixCacheTests {
    static let content = PromptContent.sharedPrefix(group: 0, prompt: 0, systemTokens: 100, questionTokens: 50)

    static func hashes(_ c: PromptContent, prompt: Int, blocks: Int) -> [UInt64] {
        var it = BlockHashes(content: c, prompt: prompt, blockSize: 16)
        return (0..<blocks).map { _ in it.next() }
    }

    @Test func theHashChainMatchesSharedLeadingBlocksOnly() {
        // Same system prompt (100 tokens), different questions: blocks 0–5
        // (96 tokens) are the system prompt's alone; block 6 mixes in the question.
        let a = Self.hashes(Self.content, prompt: 150, blocks: 9)
        let b = Self.hashes(.sharedPrefix(group: 0, prompt: 1, systemTokens: 100, questionTokens: 50), prompt: 150, blocks: 9)
        #expect(Array(a[0..<6]) == Array(b[0..<6]))
        #expect(zip(a[6...], b[6...]).allSatisfy { $0 != $1 })
        // Another group's system prompt shares nothing.
        let c = Self.hashes(.sharedPrefix(group: 1, prompt: 10, systemTokens: 100, questionTokens: 50), prompt: 150, blocks: 9)
        #expect(zip(a, c).allSatisfy { $0 != $1 })
        // A chain: equal block contents after a different parent hash differ.
        #expect(Set(a).count == a.count)
        // Two requests without a description have unique tokens.
        var x = PromptContent(), y = PromptContent()
        x.serial = 1
        y.serial = 2
        #expect(zip(Self.hashes(x, prompt: 64, blocks: 4), Self.hashes(y, prompt: 64, blocks: 4)).allSatisfy { $0 != $1 })
        // Mooncake hash ids: equal ids give equal 512-token blocks.
        var m1 = PromptContent(), m2 = PromptContent()
        m1.hashIDs = [7, 8]
        m1.serial = 1
        m2.hashIDs = [7, 9]
        m2.serial = 2
        let h1 = Self.hashes(m1, prompt: 1100, blocks: 68), h2 = Self.hashes(m2, prompt: 1100, blocks: 68)
        #expect(Array(h1[0..<32]) == Array(h2[0..<32]))
        #expect(zip(h1[32...], h2[32...]).allSatisfy { $0 != $1 })
    }

    @Test func freedBlocksAreEvictedLeastRecentlyFreedFirst() {
        var pool = PrefixCache(blocks: 4)
        let fresh = pool.allocate(2)            // from the never-used blocks
        let r11 = pool.register(11), r12 = pool.register(12), again = pool.register(11)
        #expect(fresh == 0 && r11 && r12 && !again)  // already cached: stays plain
        // A request frees its blocks last-first: 12 joins the queue before 11.
        let f12 = pool.release(12), f11 = pool.release(11)
        #expect(f12 && f11)
        #expect(pool.freeCount == 4)
        let e1 = pool.allocate(2)               // the two never-used blocks go first
        let e2 = pool.allocate(1)               // then the queue's head: 12
        #expect(e1 == 0 && e2 == 1)
        #expect(pool.refs(12) == nil && pool.refs(11) == 0)
        #expect(pool.evictions == 1)
        #expect(pool.freeCount == 1)
    }

    @Test func aHitOnAFreeBlockTakesItOutOfTheQueue() {
        var pool = PrefixCache(blocks: 2)
        _ = pool.allocate(2)
        _ = pool.register(5)
        let freed = pool.release(5)
        pool.releasePlain(1)
        #expect(freed && pool.freeCount == 2)
        let wasFree = pool.touch(5)             // was free: leaves the free blocks
        #expect(wasFree && pool.freeCount == 1)
        let second = pool.touch(5)              // a second user: shared, still one block
        #expect(!second && pool.refs(5) == 2)
        let plain = pool.allocate(1)            // the plain block, not the hit one
        #expect(plain == 0)
        let a = pool.release(5), b = pool.release(5)
        #expect(!a && b && pool.freeCount == 1)
        let evicted = pool.allocate(1)
        #expect(evicted == 1 && pool.refs(5) == nil)
    }

    /// A profile whose iteration time is 2 ms + max(10 ms, 0.1 ms per token).
    static func profile(kvTokens: Int) -> HardwareProfile {
        HardwareProfile(name: "t", gpu: "t", model: "t", tensorParallel: 1, pipelineParallel: 1, gpusPerReplica: 1,
                        pricePerGPUHour: 1, kvCacheTokens: kvTokens, kvBlockSize: 16, maxModelLength: 4096,
                        iteration: IterationTimeModel(fixed: 0.002, linearFloor: 0.010, perToken: 0.0001, perKVToken: 0,
                                                      perPrefillPair: 0, perTokenComm: 0))
    }

    static func config(caching: Bool, prompts: SharedPrefixPrompts, arrivals: ArrivalProcess, duration: Double,
                       kvTokens: Int = 100_000, maxNumSeqs: Int = 16) -> ServingConfiguration {
        var c = ServingConfiguration(name: "apc", seed: 5, duration: duration, warmup: 0, arrivals: .processes([arrivals]),
                                     sizes: RequestSizes(.fixed(prompts.size)),
                                     replicas: ReplicaConfiguration(count: 1, batching: .continuous(ContinuousBatching(
                                        maxNumSeqs: maxNumSeqs, maxNumBatchedTokens: 2048, fidelity: .iteration, prefixCaching: caching)),
                                                                    hardware: profile(kvTokens: kvTokens), dispatch: .roundRobin))
        c.sharedPrefix = prompts
        c.recordRequests = true
        return c
    }

    @Test func aSharedSystemPromptCutsTimeToFirstTokenByItsPrefill() throws {
        // One group, two questions: 800 system + 200 question tokens. Arrivals
        // every 2 s (nothing overlaps) send prompts order[0], order[1], order[0].
        let prompts = SharedPrefixPrompts(systemPromptLength: 800, questionLength: 200, outputLength: 3, groups: 1, promptsPerGroup: 2)
        let arrivals = ArrivalProcess.renewal(interarrival: .deterministic(2))
        let (on, onMetrics) = try ServingRun(configuration: Self.config(caching: true, prompts: prompts, arrivals: arrivals, duration: 7)).execute()
        let (_, offMetrics) = try ServingRun(configuration: Self.config(caching: false, prompts: prompts, arrivals: arrivals, duration: 7)).execute()
        let ttftOn = onMetrics.completions.map(\.ttft), ttftOff = offMetrics.completions.map(\.ttft)
        // Cold: 1000 tokens (102 ms). The other question: the system prompt's
        // 50 blocks hit, 200 tokens left (22 ms). The first prompt again: 62
        // blocks (floor(999/16)) hit, 8 tokens left (the floor: 12 ms).
        let expected = [0.002 + 0.1, 0.002 + 0.02, 0.002 + 0.010]
        #expect(ttftOn.count == 3 && ttftOff.count == 3)
        for (got, want) in zip(ttftOn, expected) { #expect(abs(got - want) < 1e-9, "\(ttftOn)") }
        for got in ttftOff { #expect(abs(got - 0.102) < 1e-9, "\(ttftOff)") }
        let pc = try #require(on.prefixCache)
        #expect(pc.promptTokens == 3000)
        #expect(pc.hitTokens == 800 + 992)
        #expect(pc.savedPrefillTokens == pc.hitTokens)
        #expect(pc.evictions == 0)
    }

    @Test func sharedBlocksCountOnceAgainstCapacity() throws {
        // One prompt of 512 + 0 tokens sent twice 1 ms apart with 62 KV blocks:
        // each needs 33 blocks, so without caching the second waits for the
        // first to finish; with caching it shares 31 of them and starts at once.
        let prompts = SharedPrefixPrompts(systemPromptLength: 512, questionLength: 0, outputLength: 20, groups: 1, promptsPerGroup: 1)
        let arrivals = ArrivalProcess.constantStages(ConstantStages(stages: [.init(rate: 1000, duration: 0.002)]))
        let on = try ServingRun(configuration: Self.config(caching: true, prompts: prompts, arrivals: arrivals, duration: 1,
                                                           kvTokens: 1000)).execute().metrics
        let off = try ServingRun(configuration: Self.config(caching: false, prompts: prompts, arrivals: arrivals, duration: 1,
                                                            kvTokens: 1000)).execute().metrics
        #expect(on.completions.count == 2 && off.completions.count == 2)
        #expect(on.completions.map(\.queueWait).max()! < 0.2, "\(on.completions)")
        // Off: the second waits for the first's prefill and 19 decodes (> 0.2 s).
        #expect(off.completions.map(\.queueWait).max()! > 0.2, "\(off.completions)")
        #expect(on.preemptions == 0)
    }

    @Test func preemptedSequencesFindTheirOwnBlocksCachedOnReadmission() throws {
        // Unique prompts (no shared content) and too few blocks for both
        // sequences' outputs: the newest is preempted, its blocks go to the
        // free queue still cached, and its recompute hits what survived.
        let prompts = SharedPrefixPrompts(systemPromptLength: 0, questionLength: 100, outputLength: 200, groups: 1, promptsPerGroup: 4)
        let arrivals = ArrivalProcess.constantStages(ConstantStages(stages: [.init(rate: 1000, duration: 0.002)]))
        var c = Self.config(caching: true, prompts: prompts, arrivals: arrivals, duration: 1, kvTokens: 480)
        c.drain = true
        var sim = Simulation(model: try ServingSimulation(configuration: c))
        sim.model.start(&sim.scheduler)
        var checked = 0
        while sim.model.requests.live > 0 || checked == 0 {
            sim.run(until: sim.now + 0.05)
            // The pool's free blocks are the replica's free blocks at every step.
            #expect(sim.model.replicas.caches[0].freeCount == sim.model.replicas.states[0].freeBlocks)
            checked += 1
            if checked > 400 { break }
        }
        let m = sim.model.metrics
        #expect(m.completed == 2)
        #expect(m.preemptions > 0)
        #expect(m.prefixCache.hitTokens == 0)
        #expect(m.prefixCache.savedPrefillTokens > 0)
        #expect(sim.model.replicas.states[0].freeBlocks == sim.model.replicas.states[0].totalBlocks)
    }
}
