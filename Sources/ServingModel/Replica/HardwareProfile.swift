import Foundation

/// What one replica's hardware can do: the fitted iteration-time function of
/// a (GPU, model, parallelism) combination, its KV-cache capacity and price.
/// Loaded from `models/hardware/NAME.yaml` by the Scenario module.
package struct HardwareProfile: Sendable, Equatable {
    /// Profile name (file stem).
    package var name: String
    /// GPU type, e.g. `A100-80GB`.
    package var gpu: String
    /// Model served, e.g. `Llama-2-7b-hf`.
    package var model: String
    /// Tensor-parallel degree.
    package var tensorParallel: Int
    /// Pipeline-parallel degree (stages).
    package var pipelineParallel: Int
    /// GPUs one replica occupies.
    package var gpusPerReplica: Int
    /// Price of one GPU-hour (USD).
    package var pricePerGPUHour: Double
    /// KV-cache capacity of one replica, in tokens.
    package var kvCacheTokens: Int
    /// KV-cache block size in tokens (vLLM paged attention).
    package var kvBlockSize: Int
    /// Longest prompt + output the model accepts.
    package var maxModelLength: Int
    /// The iteration-time function.
    package var iteration: IterationTimeModel
    /// Seconds the serving front end adds to every request outside the
    /// engine (HTTP, tokenization, detokenization, streaming): added to its
    /// time to first token and end-to-end latency.
    package var requestOverhead: Double = 0
    /// The weights' precision the coefficients describe (`bf16`, `fp16`,
    /// `fp8`, `int8`, `int4`; nil: the model checkpoint's).
    package var weightPrecision: String?
    /// Longest sequence (prompt + output tokens) in the measured runs the
    /// coefficients were fitted on, when they were fitted on served
    /// requests (a generated profile: its GPU family's runs); step times
    /// of longer sequences are extrapolated. Nil: the profile states no
    /// such range (its `max_model_len` is the edge of its data).
    package var fittedSequenceTokens: Int?

    /// A profile.
    package init(name: String, gpu: String, model: String, tensorParallel: Int, pipelineParallel: Int,
                gpusPerReplica: Int, pricePerGPUHour: Double, kvCacheTokens: Int, kvBlockSize: Int,
                maxModelLength: Int, iteration: IterationTimeModel) {
        self.name = name
        self.gpu = gpu
        self.model = model
        self.tensorParallel = tensorParallel
        self.pipelineParallel = pipelineParallel
        self.gpusPerReplica = gpusPerReplica
        self.pricePerGPUHour = pricePerGPUHour
        self.kvCacheTokens = kvCacheTokens
        self.kvBlockSize = kvBlockSize
        self.maxModelLength = maxModelLength
        self.iteration = iteration
    }
}

/// The time of one engine iteration (one forward pass over the batch) as a
/// compact function of the batch's shape, fitted from profiling data:
///
///     stage = fixed + perSequence·S + max(linearFloor + expertRead·X(T), perToken·T)
///             + perKVToken·K + perPrefillPair·A + perTokenComm·T
///     iteration = stage × pipelineStages
///
/// where S = sequences in the batch, T = prefill tokens + decode sequences, K = Σ context lengths of the
/// decode sequences (KV tokens read), A = Σ over prefill chunks of
/// chunk·(prior context + chunk/2) (attention token pairs), and for a
/// mixture of experts X(T) = E·(1 − (1 − k/E)^T) is the expected number of
/// distinct experts (of E, k per token, routed uniformly) a batch of T
/// tokens touches: their weights are read once per step.
package struct IterationTimeModel: Sendable, Equatable {
    /// Per-iteration overhead (s).
    package var fixed: Double
    /// Token-parallel operators at small batches, weight-read bound (s).
    package var linearFloor: Double
    /// Per batched token once compute-bound (s).
    package var perToken: Double
    /// Per KV token read by decode attention (s).
    package var perKVToken: Double
    /// Per prefill attention (query, key) pair (s).
    package var perPrefillPair: Double
    /// Per batched token of parallelism communication (s).
    package var perTokenComm: Double
    /// Pipeline stages the iteration passes through in sequence.
    package var pipelineStages: Int
    /// Multiplier on every term (quantisation, slowdowns).
    package var speedFactor: Double
    /// Per sequence in the batch (s): the engine's CPU work that grows with
    /// the batch (scheduling, input preparation, sampling, output
    /// processing).
    package var perSequence: Double = 0
    /// Seconds to read one routed expert's weights in every MoE layer of
    /// the stage (0: a dense model).
    package var expertRead: Double = 0
    /// Routed experts per MoE layer (0: a dense model).
    package var experts: Int = 0
    /// Experts each token is routed to.
    package var expertsPerToken: Int = 0

    /// A model from its coefficients.
    package init(fixed: Double, linearFloor: Double, perToken: Double, perKVToken: Double,
                perPrefillPair: Double, perTokenComm: Double, pipelineStages: Int = 1, speedFactor: Double = 1) {
        self.fixed = fixed
        self.linearFloor = linearFloor
        self.perToken = perToken
        self.perKVToken = perKVToken
        self.perPrefillPair = perPrefillPair
        self.perTokenComm = perTokenComm
        self.pipelineStages = pipelineStages
        self.speedFactor = speedFactor
    }

    /// Seconds one pipeline stage spends on a batch of the given shape.
    @inlinable
    package func stageTime(tokens t: Int, kvTokens k: Int, prefillPairs a: Double, sequences s: Int = 0) -> Double {
        let tokens = Double(t)
        var floor = linearFloor
        if experts > 0 { floor += expertRead * Self.expertsTouched(tokens: tokens, experts: experts, perToken: expertsPerToken) }
        return (fixed + perSequence * Double(s) + max(floor, perToken * tokens) + perKVToken * Double(k)
            + perPrefillPair * a + perTokenComm * tokens) * speedFactor
    }

    /// Expected distinct experts, of `experts`, that `tokens` tokens routed
    /// to `perToken` each (uniformly, without repeats) touch:
    /// E·(1 − (1 − k/E)^T).
    @inlinable
    package static func expertsTouched(tokens: Double, experts: Int, perToken: Int) -> Double {
        let e = Double(experts)
        guard tokens > 0 else { return 0 }
        return e * (1 - pow(1 - Double(min(perToken, experts)) / e, tokens))
    }

    /// Seconds for a batch to cross every pipeline stage (its latency when
    /// the pipeline is otherwise empty).
    @inlinable
    package func iterationTime(tokens t: Int, kvTokens k: Int, prefillPairs a: Double, sequences s: Int = 0) -> Double {
        stageTime(tokens: t, kvTokens: k, prefillPairs: a, sequences: s) * Double(pipelineStages)
    }

    /// Attention pairs of a prefill chunk of `chunk` tokens after `prior`
    /// tokens of context.
    @inlinable
    package static func prefillPairs(chunk: Int, prior: Int) -> Double {
        Double(chunk) * (Double(prior) + Double(chunk) / 2)
    }
}
