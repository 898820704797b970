import SimulationCore

/// inference-perf's `shared_prefix` data generator as the vLLM ground-truth
/// runs used it (kubernetes-sigs/inference-perf between commits b81afa4 and
/// ad40050, `inference_perf/datagen/shared_prefix_datagen.py`): `groups`
/// system prompts of `systemPromptLength` random tokens, each followed by
/// `promptsPerGroup` distinct questions of `questionLength` random tokens;
/// the `groups × promptsPerGroup` prompts are shuffled once, and request
/// `n` of a stage (numbered from 0 in every stage) sends prompt
/// `n mod count` of that order, asking for `outputLength` tokens
/// (`ignore_eos`: exactly that many). The generator decodes its random
/// token ids to text and the server tokenizes that text again, which
/// changes the counts: `tokenInflation` multiplies both lengths to say so
/// (1: the configured counts exactly).
///
/// With `multiTurn` (`enable_multi_turn_chat`, inference-perf 4ec6bfd and
/// later, `inference_perf/apis/user_session.py`) each prompt is one user's
/// conversation: its first round sends the system prompt and the question,
/// and every answered round's prompt and answer become the next round's
/// context (`context + " " + question`), so round k of a conversation whose
/// earlier rounds were all answered sends `system + k × (question + output)
/// + question` tokens. A user's rounds go out one at a time: a round that
/// comes while the previous one is out waits for it (``Conversations`` in
/// the serving model keeps that state).
package struct SharedPrefixPrompts: Sendable, Equatable {
    /// Tokens of each group's system prompt.
    package var systemPromptLength: Int
    /// Tokens of each question.
    package var questionLength: Int
    /// Output tokens of every request.
    package var outputLength: Int
    /// System prompts (`num_groups`).
    package var groups: Int
    /// Questions per system prompt (`num_prompts_per_group`).
    package var promptsPerGroup: Int
    /// Factor on both lengths for the server's re-tokenization (>= 1 in
    /// the ground truth: about 1.05).
    package var tokenInflation: Double
    /// Multi-turn chat: each prompt is a conversation whose answered rounds
    /// are carried in its later rounds' prompts.
    package var multiTurn: Bool

    /// A shared-prefix workload.
    package init(systemPromptLength: Int, questionLength: Int, outputLength: Int, groups: Int = 10, promptsPerGroup: Int = 10,
                 tokenInflation: Double = 1, multiTurn: Bool = false) {
        self.systemPromptLength = systemPromptLength
        self.questionLength = questionLength
        self.outputLength = outputLength
        self.groups = groups
        self.promptsPerGroup = promptsPerGroup
        self.tokenInflation = tokenInflation
        self.multiTurn = multiTurn
    }

    /// Distinct prompts.
    package var count: Int { groups * promptsPerGroup }
    /// System prompt tokens the server sees.
    package var systemTokens: Int { Int((Double(systemPromptLength) * tokenInflation).rounded()) }
    /// Question tokens the server sees.
    package var questionTokens: Int { Int((Double(questionLength) * tokenInflation).rounded()) }
    /// Every request's size.
    package var size: RequestSize { RequestSize(prompt: max(1, systemTokens + questionTokens), output: max(1, outputLength)) }

    /// Output tokens of each answer under a client's `max_tokens` cap (nil: none).
    package func answerTokens(maxTokens: Int?) -> Int {
        maxTokens.map { min(outputLength, $0) } ?? outputLength
    }

    /// Multi-turn chat: the prompt of a conversation's round after `turns`
    /// answered rounds of `answerTokens` tokens each, `system + turns ×
    /// (question + answer) + question` tokens, at most
    /// ``RequestSize/maxTokens`` (past it the round is refused anyway).
    package func conversationPrompt(turns: Int, answerTokens: Int) -> Int {
        let turn = questionTokens + answerTokens
        let limit = RequestSize.maxTokens
        guard turns < (limit - systemTokens - questionTokens) / max(1, turn) else { return limit }
        return max(1, systemTokens + turns * turn + questionTokens)
    }

    /// The order requests pick prompts in: prompt `p` is question
    /// `p mod promptsPerGroup` of group `p / promptsPerGroup`, generated
    /// group by group, then shuffled (Fisher–Yates, as Python's
    /// `random.shuffle`) with `rng`.
    package func order(_ rng: inout RandomStream) -> [Int32] {
        var order = (0..<count).map { Int32($0) }
        var i = order.count - 1
        while i > 0 {
            let j = rng.nextInt(below: i + 1)
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    /// The group (system prompt) of prompt `p`.
    package func group(of p: Int32) -> Int32 { p / Int32(promptsPerGroup) }
}
