import DequeModule
import Workload

/// The multi-turn chat sessions of a shared-prefix workload
/// (`workload.shared_prefix.multi_turn`), as inference-perf's
/// `LocalUserSession` keeps them (`inference_perf/apis/user_session.py`,
/// 4ec6bfd and later): one conversation per prompt, its system prompt the
/// first context.
///
/// - A round goes out only when the conversation's previous round has
///   ended: one that arrives meanwhile waits, first come first served (the
///   session's lock and its queue of waiting rounds). The client measures
///   latency from the send, so the wait is not in it; it is counted here.
/// - An answered round's prompt and answer become the context
///   (`update_context(prompt + " " + response)`); a failed one leaves the
///   context as it was. The context is never truncated (the shared-prefix
///   generator gives its sessions no `max_model_len`), so a conversation
///   grows until the server refuses it (vLLM's 400 past `max_model_len`,
///   or 413 when no KV cache holds it), and then every later round of it
///   is refused too.
struct Conversations: Sendable {
    /// The workload's prompts.
    let prompts: SharedPrefixPrompts
    /// Answered rounds in each conversation's context, by prompt index.
    private(set) var turns: [Int32]
    /// Output tokens of each answered round (every round asks for the same
    /// number, capped by the client's `max_tokens`).
    let answerTokens: Int
    /// Whether the conversation has a round out.
    private var busy: [Bool]
    /// Arrival times of the rounds waiting, by conversation (only those
    /// with a round waiting have an entry).
    private var waiting: [Int32: Deque<Double>] = [:]
    /// Rounds sent, measured ones only.
    private var rounds = 0
    /// Of those, rounds that waited for the conversation's previous round.
    private var held = 0
    /// Their total and longest wait (s).
    private var holdSeconds = 0.0
    private var longestHold = 0.0
    /// The longest prompt sent (tokens).
    private var longestPrompt = 0
    /// Measurement starts here (s).
    let warmup: Double

    /// The conversations of `prompts`; answers of `answerTokens` tokens.
    init(_ prompts: SharedPrefixPrompts, answerTokens: Int, warmup: Double) {
        self.prompts = prompts
        self.answerTokens = max(1, answerTokens)
        turns = Array(repeating: 0, count: prompts.count)
        busy = Array(repeating: false, count: prompts.count)
        self.warmup = warmup
    }

    /// What the conversations did, for the run's result.
    var summary: ServingResult.ConversationSummary {
        .init(count: turns.count, rounds: rounds, heldRounds: held, meanHoldSeconds: held > 0 ? holdSeconds / Double(held) : 0,
              maxHoldSeconds: longestHold, longestPrompt: longestPrompt)
    }

    /// A round of conversation `p` arrives at `now`: true when it goes out
    /// now (the caller sends it), false when it waits for the round out.
    mutating func arrive(_ p: Int32, now: Double) -> Bool {
        guard busy[Int(p)] else {
            busy[Int(p)] = true
            return true
        }
        waiting[p, default: []].append(now)
        return false
    }

    /// The prompt of conversation `p`'s next round (tokens): the system
    /// prompt, each answered round's question and answer, the question.
    func promptTokens(_ p: Int32) -> Int {
        prompts.conversationPrompt(turns: Int(turns[Int(p)]), answerTokens: answerTokens)
    }

    /// Conversation `p`'s round goes out at `now`, having arrived at
    /// `arrival`.
    mutating func sent(_ p: Int32, arrival: Double, now: Double) {
        guard arrival >= warmup else { return }
        rounds += 1
        longestPrompt = max(longestPrompt, promptTokens(p))
        if now > arrival {
            held += 1
            holdSeconds += now - arrival
            longestHold = max(longestHold, now - arrival)
        }
    }

    /// Conversation `p`'s round out ended, `answered` or not: true when a
    /// round is waiting, which the caller sends next (``nextWaiting(_:)``;
    /// the conversation stays busy until then), false when none is.
    mutating func ended(_ p: Int32, answered: Bool) -> Bool {
        if answered && turns[Int(p)] < Int32.max { turns[Int(p)] += 1 }
        guard waiting[p] != nil else {
            busy[Int(p)] = false
            return false
        }
        return true
    }

    /// Takes conversation `p`'s first waiting round: its arrival time.
    mutating func nextWaiting(_ p: Int32) -> Double? {
        guard var queue = waiting[p], let next = queue.popFirst() else { return nil }
        waiting[p] = queue.isEmpty ? nil : queue
        return next
    }
}
