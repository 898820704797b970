/// Prefill/decode disaggregation (DistServe, Splitwise; SEMANTICS.md feature
/// row 16): the first `prefillReplicas` replicas only prefill, the others
/// only decode. A request is prefilled (its first token sampled) on a
/// prefill replica, its KV cache crosses the interconnect in
/// `latency + prompt tokens × kvBytesPerToken / bandwidth`, and a decode
/// replica generates the rest. The prefill replica holds the blocks until
/// the transfer ends; the decode replica admits the request when it has
/// blocks and a sequence slot.
public struct Disaggregation: Sendable, Equatable {
    /// Replicas that prefill (the rest decode).
    public var prefillReplicas: Int
    /// KV-cache bytes per token: 2 × layers × KV heads × head size ×
    /// bytes per value (Llama-2-7B in fp16: 2 × 32 × 32 × 128 × 2 = 524,288).
    public var kvBytesPerToken: Double
    /// Interconnect bandwidth of one transfer (bytes/s); transfers do not
    /// share it.
    public var bandwidth: Double
    /// Fixed cost of one transfer (s).
    public var latency: Double

    /// A split.
    public init(prefillReplicas: Int, kvBytesPerToken: Double, bandwidth: Double, latency: Double = 0) {
        self.prefillReplicas = prefillReplicas
        self.kvBytesPerToken = kvBytesPerToken
        self.bandwidth = bandwidth
        self.latency = latency
    }

    /// Seconds to move the KV cache of `tokens` tokens.
    public func transferTime(tokens: Int) -> Double {
        latency + Double(tokens) * kvBytesPerToken / bandwidth
    }

    /// Checks the split against the replica count and batching policy.
    public func validate(replicas: Int, batching: BatchingPolicy) throws(ServingModelError) {
        try ServingModelError.check(prefillReplicas >= 1 && prefillReplicas < replicas, "replicas.disaggregation.prefill",
                                    prefillReplicas, "an integer from 1 to replicas.count − 1 (\(replicas - 1))")
        try ServingModelError.check(kvBytesPerToken.isFinite && kvBytesPerToken > 0, "replicas.disaggregation.kv_bytes_per_token",
                                    kvBytesPerToken, "a number of bytes > 0 (Llama-2-7B fp16: 524288)")
        try ServingModelError.check(bandwidth.isFinite && bandwidth > 0, "replicas.disaggregation.bandwidth", bandwidth,
                                    "a rate > 0 such as 25GB/s")
        try ServingModelError.check(latency.isFinite && latency >= 0, "replicas.disaggregation.latency", latency, "a duration >= 0")
        guard case .continuous = batching else {
            throw ServingModelError(key: "replicas.disaggregation", "needs batching: continuous (iteration-level scheduling)")
        }
    }
}
