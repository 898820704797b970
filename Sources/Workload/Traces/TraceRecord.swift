/// One request of a trace: when it arrived and how large it was.
package struct TraceRecord: Sendable, Equatable {
    /// Arrival time in seconds from the trace's first request.
    package var time: Double
    /// Prompt (input) tokens.
    package var promptTokens: Int
    /// Output (generated) tokens.
    package var outputTokens: Int
    /// Ids of reusable 512-token prefix blocks (Mooncake), empty otherwise.
    package var prefixBlocks: [Int]

    /// A record.
    package init(time: Double, promptTokens: Int, outputTokens: Int, prefixBlocks: [Int] = []) {
        self.time = time
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.prefixBlocks = prefixBlocks
    }
}

/// The trace formats Headroom reads.
package enum TraceFormat: String, Sendable, CaseIterable {
    /// Azure LLM inference CSV: `TIMESTAMP,ContextTokens,GeneratedTokens`.
    case azure
    /// Mooncake JSONL: `timestamp` (ms), `input_length`, `output_length`, `hash_ids`.
    case mooncake
    /// Generic CSV: `timestamp,prompt_tokens,output_tokens` (seconds).
    case csv

    /// Guesses the format from the file name (a `.gz` suffix aside), then
    /// from the first line.
    package static func detect(path: String) throws -> TraceFormat {
        let name = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        if name.hasSuffix(".jsonl") || name.hasSuffix(".json") { return .mooncake }
        let reader = try LineReader(path: path)
        guard let header = try reader.next() else { throw WorkloadError(path, "the trace is empty") }
        if header.hasPrefix("TIMESTAMP") || header.contains("ContextTokens") { return .azure }
        if header.hasPrefix("{") { return .mooncake }
        return .csv
    }
}
