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

    /// The lever that shortens this part, in the scenario's own keys;
    /// `kvFull`: the replicas' KV cache was full (or preempted),
    /// `continuous`: the replicas batch continuously.
    package func lever(kvFull: Bool, continuous: Bool) -> String {
        switch self {
        case .replicaQueue, .gatewayQueue, .preemption:
            if kvFull && continuous { return "Raise `gpu_memory_utilization`, add replicas, or cap `max_num_seqs`" }
            return "Add replicas (or scale up sooner); a queue limit trades this wait for fast refusals"
        case .coldStart: return "Scale up before the load: a lower autoscaler target, a warm pool, or predictive scaling"
        case .prefill: return "Long prompts: chunked prefill, prefix caching, a larger `max_num_batched_tokens`, or prefill/decode disaggregation"
        case .decode: return "Decode-bound: smaller batches (`max_num_seqs`), a faster GPU, or more replicas"
        case .clientRetries: return "Client backoff and retries: shorter backoff, fewer attempts, or fix what they retry"
        case .gatewayRetries: return "Gateway retries: fix what fails, or retry on other hosts (`previous_hosts`)"
        case .faultDelay: return "An injected delay (`gateway.faults.delay`) dominates"
        case .overhead: return "The front end's `request_overhead` dominates: it is outside the engine"
        case .kvTransfer: return "KV transfer: a faster interconnect or fewer, larger transfers"
        }
    }
}
