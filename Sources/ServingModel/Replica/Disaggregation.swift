/// Prefill/decode disaggregation (DistServe, arXiv:2401.09670; Splitwise,
/// arXiv:2311.18677): the first `prefillReplicas` replicas only prefill, the others
/// only decode. A request is prefilled (its first token sampled) on a
/// prefill replica, its KV cache crosses the interconnect in
/// `latency + prompt tokens × kvBytesPerToken / bandwidth`, and a decode
/// replica generates the rest. A prefill replica's transfers take turns on
/// its link, first come first served (unless `sharedLink` is false: then
/// each gets the whole bandwidth). The prefill replica holds the blocks
/// until the transfer ends; the decode replica admits the request when it
/// has blocks and a sequence slot.
package struct Disaggregation: Sendable, Equatable {
    /// Replicas that prefill (the rest decode).
    package var prefillReplicas: Int
    /// KV-cache bytes per token: 2 × layers × KV heads × head size ×
    /// bytes per value (Llama-2-7B in fp16: 2 × 32 × 32 × 128 × 2 = 524,288).
    package var kvBytesPerToken: Double
    /// Bandwidth of a prefill replica's link (bytes/s).
    package var bandwidth: Double
    /// Fixed cost of one transfer (s), paid after its bytes have crossed.
    package var latency: Double
    /// Whether a prefill replica's transfers share its link, one after
    /// another (true, the default), or each has the whole bandwidth.
    package var sharedLink: Bool

    /// A split.
    package init(prefillReplicas: Int, kvBytesPerToken: Double, bandwidth: Double, latency: Double = 0, sharedLink: Bool = true) {
        self.prefillReplicas = prefillReplicas
        self.kvBytesPerToken = kvBytesPerToken
        self.bandwidth = bandwidth
        self.latency = latency
        self.sharedLink = sharedLink
    }

    /// Seconds the link carries the KV cache of `tokens` tokens.
    package func linkTime(tokens: Int) -> Double {
        Double(tokens) * kvBytesPerToken / bandwidth
    }

    /// Checks the split against the replica count and batching policy.
    package func validate(replicas: Int, batching: BatchingPolicy) throws(ServingModelError) {
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
