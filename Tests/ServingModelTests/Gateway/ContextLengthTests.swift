import Foundation
import Scenario
import ServingModel
import TestSupport
import Testing

/// vLLM's context-length rule at admission: a request whose prompt +
/// max_tokens exceed the model's `max_model_len` is refused with HTTP 400
/// before the engine sees it (vllm/entrypoints/openai/serving_engine.py,
/// `_validate_input`), counted as a rejection of its own, and not retried
/// (a 4xx other than 408/409/429 is final for the OpenAI SDK's policy).
@Suite struct ContextLengthTests {
    static let hardware = TestData.path("models/hardware/h100-llama2-7b.yaml")

    /// Prompts uniform on [2000, 6000) with 300 output tokens against a
    /// 4,096-token model: P(prompt + 300 > 4096) = (6000 − 3796)/4000 =
    /// 0.551. About 1,140 measured arrivals: a binomial standard error of
    /// 0.0147; the tolerance is 4 of those, 0.06. Nothing else is refused.
    @Test func tooLongRequestsAreRefusedWith400() throws {
        let (r, _) = try ScenarioRunner.run("""
            name: too-long
            seed: 5
            duration: 10m
            warmup: 30s
            workload:
              arrivals: {process: poisson, rate: 2/s}
              sizes: {prompt: {distribution: uniform, low: 2000, high: 6000}, output: {distribution: deterministic, value: 300}}
            replicas:
              count: 1
              hardware: \(Self.hardware)
              batching: {policy: continuous, max_num_seqs: 64, max_num_batched_tokens: 2048, chunked_prefill: true}
            """)
        let tooLong = try #require(r.requests.rejectedTooLong)
        let share = Double(tooLong) / Double(r.requests.offered)
        #expect(r.requests.offered > 1000)
        #expect(abs(share - 0.551) < 0.06, "refused \(share)")
        #expect(r.requests.rejected == tooLong)
        #expect(r.requests.completed + r.requests.rejected + r.requests.unfinished == r.requests.offered)
    }

    /// With a client layer vLLM checks prompt + the request's `max_tokens`,
    /// not what the answer will hold: 3,500-token prompts asking for
    /// max_tokens 1,024 are refused although their 100-token answers would
    /// fit, and the 400 is final: one attempt per call, no retry.
    @Test func theClientsMaxTokensCountsAndA400IsNotRetried() throws {
        func run(maxTokens: Int) throws -> ServingResult {
            try ScenarioRunner.run("""
                name: max-tokens
                seed: 5
                duration: 3m
                warmup: 10s
                workload:
                  arrivals: {process: poisson, rate: 1/s}
                  sizes: {prompt: 3500, output: 100}
                client: {max_tokens: \(maxTokens)}
                replicas:
                  count: 1
                  hardware: \(Self.hardware)
                  batching: {policy: continuous, max_num_seqs: 64, max_num_batched_tokens: 2048, chunked_prefill: true}
                """).result
        }
        let refused = try run(maxTokens: 1024)
        let c = try #require(refused.clients)
        #expect(refused.requests.completed == 0)
        #expect(refused.requests.rejectedTooLong == refused.requests.offered)
        #expect(c.attempts == c.userRequests && c.retries == 0)
        #expect(c.failed == c.userRequests)
        let served = try run(maxTokens: 500)
        #expect(served.requests.rejectedTooLong == nil)
        #expect(served.requests.completed > 150)
    }
}
