/// What a request's tokens are made of, for the prefix cache: a compact
/// description as segments, from which the hash of every full KV block is
/// derived (``BlockHashes``). In order: a shared system prompt (`system`,
/// `systemTokens`; id 0: none), a conversation's earlier rounds (`turns`
/// of the question then that round's answer, `turnOutputTokens` each),
/// a question (`question`, `questionTokens`),
/// Mooncake `hash_ids` (512 tokens each, each standing for the prefix up to
/// its block), the rest of the prompt (unique to the request), then its
/// output (unique to the request). Kept in a side table by request slot,
/// so ``Request`` stays small.
struct PromptContent: Sendable {
    /// Shared system prompt segment id (0: none).
    var system: UInt64 = 0
    /// Its tokens.
    var systemTokens: Int32 = 0
    /// Question segment id (0: none).
    var question: UInt64 = 0
    /// Its tokens.
    var questionTokens: Int32 = 0
    /// Multi-turn chat: the conversation's id (0: none). Its earlier rounds'
    /// answers, and this request's own, are named by it and their round, so
    /// a later round's prompt hits the blocks an earlier answer left.
    var conversation: UInt64 = 0
    /// Earlier rounds carried in the prompt (question, then answer).
    var turns: Int32 = 0
    /// Tokens of each earlier answer.
    var turnOutputTokens: Int32 = 0
    /// Mooncake block ids (512 tokens each), else empty.
    var hashIDs: [Int] = []
    /// Unique per request: names the rest of its prompt and its output.
    var serial: UInt64 = 0
    /// The slot generation of the request it describes (a stale entry
    /// describes an earlier occupant of the slot).
    var generation: UInt32 = 0
    /// Leading blocks of the request's block table that hold a reference
    /// on a cached block (hits, then blocks it registered).
    var cached: Int32 = 0
    /// Tokens of one Mooncake hash id.
    static let hashIDTokens = 512

    /// Segment ids of the shared-prefix workload's prompt `p` of group `g`.
    static func sharedPrefix(group g: Int32, prompt p: Int32, systemTokens: Int, questionTokens: Int) -> PromptContent {
        var c = PromptContent()
        c.system = BlockHashes.mix(0x5359_5354_454D_0000 &+ UInt64(UInt32(bitPattern: g)))
        c.systemTokens = Int32(systemTokens)
        c.question = BlockHashes.mix(0x5155_4553_5400_0000 &+ UInt64(UInt32(bitPattern: p)))
        c.questionTokens = Int32(questionTokens)
        return c
    }

    /// Round `turns` of conversation `p` (group `g`) of the multi-turn
    /// shared-prefix workload: the system prompt, `turns` earlier rounds of
    /// the question and a `answerTokens`-token answer, the question.
    static func conversation(group g: Int32, prompt p: Int32, systemTokens: Int, questionTokens: Int, turns: Int32,
                             answerTokens: Int) -> PromptContent {
        var c = sharedPrefix(group: g, prompt: p, systemTokens: systemTokens, questionTokens: questionTokens)
        c.conversation = BlockHashes.mix(0x434F_4E56_0000_0000 &+ UInt64(UInt32(bitPattern: p)))
        c.turns = turns
        c.turnOutputTokens = Int32(clamping: answerTokens)
        return c
    }

    /// The id of the answer of round `turn` (its output tokens).
    @inline(__always) func answer(_ turn: Int32) -> UInt64 {
        BlockHashes.mix(conversation ^ (0x414E_5357_0000_0000 &+ UInt64(UInt32(bitPattern: turn))))
    }
}

/// The hashes of a request's full KV blocks, in order, as vLLM chains them
/// (`kv_cache_utils.hash_block_tokens`: the parent block's hash and this
/// block's tokens): here the tokens are named by (segment id, offset,
/// length) pieces, so equal token runs give equal hashes.
struct BlockHashes {
    let content: PromptContent
    let prompt: Int
    let blockSize: Int
    /// Current segment: 0 system, 1 earlier rounds, 2 question, 3 hash ids,
    /// 4 rest of prompt, 5 output.
    var segment = 0
    /// Piece of the earlier rounds (segment 1): round `piece / 2`'s
    /// question (even) or answer (odd).
    var piece = 0
    /// Index in `hashIDs` (segment 2).
    var hashID = 0
    /// Tokens of the current segment already consumed.
    var offset = 0
    /// Token position where the current segment starts.
    var start = 0
    var parent: UInt64 = 0x6A09_E667_F3BC_C908
    /// The current segment's (or piece's) id and length, set when it begins.
    var id: UInt64 = 0
    var length = 0

    init(content: PromptContent, prompt: Int, blockSize: Int) {
        self.content = content
        self.prompt = prompt
        self.blockSize = blockSize
        (id, length) = current()
    }

    /// SplitMix64's finaliser.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The current segment's id and length (tokens), capped by the prompt
    /// left after `start`.
    @inline(__always) func current() -> (id: UInt64, length: Int) {
        let left = max(0, prompt - start)
        switch segment {
        case 0: return (content.system, content.system == 0 ? 0 : min(Int(content.systemTokens), left))
        case 1:
            guard piece < 2 * Int(content.turns) else { return (0, 0) }
            return piece % 2 == 0 ? (content.question, min(Int(content.questionTokens), left))
                : (content.answer(Int32(piece / 2)), min(Int(content.turnOutputTokens), left))
        case 2: return (content.question, content.question == 0 ? 0 : min(Int(content.questionTokens), left))
        case 3:
            guard hashID < content.hashIDs.count else { return (0, 0) }
            return (Self.mix(UInt64(bitPattern: Int64(content.hashIDs[hashID])) ^ 0x4D4F_4F4E), min(PromptContent.hashIDTokens, left))
        case 4: return (Self.mix(content.serial ^ 0x5245_5354), left)
        default:
            let output = content.conversation == 0 ? Self.mix(content.serial ^ 0x4F55_5450_5554) : content.answer(content.turns)
            return (output, Int.max)
        }
    }

    /// The next full block's hash.
    @inline(__always) mutating func next() -> UInt64 {
        var h = parent
        var need = blockSize
        while need > 0 {
            let avail = length - offset
            if avail <= 0 {
                start += length
                offset = 0
                if segment == 1 && piece + 1 < 2 * Int(content.turns) && start < prompt {
                    piece += 1
                } else if segment == 3 && hashID + 1 < content.hashIDs.count && start < prompt {
                    hashID += 1
                } else {
                    segment += 1
                }
                (id, length) = current()
                continue
            }
            let take = min(avail, need)
            h = Self.mix(h ^ Self.mix(id ^ (UInt64(offset) << 32) ^ UInt64(take)))
            offset += take
            need -= take
        }
        parent = h
        return h
    }
}
