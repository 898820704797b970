import DequeModule

/// The running state of one replica: its local queue, the sequences it has
/// admitted, and the batch in flight.
struct ReplicaState: Sendable {
    /// Requests waiting at the replica (may hold abandoned ids, skipped on pop).
    var waiting = Deque<Int32>()
    /// Live (not abandoned) requests in `waiting`.
    var liveWaiting = 0
    /// Admitted requests: the one in service (none), the batch (dynamic),
    /// or the running sequences in admission order (continuous).
    var running: [Int32] = []
    /// Members of the iteration in flight (continuous).
    var batch: [Int32] = []
    /// Prefill tokens each batch member processes (0 = one decode token).
    var chunks: [Int32] = []
    /// Whether work is in flight.
    var busy = false
    /// When the dynamic batcher's delay timer fires (`.infinity`: none set).
    var timerAt = Double.infinity
    /// KV blocks free.
    var freeBlocks: Int
    /// Total KV blocks.
    let totalBlocks: Int

    init(totalBlocks: Int) {
        self.totalBlocks = totalBlocks
        self.freeBlocks = totalBlocks
    }

    /// Requests the replica holds (waiting or admitted).
    var inSystem: Int { liveWaiting + running.count }
}
