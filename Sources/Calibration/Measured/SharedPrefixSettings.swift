/// inference-perf's `shared_prefix` data generator as it ran: `num_groups`
/// groups, each with its own system prompt of `system_prompt_len` tokens
/// shared by `num_prompts_per_group` prompts, each adding a question of
/// `question_len` tokens and asking for `output_len` tokens.
///
/// What ran is `results/config.yaml`, the configuration inference-perf
/// resolved and wrote itself; the requested `profile.yaml` may use other
/// key names (`num_unique_system_prompts`, `num_users_per_system_prompt`,
/// `enable_multi_turn_chat`) that the generator's config model does not
/// read, so they fall back to its defaults. Those requested values are
/// kept in ``requested``.
package struct SharedPrefixSettings: Sendable, Equatable {
    /// Groups, each with its own system prompt.
    package var numGroups: Int
    /// Prompts per group.
    package var numPromptsPerGroup: Int
    /// System-prompt tokens (the shared prefix).
    package var systemPromptLength: Int
    /// Question tokens after it.
    package var questionLength: Int
    /// Output tokens asked for.
    package var outputLength: Int
    /// `enable_multi_turn_chat` when the resolved configuration has it.
    package var multiTurnChat: Bool?
    /// What profile.yaml asked for, when it has a `data.shared_prefix`.
    package var requested: Requested?

    /// Settings.
    package init(numGroups: Int, numPromptsPerGroup: Int, systemPromptLength: Int, questionLength: Int,
                outputLength: Int, multiTurnChat: Bool? = nil, requested: Requested? = nil) {
        self.numGroups = numGroups
        self.numPromptsPerGroup = numPromptsPerGroup
        self.systemPromptLength = systemPromptLength
        self.questionLength = questionLength
        self.outputLength = outputLength
        self.multiTurnChat = multiTurnChat
        self.requested = requested
    }

    /// profile.yaml's `data.shared_prefix`, under either key spelling:
    /// the generator's (`num_groups`, `num_prompts_per_group`) or the
    /// experiment harness's (`num_unique_system_prompts`,
    /// `num_users_per_system_prompt`); nil where absent.
    package struct Requested: Sendable, Equatable {
        /// `num_unique_system_prompts` or `num_groups`.
        package var groups: Int?
        /// `num_users_per_system_prompt` or `num_prompts_per_group`.
        package var promptsPerGroup: Int?
        /// `system_prompt_len`.
        package var systemPromptLength: Int?
        /// `question_len`.
        package var questionLength: Int?
        /// `output_len`.
        package var outputLength: Int?
        /// `enable_multi_turn_chat`.
        package var multiTurnChat: Bool?

        /// Requested values.
        package init(groups: Int?, promptsPerGroup: Int?, systemPromptLength: Int?, questionLength: Int?,
                    outputLength: Int?, multiTurnChat: Bool?) {
            self.groups = groups
            self.promptsPerGroup = promptsPerGroup
            self.systemPromptLength = systemPromptLength
            self.questionLength = questionLength
            self.outputLength = outputLength
            self.multiTurnChat = multiTurnChat
        }

        /// Reads a `shared_prefix` mapping of profile.yaml.
        init(_ node: MeasuredNode) throws {
            func int(_ keys: String...) throws -> Int? {
                for key in keys { if let v = try node.optional(key) { return try v.int() } }
                return nil
            }
            self.init(groups: try int("num_unique_system_prompts", "num_groups"),
                      promptsPerGroup: try int("num_users_per_system_prompt", "num_prompts_per_group"),
                      systemPromptLength: try int("system_prompt_len"), questionLength: try int("question_len"),
                      outputLength: try int("output_len"), multiTurnChat: try node.optional("enable_multi_turn_chat")?.bool())
        }
    }

    /// Reads the generator's own `shared_prefix` mapping (results/config.yaml).
    init(resolved node: MeasuredNode, requested: Requested?) throws {
        self.init(numGroups: try node.required("num_groups").int(atLeast: 1),
                  numPromptsPerGroup: try node.required("num_prompts_per_group").int(atLeast: 1),
                  systemPromptLength: try node.required("system_prompt_len").int(),
                  questionLength: try node.required("question_len").int(),
                  outputLength: try node.required("output_len").int(atLeast: 1),
                  multiTurnChat: try node.optional("enable_multi_turn_chat")?.bool(), requested: requested)
    }

    /// Settings from profile.yaml alone (no results/config.yaml): the
    /// requested values, each required.
    init(requestedOnly r: Requested, node: MeasuredNode) throws {
        func need(_ v: Int?, _ key: String) throws -> Int {
            guard let v else { throw node.missing(key) }
            return v
        }
        self.init(numGroups: try need(r.groups, "num_groups"), numPromptsPerGroup: try need(r.promptsPerGroup, "num_prompts_per_group"),
                  systemPromptLength: try need(r.systemPromptLength, "system_prompt_len"),
                  questionLength: try need(r.questionLength, "question_len"), outputLength: try need(r.outputLength, "output_len"),
                  multiTurnChat: r.multiTurnChat, requested: r)
    }
}
