import Workload
import Yams

extension ScenarioParser {
    /// `workload.shared_prefix`: inference-perf's shared-prefix prompts.
    func parseSharedPrefix(_ node: Node, _ path: String) -> SharedPrefixPrompts? {
        guard let s = reader.mapping(node, path) else { return nil }
        defer { s.finish() }
        let limit = RequestSize.maxTokens
        let system = s.int("system_prompt_len", 0...limit, required: true)
        let question = s.int("question_len", 0...limit, required: true)
        let output = s.int("output_len", 1...limit, required: true)
        let groups = s.int("groups", 1...1_000_000) ?? 10
        let perGroup = s.int("prompts_per_group", 1...1_000_000) ?? 10
        let inflation = s.number("token_inflation", min: 0.5, max: 4) ?? 1
        let multiTurn = s.bool("multi_turn") ?? false
        guard let system, let question, let output else { return nil }
        if system + question < 1 { reader.fail(node, path, "expected system_prompt_len + question_len >= 1") }
        if groups * perGroup > 10_000_000 {
            reader.fail(s.node("groups"), s.child("groups"), "expected groups × prompts_per_group <= 10,000,000")
            return nil
        }
        return SharedPrefixPrompts(systemPromptLength: system, questionLength: question, outputLength: output, groups: groups,
                                   promptsPerGroup: perGroup, tokenInflation: inflation, multiTurn: multiTurn)
    }
}
