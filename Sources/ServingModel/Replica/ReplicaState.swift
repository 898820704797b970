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
    /// Micro-batches, one slot per pipeline stage (continuous).
    var slots: [MicroBatch]
    /// When each pipeline stage is next free (continuous).
    var stageFree: [Double]
    /// Micro-batches in flight (continuous).
    var inFlight = 0
    /// Async scheduling: requests that joined `waiting` after the last
    /// step of the batch in flight began (the back of the queue): the
    /// next step was planned without them.
    var lateJoins = 0
    /// Async scheduling: when the last step of the batch in flight began.
    var lastStepStart = 0.0
    /// Whether a `.stageFree` wake-up is pending (continuous, pipelines).
    var wakePending = false
    /// Whether work is in flight.
    var busy = false
    /// Lifecycle state.
    var status = ReplicaStatus.ready
    /// Cut off from the gateway by a partition.
    var cutOff = false
    /// Bumped at every start and failure, so events of an earlier life are ignored.
    var incarnation: UInt32 = 0
    /// Multiplier on every service, batch and iteration time (1 / speed).
    var slowdown = 1.0
    /// The `cluster.faults.errors` window in force (index), or -1.
    var errorWindow: Int32 = -1
    /// When a prefill replica's link finishes the KV transfers queued on it.
    var linkFree = 0.0
    /// When the dynamic batcher's delay timer fires (`.infinity`: none set).
    var timerAt = Double.infinity
    /// KV blocks free.
    var freeBlocks: Int
    /// Total KV blocks.
    let totalBlocks: Int

    init(totalBlocks: Int, stages: Int) {
        self.totalBlocks = totalBlocks
        self.freeBlocks = totalBlocks
        self.slots = Array(repeating: MicroBatch(), count: stages)
        self.stageFree = Array(repeating: 0, count: stages)
    }

    /// Requests the replica holds (waiting or admitted).
    var inSystem: Int { liveWaiting + running.count }
}

/// Where a replica is in its life.
enum ReplicaStatus: UInt8, Sendable {
    /// Not provisioned.
    case stopped
    /// Provisioned, loading (cold start): not routed to.
    case starting
    /// Serving.
    case ready
    /// Finishing its requests before stopping: not routed to.
    case draining
    /// Crashed; restarts after its repair time.
    case failed
}

/// One batch in flight through a replica's pipeline.
struct MicroBatch: Sendable {
    /// Member requests.
    var members: [Int32] = []
    /// Prefill tokens each member processes (0 = one decode token).
    var chunks: [Int32] = []
    /// Whether the slot holds a batch in flight.
    var active = false
    /// Bumped when a pending completion event is superseded.
    var epoch: UInt16 = 0
    /// A run of identical-shape decode iterations advanced in one event.
    var run: DecodeRun?
}

/// Several decode iterations of an unchanging batch, advanced in one event.
/// Iteration `s` (0-based) takes `alpha + beta·s` seconds because each step
/// adds one KV token per sequence, so `k` iterations take
/// `k·alpha + beta·k(k−1)/2`.
struct DecodeRun: Sendable {
    /// When the first iteration started.
    var start: Double
    /// Iterations in the run.
    var steps: Int
    /// Time of the first iteration.
    var alpha: Double
    /// Increase of the iteration time per step.
    var beta: Double

    /// Time taken by the first `k` iterations.
    func elapsed(_ k: Int) -> Double {
        let kk = Double(k)
        return kk * alpha + beta * kk * (kk - 1) / 2
    }

    /// Iterations completed by time `t` (at most `steps`).
    func completed(by t: Double) -> Int {
        var lo = 0, hi = steps
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if start + elapsed(mid) <= t { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
