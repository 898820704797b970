/// How close a GPU family's serving stack comes to its datasheet: the
/// coefficients that turn roofline work (bytes moved, FLOPs) into seconds.
/// They depend on the GPU family and the serving engine, never on the
/// model: a model's profile comes from its config alone.
///
/// Fitted by `tools/fit_gpu_efficiency.sh` (which runs
/// `headroom bench fidelity --fit`) on measured vLLM runs; see
/// docs/profiles.md for the data, the residuals and what each family's
/// figures rest on.
package struct GPUEfficiency: Sendable, Equatable {
    /// Share of peak memory bandwidth reached reading the weights.
    package var bandwidth: Double
    /// Share of peak memory bandwidth decode attention reaches reading the
    /// KV cache (paged, scattered blocks: below the weights' streaming).
    package var kvBandwidth: Double
    /// Share of peak tensor throughput reached by the linear layers.
    package var compute: Double
    /// Share of peak tensor throughput reached by prefill attention.
    package var attention: Double
    /// Per-iteration CPU/scheduler time of the serving engine (s): scheduling,
    /// input preparation, sampling, output processing.
    package var overhead: Double
    /// Per-sequence CPU time of the serving engine per iteration (s).
    package var perSequence: Double
    /// Latency of one tensor-parallel all-reduce (s), paid twice per layer.
    package var allReduceLatency: Double
    /// Share of the GPU link's one-way bandwidth an all-reduce reaches.
    package var link: Double
    /// Seconds the serving front end adds to each request outside the
    /// engine (HTTP, tokenization, detokenization, streaming).
    package var requestOverhead: Double
    /// Whether these figures were fitted on this family (false: borrowed
    /// from another family, and the profile says so).
    package var fitted: Bool
    /// What they were fitted on.
    package var basis: String
    /// Longest sequence (prompt + output tokens) of the served requests the
    /// memory and overhead terms were fitted on: what a generated profile
    /// states as its fitted range (nil: not fitted on served requests).
    package var fittedSequenceTokens: Int?

    /// Coefficients.
    package init(bandwidth: Double, kvBandwidth: Double, compute: Double, attention: Double, overhead: Double, perSequence: Double, allReduceLatency: Double, link: Double,
                 requestOverhead: Double, fitted: Bool, basis: String, fittedSequenceTokens: Int? = nil) {
        self.bandwidth = bandwidth
        self.kvBandwidth = kvBandwidth
        self.compute = compute
        self.attention = attention
        self.overhead = overhead
        self.perSequence = perSequence
        self.allReduceLatency = allReduceLatency
        self.link = link
        self.requestOverhead = requestOverhead
        self.fitted = fitted
        self.basis = basis
        self.fittedSequenceTokens = fittedSequenceTokens
    }

    /// Hopper: fitted on the 12 vLLM runs on H100 SXM (data/ground-truth/vllm-h100).
    /// Their 15 stages not in overload served sequences of at most 1,039
    /// tokens (`roleplay`: prompts of 788 tokens as measured + 251-token
    /// outputs); the 2,500-token `reasoning` runs were in overload and left
    /// out of the fit.
    package static let hopper = GPUEfficiency(bandwidth: 0.8633, kvBandwidth: 0.8623, compute: 0.58, attention: 0.20, overhead: 0.00139,
                                              perSequence: 0.0000008, allReduceLatency: 0.0000246, link: 0.7, requestOverhead: 0.006849,
                                              fitted: true, basis: "fitted on 12 vLLM runs on H100 SXM (data/ground-truth/vllm-h100)",
                                              fittedSequenceTokens: 1039)

    /// The coefficients of `family`, and whether they were fitted on it.
    package static func of(_ family: GPUSpec.Family) -> GPUEfficiency {
        switch family {
        case .hopper:
            return hopper
        case .ampere, .ada, .blackwell, .cdna3:
            var borrowed = hopper
            borrowed.fitted = false
            borrowed.basis = "not fitted on \(family.rawValue) GPUs: Hopper's coefficients (\(hopper.basis)) applied to this GPU's datasheet"
            return borrowed
        }
    }
}
