/// What inference-perf measured in one load stage
/// (`results/stage_K_lifecycle_metrics.json`): the rate asked for and
/// achieved, how many requests were sent, succeeded and failed, and the
/// latency summaries of the successes.
///
/// `timePerOutputToken` and `interTokenLatency` are measured per streamed
/// chunk, not per decode step (vLLM streams about two tokens per chunk in
/// these runs); ``stepTime`` is the per-token figure to compare with a
/// simulated TPOT.
package struct StageMeasurement: Sendable, Equatable {
    /// `load_summary.requested_rate` (requests per second); nil in the
    /// summary over all stages, which has none.
    package var requestedRate: Double?
    /// `load_summary.achieved_rate` (requests per second); nil in the summary.
    package var achievedRate: Double?
    /// `load_summary.count`: requests sent.
    package var count: Int
    /// `successes.count`.
    package var successes: Int
    /// `failures.count`.
    package var failures: Int
    /// `successes.latency.request_latency`; nil when nothing succeeded.
    package var requestLatency: LatencyStatistics?
    /// `successes.latency.time_to_first_token`.
    package var timeToFirstToken: LatencyStatistics?
    /// `successes.latency.time_per_output_token` (per streamed chunk).
    package var timePerOutputToken: LatencyStatistics?
    /// `successes.latency.inter_token_latency` (between streamed chunks).
    package var interTokenLatency: LatencyStatistics?
    /// Mean seconds per output token after the first, over the successes:
    /// (mean request_latency − mean time_to_first_token) / (output_len − 1).
    /// Only summaries exist, so it is computed from the means (the mean of
    /// the per-request ratios equals this when every answer has the same
    /// length, as with `ignore_eos`); `output_len` is the experiment's
    /// configured output length when `ignore_eos` fixes it, else the
    /// stage's mean `successes.output_len`. Nil when nothing succeeded or
    /// the output length is under 2.
    package var stepTime: Double?
    /// `successes.prompt_len.mean`: prompt tokens as the client's tokenizer
    /// counted the text it sent (nil when absent or nothing succeeded).
    package var meanPromptLength: Double?

    /// A measurement.
    package init(requestedRate: Double?, achievedRate: Double?, count: Int, successes: Int, failures: Int,
                requestLatency: LatencyStatistics?, timeToFirstToken: LatencyStatistics?,
                timePerOutputToken: LatencyStatistics?, interTokenLatency: LatencyStatistics?, stepTime: Double?,
                meanPromptLength: Double? = nil) {
        self.requestedRate = requestedRate
        self.achievedRate = achievedRate
        self.count = count
        self.successes = successes
        self.failures = failures
        self.requestLatency = requestLatency
        self.timeToFirstToken = timeToFirstToken
        self.timePerOutputToken = timePerOutputToken
        self.interTokenLatency = interTokenLatency
        self.stepTime = stepTime
        self.meanPromptLength = meanPromptLength
    }

    /// Reads one lifecycle-metrics file. `outputLength` is the configured
    /// output length when every answer has it (`ignore_eos`), else nil.
    ///
    /// - Throws: ``InputError`` naming the file and key path of a missing or ill-typed value.
    package static func read(path: String, outputLength: Int?) throws -> StageMeasurement {
        let root = try MeasuredNode.load(path: path)
        let load = try root.required("load_summary")
        let successes = try root.required("successes")
        let successCount = try successes.required("count").int()
        let failureCount = try root.optional("failures").flatMap { try $0.optional("count") }?.int() ?? 0
        let latency = try successes.optional("latency")
        func stats(_ key: String) throws -> LatencyStatistics? {
            guard successCount > 0, let latency else { return nil }
            return try LatencyStatistics(latency.required(key))
        }
        let requestLatency = try stats("request_latency"), ttft = try stats("time_to_first_token")
        var measuredOutput: Double?
        if outputLength == nil, successCount > 0 {
            measuredOutput = try successes.required("output_len").required("mean").double(atLeast: 0)
        }
        let tokens = outputLength.map(Double.init) ?? measuredOutput
        var step: Double?
        if let requestLatency, let ttft, let tokens, tokens >= 2 {
            step = Swift.max(requestLatency.mean - ttft.mean, 0) / (tokens - 1)
        }
        return StageMeasurement(
            requestedRate: try load.optional("requested_rate")?.double(atLeast: 0),
            achievedRate: try load.optional("achieved_rate")?.double(atLeast: 0),
            count: try load.required("count").int(),
            successes: successCount, failures: failureCount,
            requestLatency: requestLatency, timeToFirstToken: ttft,
            timePerOutputToken: try stats("time_per_output_token"), interTokenLatency: try stats("inter_token_latency"),
            stepTime: step,
            meanPromptLength: successCount > 0 ? try successes.optional("prompt_len")?.optional("mean")?.double(atLeast: 0) : nil)
    }
}
