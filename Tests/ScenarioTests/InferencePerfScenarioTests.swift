import Foundation
import ServingModel
import TestSupport
import Testing
import Workload
@testable import Scenario

/// The inference-perf workload and prefix caching through scenario files.
@Suite struct InferencePerfScenarioTests {
    static let scenario = """
        name: ip
        workload:
          arrivals: {process: constant, stages: [{rate: 4/s, duration: 30s}, {rate: 8/s, duration: 20s}]}
          shared_prefix: {system_prompt_len: 100, question_len: 447, output_len: 24, groups: 10, prompts_per_group: 10}
        replicas:
          count: 1
          hardware: \(TestData.root.appendingPathComponent("models/hardware/h100-llama2-7b.yaml").path)
          batching: {policy: continuous, max_num_seqs: 128, max_num_batched_tokens: 2048, prefix_caching: true}
        """

    static func issues(_ yaml: String) -> String {
        do {
            _ = try ScenarioLoader.parse(text: yaml, file: ScenarioRunner.file)
            return ""
        } catch let e as ScenarioError {
            return e.issues.map(\.description).joined(separator: "\n")
        } catch {
            return "\(error)"
        }
    }

    @Test func constantStagesSetTheDurationAndReportPerStage() throws {
        let config = try ScenarioLoader.parse(text: Self.scenario, file: ScenarioRunner.file)
        #expect(config.duration == 30 + 2 + 20 + 2)
        #expect(config.sharedPrefix?.count == 100)
        let (r, _) = try ServingRun(configuration: config).execute()
        let stages = try #require(r.stages)
        #expect(stages.map(\.arrivals) == [120, 160])
        #expect(stages.map(\.start) == [0, 32])
        #expect(stages.allSatisfy { $0.completed + $0.failed <= $0.arrivals })
        #expect(stages[0].completed == 120)
        // 100 prompts over 10 system prompts of 100 tokens. Of the 280
        // requests, 10 are their group's first (no hit), 90 the first of
        // their prompt in a known group (the system prompt's 6 full blocks:
        // 96 tokens), and 180 repeat a prompt (floor(546/16) = 34 blocks:
        // 544 tokens; the last block is recomputed). Stage 2 numbers its
        // requests from 0 again, so its first 100 repeat stage 1's.
        let pc = try #require(r.prefixCache)
        #expect(pc.promptTokens == 280 * 547)
        #expect(pc.hitTokens == 90 * 96 + 180 * 544, "\(pc)")
        #expect(pc.evictions == 0)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = try JSONSerialization.jsonObject(with: encoder.encode(r)) as? [String: Any]
        #expect(json?["prefix_cache"] != nil && json?["stages"] != nil)
    }

    @Test func multiTurnChatCarriesEachConversationsRoundsAndReportsThem() throws {
        let yaml = Self.scenario.replacingOccurrences(of: "groups: 10,", with: "multi_turn: true, groups: 10,")
        let config = try ScenarioLoader.parse(text: yaml, file: ScenarioRunner.file)
        #expect(config.sharedPrefix?.multiTurn == true)
        let (r, _) = try ServingRun(configuration: config).execute()
        // 100 conversations: 280 rounds (each stage numbers its requests from
        // 0), so conversations 0–19 have 4 rounds; round k sends
        // 547 + k × (447 + 24) tokens when the earlier ones were answered.
        let c = try #require(r.conversations)
        #expect(c.count == 100 && c.rounds == 280)
        #expect(c.longestPrompt == 547 + 3 * 471)
        #expect(r.clients != nil)
        let single = try ScenarioLoader.parse(text: Self.scenario, file: ScenarioRunner.file)
        #expect(single.sharedPrefix?.multiTurn == false)
        #expect(try ServingRun(configuration: single).execute().result.conversations == nil)
    }

    @Test func withoutPrefixCachingTheResultHasNoPrefixCacheSection() throws {
        let yaml = Self.scenario.replacingOccurrences(of: ", prefix_caching: true", with: "")
        let (r, _) = try ScenarioRunner.run(yaml)
        #expect(r.prefixCache == nil)
        #expect(r.stages?.count == 2)
    }

    @Test func badKeysAreRefusedByName() {
        let renamed = Self.scenario.replacingOccurrences(of: "groups: 10, prompts_per_group: 10", with: "num_unique_system_prompts: 9")
        #expect(Self.issues(renamed).contains("workload.shared_prefix.num_unique_system_prompts"))
        let multi = Self.scenario.replacingOccurrences(of: "groups: 10,", with: "multi_turn: perhaps, groups: 10,")
        #expect(Self.issues(multi).contains("workload.shared_prefix.multi_turn"))
        let flag = Self.scenario.replacingOccurrences(of: "prefix_caching: true", with: "prefix_caching: maybe")
        #expect(Self.issues(flag).contains("replicas.batching.prefix_caching"))
        let noStages = Self.scenario.replacingOccurrences(of: "stages: [{rate: 4/s, duration: 30s}, {rate: 8/s, duration: 20s}]", with: "stages: []")
        #expect(Self.issues(noStages).contains("workload.arrivals.stages"))
        let badStage = Self.scenario.replacingOccurrences(of: "{rate: 4/s, duration: 30s}", with: "{rate: 4/s, length: 30s}")
        let text = Self.issues(badStage)
        #expect(text.contains("workload.arrivals.stages[0].duration") && text.contains("workload.arrivals.stages[0].length"), "\(text)")
        let sizes = Self.scenario.replacingOccurrences(of: "  shared_prefix:", with: "  sizes: {prompt: 10, output: 10}\n  shared_prefix:")
        #expect(Self.issues(sizes).contains("workload.sizes"))
        let noDuration = Self.scenario.replacingOccurrences(of: "{process: constant, stages: [{rate: 4/s, duration: 30s}, {rate: 8/s, duration: 20s}]}",
                                                            with: "{process: poisson, rate: 4/s}")
        #expect(Self.issues(noDuration).contains("duration"))
    }
}
