/// Where a served request spent its time: the parts its time to first
/// token and end-to-end latency are cut into by ``Attribution``. Each part
/// is the interval between two hand-offs of the request, so the parts of
/// one request add up to its latency.
package enum AttributionPart: Int, CaseIterable, Sendable, Codable {
    /// From the user's call to the send of the attempt that answered it:
    /// earlier attempts, client backoff, `Retry-After` waits, hedge delays,
    /// concurrency permits.
    case clientRetries
    /// An Envoy fault filter's injected delay before the route.
    case faultDelay
    /// Earlier gateway (route) tries and their backoff.
    case gatewayRetries
    /// Waiting at the gateway or the shared dispatcher queue for a replica
    /// with room, a connection, or its priority's turn.
    case gatewayQueue
    /// Queue wait (gateway or replica) while a replica was cold-starting.
    case coldStart
    /// Waiting in its replica's queue to be scheduled.
    case replicaQueue
    /// From first scheduled to the first token (prefill chunks, and the
    /// decode steps of the batch they share), preemption excluded.
    case prefill
    /// Time lost to preemption: from the preemption to the end of the
    /// recomputed prefill.
    case preemption
    /// The serving front end's fixed time per request (`request_overhead`).
    case overhead
    /// The KV cache's move from the prefill to the decode replica.
    case kvTransfer
    /// From the first token to the last, preemption and KV transfer excluded.
    case decode

    /// The snake_case name used in JSON and tables.
    package var key: String {
        switch self {
        case .clientRetries: "client_retries"
        case .faultDelay: "fault_delay"
        case .gatewayRetries: "gateway_retries"
        case .gatewayQueue: "gateway_queue"
        case .coldStart: "cold_start"
        case .replicaQueue: "replica_queue"
        case .prefill: "prefill"
        case .preemption: "preemption"
        case .overhead: "overhead"
        case .kvTransfer: "kv_transfer"
        case .decode: "decode"
        }
    }

    /// Words for a table or a diagnosis.
    package var label: String {
        switch self {
        case .clientRetries: "client backoff and retries"
        case .faultDelay: "injected fault delay"
        case .gatewayRetries: "gateway retries"
        case .gatewayQueue: "gateway queue wait"
        case .coldStart: "wait for a cold-starting replica"
        case .replicaQueue: "replica queue wait"
        case .prefill: "prefill"
        case .preemption: "preemption and recomputation"
        case .overhead: "front-end overhead"
        case .kvTransfer: "KV transfer"
        case .decode: "decode"
        }
    }
}
