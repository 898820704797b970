/// One user request: what the person or program asked for, across all the
/// attempts the client makes for it.
struct Call: Sendable {
    /// When the user asked (s).
    var arrival: Double
    /// Prompt and output tokens.
    var prompt: Int32
    var output: Int32
    /// Tenant index.
    var tenant: Int16
    /// API key index (rate limits, hashing).
    var apiKey: Int32
    /// Closed-loop user who sent it (-1: open loop).
    var user: Int32
    /// Whether it arrived inside the measurement window.
    var measured: Bool
    /// Cache key (-1: no cache).
    var cacheKey: Int32 = -1
    /// When the user stops waiting (s).
    var deadline: Double = .infinity
    /// Attempts sent so far.
    var attempts: Int16 = 0
    /// Attempts in flight.
    var inFlight: Int16 = 0
    /// Last backoff wait (decorrelated jitter).
    var previousDelay: Double = 0
    /// Whether a retry or hedge is scheduled or waiting for a permit.
    var pendingSend = false
    /// Whether the next send is a retry (vs the first attempt or a hedge).
    var nextIsRetry = false
    /// Whether a permit of the concurrency limit was handed to it.
    var holdsPermit = false
    /// Whether it has ended (slot free).
    var done = false
    /// Reuse counter of the slot, to recognise stale timers.
    var generation: UInt32 = 0
    /// The latest attempt's request id and generation (-1: none).
    var lastAttempt: Int32 = -1
    var lastAttemptGeneration: UInt32 = 0
    /// Prefix block ids (Mooncake replay with prefix affinity), else empty.
    var prefix: [Int] = []
    /// Its shared-prefix prompt (`workload.shared_prefix`), else -1.
    var promptIndex: Int32 = -1
}

extension Call {
    /// Output tokens an attempt reserves against rate limits: the client's
    /// `max_tokens`, else the actual output (as if `max_tokens` were exact).
    func outputReservation(maxTokens: Int?) -> Int32 {
        maxTokens.map { Int32(clamping: $0) } ?? output
    }
}

/// User requests in flight.
typealias CallTable = Slab<Call>

extension Call: SlabElement {
    /// A freed call reads as done and lets go of its prefix.
    mutating func release() {
        done = true
        prefix = []
    }
}

extension Slab where Element == Call {
    /// Whether `id` still holds the call of `generation`.
    func isLive(_ id: Int32, _ generation: UInt32) -> Bool {
        let c = slots[Int(id)]
        return !c.done && c.generation == generation
    }
}
