/// What the gateway and cluster control read of the replicas: their
/// states, how many requests one holds at most, and the prefill pool's
/// size. A view cannot start, stop or serve anything.
struct ReplicaView {
    /// One state per replica slot.
    let states: [ReplicaState]
    /// Sequences (or requests) one replica holds at most.
    let roomLimit: Int
    /// Replicas `0..<prefillReplicas` only prefill (0: colocated).
    let prefillReplicas: Int

    /// Replica slots.
    var count: Int { states.count }

    /// Whether replica `r` is ready and reachable from the gateway.
    func isReachable(_ r: Int) -> Bool { states[r].status == .ready && !states[r].cutOff }

    /// Whether replica `r` is in the decode pool.
    func isDecodeReplica(_ r: Int) -> Bool { prefillReplicas > 0 && r >= prefillReplicas }

    /// Each replica's waiting requests and KV-cache use now.
    func loadMetrics() -> (queue: [Int], kvCache: [Double]) {
        (states.map(\.liveWaiting),
         states.map { $0.totalBlocks > 0 ? Double($0.totalBlocks - $0.freeBlocks) / Double($0.totalBlocks) : 0 })
    }
}
