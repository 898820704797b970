import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// The pre-run warnings for requests longer than the profile's context or
/// than the sequences it was fitted on.
@Suite struct ProfileCoverageTests {
    static func config(_ sizes: String, client: String = "",
                       hardware: String = TestData.path("models/hardware/h100-llama2-7b.yaml")) throws -> ServingConfiguration {
        try ScenarioLoader.parse(text: """
            name: ctx
            duration: 1m
            workload:
              arrivals: {process: poisson, rate: 1/s}
              sizes: \(sizes)
            \(client)
            replicas:
              count: 1
              hardware: \(hardware)
              batching: {policy: continuous, max_num_seqs: 64, max_num_batched_tokens: 2048, chunked_prefill: true}
            """, file: ScenarioRunner.file)
    }

    /// Llama-2-7B generated for an H100: its GPU family's efficiencies
    /// were fitted on served sequences of at most 1,039 tokens.
    static let generated = "{model: \(TestData.path("models/configs/llama-2-7b-hf.json")), gpu: h100-sxm}"

    @Test func fittingSizesGiveNoWarning() throws {
        #expect(ProfileCoverage.warning(try Self.config("{prompt: {distribution: deterministic, value: 3000}, output: {distribution: deterministic, value: 1000}}")) == nil)
    }

    /// 7,000-token prompts on a 4,096-token model: the issue's example.
    @Test func sevenThousandTokenPromptsAreNamed() throws {
        let w = try #require(ProfileCoverage.warning(try Self.config("{prompt: {distribution: deterministic, value: 7000}, output: {distribution: deterministic, value: 200}}")))
        #expect(w.hasPrefix("every request exceeds max_model_len 4096 of profile h100-llama2-7b (prompt + output up to 7200 tokens)"), "\(w)")
    }

    /// Uniform prompts on [2000, 6000) + 300: 55.1% over; 20,000 draws give
    /// a standard error of 0.35%, the tolerance is 4 of those.
    @Test func aDistributionIsSampled() throws {
        let w = try #require(ProfileCoverage.warning(try Self.config("{prompt: {distribution: uniform, low: 2000, high: 6000}, output: {distribution: deterministic, value: 300}}")))
        let share = try #require(w.split(separator: " ").dropFirst().first.flatMap { Double($0.dropLast()) })
        #expect(abs(share - 55.1) < 1.4, "\(w)")
    }

    /// The client's max_tokens is what vLLM adds to the prompt.
    @Test func theClientsMaxTokensCounts() throws {
        let sizes = "{prompt: {distribution: deterministic, value: 3500}, output: {distribution: deterministic, value: 100}}"
        #expect(ProfileCoverage.warning(try Self.config(sizes)) == nil)
        let w = try #require(ProfileCoverage.warning(try Self.config(sizes, client: "client: {max_tokens: 1024}")))
        #expect(w.contains("prompt + max_tokens 1024 up to 4524 tokens"), "\(w)")
    }

    /// Trace-drawn sizes are checked row by row: the Azure code trace has
    /// 1,257 of 8,819 requests over 4,096 tokens.
    @Test func traceSizesAreCountedExactly() throws {
        let w = try #require(ProfileCoverage.warning(try Self.config("{trace: \(TestData.data("traces/AzureLLMInferenceTrace_code.csv"))}")))
        #expect(w.hasPrefix("1257 of 8819 request sizes (14.3%) exceed max_model_len 4096"), "\(w)")
    }

    /// A multi-turn workload whose conversations outgrow 4,096 tokens:
    /// 300 + 300 k prompt tokens + 100 asked fit for k ≤ 12 (13 rounds);
    /// 1/s for 10 minutes over 10 conversations is 60 rounds each.
    /// Ten conversations of 100 + 200 prompt tokens and 100-token answers at
    /// `rate` for 10 minutes.
    static func conversations(_ rate: String, hardware: String = TestData.path("models/hardware/h100-llama2-7b.yaml")) throws -> ServingConfiguration {
        try ScenarioLoader.parse(text: """
            name: ctx
            workload:
              arrivals: {process: constant, stages: [{rate: \(rate), duration: 10m}]}
              shared_prefix: {system_prompt_len: 100, question_len: 200, output_len: 100, groups: 2, prompts_per_group: 5, multi_turn: true}
            replicas:
              count: 1
              hardware: \(hardware)
              batching: {policy: continuous, max_num_seqs: 64, max_num_batched_tokens: 2048, chunked_prefill: true}
            """, file: ScenarioRunner.file)
    }

