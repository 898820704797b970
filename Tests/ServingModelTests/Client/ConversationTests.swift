import Foundation
import SimulationCore
import Testing
import Workload
@testable import ServingModel

/// inference-perf's multi-turn chat (`shared_prefix.multi_turn`): a
/// conversation's rounds go out one at a time, each answered round's
/// prompt and answer are carried in the next prompt, a refused round leaves
/// the context as it was, and the prefix cache finds the earlier rounds.
@Suite struct ConversationTests {
    /// One conversation (one group, one prompt) of 100 system, 200 question
    /// and 100 output tokens; the profile's iterations take 2 ms +
    /// max(10 ms, 0.1 ms per token) and its `max_model_len` is 4,096.
    static func config(arrivals: ArrivalProcess, duration: Double, system: Int = 100, question: Int = 200,
                       output: Int = 100) -> ServingConfiguration {
        let prompts = SharedPrefixPrompts(systemPromptLength: system, questionLength: question, outputLength: output, groups: 1,
                                          promptsPerGroup: 1, multiTurn: true)
        var c = PrefixCacheTests.config(caching: true, prompts: prompts, arrivals: arrivals, duration: duration)
        c.drain = true
        return c
    }

    @Test func eachAnsweredRoundGrowsThePromptUntilTheServerRefusesIt() throws {
        // Rounds every 5 s (nothing overlaps): round r sends 300 + 300 r
        // tokens. Round 13 (4,200 + 100 > 4,096) is refused with 400; the
        // context stays at 13 rounds, so every later round is refused too.
        let c = Self.config(arrivals: .renewal(interarrival: .deterministic(5)), duration: 100)
        let (result, metrics) = try ServingRun(configuration: c).execute()
        #expect(result.requests.completed == 13)
        #expect(result.requests.rejectedTooLong == 6)
        #expect(metrics.completions.map(\.prompt) == (0..<13).map { 300 + 300 * $0 })
        let conversations = try #require(result.conversations)
        #expect(conversations.count == 1 && conversations.rounds == 19)
        #expect(conversations.heldRounds == 0 && conversations.maxHoldSeconds == 0)
        #expect(conversations.longestPrompt == 4200)
        // The cache holds every full block of the previous round's prompt
        // and answer (computed: prompt + 99 tokens), which the next round hits.
        let cache = try #require(result.prefixCache)
        #expect(cache.promptTokens == (0..<13).reduce(0) { $0 + 300 + 300 * $1 })
        #expect(cache.hitTokens == (1..<13).reduce(0) { $0 + 16 * ((300 * $1 + 99) / 16) })
        #expect(cache.evictions == 0)
    }

    @Test func aRoundWaitsForThePreviousAndItsLatencyStartsAtTheSend() throws {
        // 50 rounds of one conversation arrive within a second; each takes
        // over 100 ms to serve (10 output tokens), so they go out one after
        // another: the replica never holds two, and the wait is counted
        // apart from the latency.
        let stages = ConstantStages(stages: [.init(rate: 50, duration: 1)])
        let c = Self.config(arrivals: .constantStages(stages), duration: 3, question: 10, output: 10)
        let (result, metrics) = try ServingRun(configuration: c).execute()
        let conversations = try #require(result.conversations)
        #expect(conversations.rounds == 50)
        #expect(conversations.heldRounds >= 45)
        #expect(conversations.maxHoldSeconds > 2)
        let served = metrics.completions.sorted { $0.arrival < $1.arrival }
        #expect(served.count + (result.requests.rejectedTooLong ?? 0) == 50)
        for (a, b) in zip(served, served.dropFirst()) { #expect(b.arrival >= a.arrival + a.e2e - 1e-9, "overlap: \(a) \(b)") }
        #expect(served.map(\.e2e).max()! < 0.5)
        // Prompts grow by question + answer (20 tokens) per answered round.
        #expect(served.map(\.prompt) == (0..<served.count).map { 110 + 20 * $0 })
    }

    @Test func theSameSeedGivesTheSameRun() throws {
        let stages = ConstantStages(stages: [.init(rate: 20, duration: 3), .init(rate: 40, duration: 3)])
        var c = Self.config(arrivals: .constantStages(stages), duration: 10, question: 50, output: 30)
        c.sharedPrefix?.promptsPerGroup = 4
        c.sharedPrefix?.groups = 2
        let a = try ServingRun(configuration: c).execute(), b = try ServingRun(configuration: c).execute()
        #expect(a.metrics.completions == b.metrics.completions)
        #expect(a.result.conversations?.rounds == 180 && a.result.conversations?.count == 8)
        #expect(a.result.conversations?.heldRounds == b.result.conversations?.heldRounds)
    }

    @Test func aLongChainOfRefusedRoundsDoesNotNest() throws {
        // The first round (1,000 + 1,000 prompt tokens, 1,500 answer) takes
        // about 18 s; 10,000 rounds of the one conversation arrive within
        // 10 s and wait; the second round (4,500 + 1,500 > 4,096) and every
        // one after it are refused at once, one after another.
        let stages = ConstantStages(stages: [.init(rate: 1000, duration: 10)])
        let c = Self.config(arrivals: .constantStages(stages), duration: 12, system: 1000, question: 1000, output: 1500)
        let (result, _) = try ServingRun(configuration: c).execute()
        #expect(result.requests.completed == 1)
        #expect(result.requests.rejectedTooLong == 9999)
        #expect(result.conversations?.heldRounds == 9999)
    }
}

