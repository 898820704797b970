import SimulationCore

/// How a replica groups requests.
package enum BatchingPolicy: Sendable, Equatable {
    /// One request at a time (scenario `policy: none`); its service time comes from the replica's
    /// service distribution (or the hardware profile). How M/M/c and M/G/c
    /// models are expressed.
    case unbatched
    /// Request-level batching as in Triton's dynamic batcher.
    case dynamic(DynamicBatching)
    /// Iteration-level (continuous) batching as in vLLM.
    case continuous(ContinuousBatching)

    /// The policy's name as scenarios spell it.
    package var name: String {
        switch self {
        case .unbatched: return "none"
        case .dynamic: return "dynamic"
        case .continuous: return "continuous"
        }
    }
}

/// Triton-style dynamic batching: a batch starts when `maxBatchSize`
/// requests wait, or when the oldest has waited `maxQueueDelay`. The batch
/// runs as one unit (prefill, then decode to the longest output, padded);
/// every member completes when the batch does.
package struct DynamicBatching: Sendable, Equatable {
    /// Largest batch (Triton `max_batch_size`).
    package var maxBatchSize: Int
    /// Longest a request is held for a fuller batch (Triton
    /// `max_queue_delay_microseconds`), in seconds.
    package var maxQueueDelay: Double
    /// Without a hardware profile: each extra member adds this fraction of
    /// a single request's service time (0 = perfect batching).
    package var perRequestCost: Double

    /// Dynamic batching settings (a common example: 32 and 10 ms).
    package init(maxBatchSize: Int = 32, maxQueueDelay: Double = 0.010, perRequestCost: Double = 0) {
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelay = maxQueueDelay
        self.perRequestCost = perRequestCost
    }
}

/// vLLM-style continuous batching: every iteration the scheduler fills a
/// token budget with one decode token per running sequence and prefill work
/// for new (or partially prefilled) requests, admitting first-come
/// first-served while sequences, tokens and KV blocks allow; when KV blocks
/// run out mid-decode the most recently admitted sequence is preempted and
/// recomputed later. With pipeline parallelism each of the replica's
/// micro-batches (one per stage in flight) holds at most
/// `maxNumSeqs / stages` sequences, as in Vidur.
package struct ContinuousBatching: Sendable, Equatable {
    /// Most sequences in a batch (vLLM `max_num_seqs`).
    package var maxNumSeqs: Int
    /// Token budget per iteration (vLLM `max_num_batched_tokens`).
    package var maxNumBatchedTokens: Int
    /// Chunked prefill (Sarathi-style): prefills are cut to fit the budget
    /// beside running decodes. Off: prefill-only iterations for new
    /// requests (vLLM V0 / Vidur's vLLM scheduler), decodes otherwise.
    package var chunkedPrefill: Bool
    /// Fraction of KV blocks kept free when admitting (vLLM watermark).
    package var watermark: Double
    /// How iterations are simulated.
    package var fidelity: Fidelity
    /// Without chunked prefill, count a prefill batch's tokens as its size
    /// times its longest prompt (Vidur's vLLM scheduler) instead of their sum
    /// (vLLM's).
    package var paddedPrefill: Bool
    /// vLLM's automatic prefix caching (`enable_prefix_caching`): full KV
    /// blocks stay cached under their chained hash, and a new request's
    /// longest run of cached leading blocks skips prefill.
    package var prefixCaching: Bool
    /// vLLM's async scheduling (`async_scheduling`): the scheduler plans
    /// step N+1 while step N runs, so a request that joins during a step
    /// waits for the step after the next (chunked prefill, one stage).
    package var asyncScheduling: Bool

    /// Simulation fidelity of continuous batching.
    package enum Fidelity: String, Sendable {
        /// One event per iteration.
        case iteration
        /// Runs of decode-only iterations whose batch cannot change (no
        /// completion, no new KV block beyond those free, no new work at the
        /// replica) advance in one event; new work cuts a run at the end of
        /// its current iteration, so the schedule is the same as
        /// `iteration`'s (single-stage replicas; pipelines use `iteration`).
        case multistep
    }

    /// Continuous batching settings; defaults are vLLM's for GPUs under 70 GiB.
    package init(maxNumSeqs: Int = 256, maxNumBatchedTokens: Int = 2048, chunkedPrefill: Bool = true,
                watermark: Double = 0.01, fidelity: Fidelity = .multistep, paddedPrefill: Bool = false,
                prefixCaching: Bool = false, asyncScheduling: Bool = false) {
        self.maxNumSeqs = maxNumSeqs
        self.maxNumBatchedTokens = maxNumBatchedTokens
        self.chunkedPrefill = chunkedPrefill
        self.watermark = watermark
        self.fidelity = fidelity
        self.paddedPrefill = paddedPrefill
        self.prefixCaching = prefixCaching
        self.asyncScheduling = asyncScheduling
    }
}