    @Test func conversationsThatOutgrowTheContextAreNamed() throws {
        func config(_ rate: String) throws -> ServingConfiguration { try Self.conversations(rate) }
        let w = try #require(ProfileCoverage.conversationWarning(try config("1/s")))
        #expect(w.hasPrefix("multi-turn conversations pass max_model_len 4096 of profile h100-llama2-7b after 13 rounds (300 + k × 300"), "\(w)")
        #expect(w.contains("of about 60 rounds per conversation expected, about 78.3% will be refused with 400"), "\(w)")
        // 0.2/s: 12 rounds each, all fit.
        #expect(ProfileCoverage.conversationWarning(try config("0.2/s")) == nil)
        #expect(ProfileCoverage.warning(try config("1/s")) == nil)
    }

    /// 2,000 + 500 tokens is beyond a generated profile's 1,039; 600 + 200
    /// is within; a bundled profile fitted on its tables up to its context
    /// states no such range.
    @Test func requestsBeyondAGeneratedProfilesFittedRangeAreNamed() throws {
        let long = "{prompt: {distribution: deterministic, value: 2000}, output: {distribution: deterministic, value: 500}}"
        let w = try #require(ProfileCoverage.fittedRangeWarning(try Self.config(long, hardware: Self.generated)))
        #expect(w.hasPrefix("every request is longer than the 1039 tokens (prompt + output) profile llama-2-7b-hf-h100-sxm-tp1 was fitted on "
                            + "(up to 2500 tokens): its step times for them are extrapolated"), "\(w)")
        let short = "{prompt: {distribution: deterministic, value: 600}, output: {distribution: deterministic, value: 200}}"
        #expect(ProfileCoverage.fittedRangeWarning(try Self.config(short, hardware: Self.generated)) == nil)
        #expect(ProfileCoverage.fittedRangeWarning(try Self.config(long)) == nil)
    }

    /// Uniform prompts on [2000, 6000) + 300 on a 4,096-token model: 44.9%
    /// are beyond the fitted 1,039 tokens and within the context (the other
    /// 55.1% are the context warning's). Standard error 0.35% on 20,000
    /// draws; the tolerance is 4 of those.
    @Test func theFittedRangeShareLeavesOutWhatTheContextRefuses() throws {
        let sizes = "{prompt: {distribution: uniform, low: 2000, high: 6000}, output: {distribution: deterministic, value: 300}}"
        let w = try #require(ProfileCoverage.fittedRangeWarning(try Self.config(sizes, hardware: Self.generated)))
        let share = try #require(w.split(separator: " ").dropFirst().first.flatMap { Double($0.dropLast()) })
        #expect(abs(share - 44.9) < 1.4, "\(w)")
        #expect(w.contains("(up to 4096 tokens)"), "\(w)")
    }

    /// Conversations of 300 + 300 k prompt tokens + 100 asked stay within
    /// 1,039 tokens for k ≤ 2 (3 rounds), then grow to the context; at
    /// 50,000 rounds a second (3 million per conversation) too.
    @Test(arguments: ["1/s", "50000/s"])
    func conversationsThatOutgrowTheFittedRangeAreNamed(rate: String) throws {
        let w = try #require(ProfileCoverage.fittedRangeWarning(try Self.conversations(rate, hardware: Self.generated)))
        #expect(w.hasPrefix("multi-turn conversations grow past the 1039 tokens (prompt + output) profile llama-2-7b-hf-h100-sxm-tp1 was fitted on "
                            + "after 3 rounds (to about 4096 tokens by their last expected round)"), "\(w)")
    }

    /// A profile calibrated on a scenario's requests covers the longer of
    /// its base's range and those requests, up to the context.
    @Test func aCalibratedProfileCoversTheRequestsItWasFittedOn() throws {
        let long = try Self.config("{prompt: {distribution: deterministic, value: 2000}, output: {distribution: deterministic, value: 500}}",
                                   hardware: Self.generated)
        #expect(ProfileCoverage.fittedRange(base: 1039, calibratedOn: long) == 2500)
        let short = try Self.config("{prompt: {distribution: deterministic, value: 600}, output: {distribution: deterministic, value: 200}}",
                                    hardware: Self.generated)
        #expect(ProfileCoverage.fittedRange(base: 1039, calibratedOn: short) == 1039)
        // A base that states no range covers its context already.
        #expect(ProfileCoverage.fittedRange(base: nil, calibratedOn: long) == nil)
        // Requests as long as the 4,096-token context: the whole context is covered.
        let full = try Self.config("{prompt: {distribution: deterministic, value: 3796}, output: {distribution: deterministic, value: 300}}",
                                   hardware: Self.generated)
        #expect(ProfileCoverage.fittedRange(base: 1039, calibratedOn: full) == nil)
    }
}
