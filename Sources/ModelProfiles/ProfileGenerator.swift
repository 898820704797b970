import Foundation
import ServingModel

/// Generates a hardware profile for a model on a GPU from roofline terms:
/// the bytes and FLOPs of each part of a forward pass, divided by the GPU's
/// datasheet rates and its family's fitted efficiencies (``GPUEfficiency``).
///
/// Per pipeline stage (layers split evenly), with W the bytes of the
/// weights every step reads, P the active parameters per token, B the
/// memory bandwidth, F the tensor throughput and η each efficiency:
///
///     linear_floor     = W / (B·η_bw)                 weights read once per step
///     per_token        = 2·P / (F·η_compute)          linear layers, per batched token
///     per_kv_token     = kv bytes per token / (B·η_kv)   decode attention reads the cache
///     per_prefill_pair = 2·(d_qk + d_v)·heads·layers / (F_bf16·η_attention)
///     per_token_comm   = 2 all-reduces per layer of hidden·2 bytes, ring cost 2(tp−1)/tp, over link·η_link
///     fixed            = engine overhead + 2·layers·all-reduce latency (tp > 1)
///     per_sequence     = the engine's CPU time per sequence in the batch
///     moe              = one expert's bytes in every MoE layer / (B·η_bw), read per distinct expert touched
///
/// KV capacity follows vLLM's `determine_available_memory`: device memory ×
/// `gpu_memory_utilization` minus the weights, the activation peak of a
/// `max_num_batched_tokens` forward pass and the sampler's logits, and
/// 1 GiB of non-torch memory (NCCL and cuBLAS buffers, CUDA graphs),
/// rounded down to whole blocks.
package enum ProfileGenerator {
    /// What to generate.
    package struct Settings: Sendable, Equatable {
        /// Tensor-parallel GPUs.
        package var tensorParallel = 1
        /// Pipeline stages.
        package var pipelineParallel = 1
        /// Weight precision (nil: the checkpoint's).
        package var dtype: ModelPrecision?
        /// vLLM `--gpu-memory-utilization`.
        package var gpuMemoryUtilization = 0.9
        /// vLLM `--max-num-seqs`.
        package var maxNumSeqs = 256
        /// vLLM `--max-num-batched-tokens`.
        package var maxNumBatchedTokens = 8192
        /// vLLM `--block-size`.
        package var blockSize = 16
        /// vLLM `--max-model-len` (nil: the model's `max_position_embeddings`).
        package var maxModelLength: Int?
        /// Price of one GPU-hour (nil: the catalogue's).
        package var pricePerGPUHour: Double?
        /// Settings with vLLM's defaults.
        package init() {}
    }

    /// A generated profile with the figures behind it.
    package struct Result: Sendable, Equatable {
        /// The profile.
        package var profile: HardwareProfile
        /// Weights held by one GPU (bytes).
        package var weightBytesPerGPU: Double
        /// Memory left for the KV cache on one GPU (bytes).
        package var kvBytesPerGPU: Double
        /// KV-cache bytes one token takes on one GPU.
        package var kvBytesPerToken: Double
        /// The activation and runtime reserve (bytes per GPU).
        package var reserveBytesPerGPU: Double
        /// The assumptions a user should know, one sentence each.
        package var notes: [String]
    }

    /// Generates the profile of `model` (named `modelName`) on `gpu`.
    package static func generate(model: ModelArchitecture, modelName: String, gpu: GPUSpec, settings s: Settings,
                                 efficiency: GPUEfficiency? = nil) throws -> Result {
        let eff = efficiency ?? GPUEfficiency.of(gpu.family)
        var notes: [String] = []
        let tp = s.tensorParallel, pp = s.pipelineParallel
        guard (1...64).contains(tp) else { throw ModelProfileError(file: "", key: "--tp", "\(tp) is outside 1...64") }
        guard (1...64).contains(pp) else { throw ModelProfileError(file: "", key: "--pp", "\(pp) is outside 1...64") }
        guard model.heads % tp == 0 else {
            throw ModelProfileError(file: "", key: "--tp", "\(tp) does not divide the model's \(model.heads) attention heads (vLLM requires it)")
        }
        guard model.layers >= pp else {
            throw ModelProfileError(file: "", key: "--pp", "\(pp) stages for \(model.layers) layers")
        }
        guard s.gpuMemoryUtilization > 0, s.gpuMemoryUtilization <= 1 else {
            throw ModelProfileError(file: "", key: "--gpu-memory-utilization", "\(s.gpuMemoryUtilization) is outside (0, 1]")
        }
        guard (1...65_536).contains(s.maxNumSeqs) else { throw ModelProfileError(file: "", key: "--max-num-seqs", "\(s.maxNumSeqs) is outside 1...65536") }
        guard (1...10_000_000).contains(s.maxNumBatchedTokens) else {
            throw ModelProfileError(file: "", key: "--max-num-batched-tokens", "\(s.maxNumBatchedTokens) is outside 1...10000000")
        }
        guard [1, 8, 16, 32, 64, 128].contains(s.blockSize) else {
            throw ModelProfileError(file: "", key: "--block-size", "\(s.blockSize) is not one of vLLM's block sizes 1, 8, 16, 32, 64, 128")
        }
        let precision = s.dtype ?? model.weightPrecision
        if precision == .fp8, gpu.fp8FLOPS == nil {
            notes.append("\(gpu.displayName) has no FP8 tensor cores: FP8 weights are read at 1 byte and computed in BF16 (weight-only, as vLLM's Marlin kernels do)")
        }
        let wBytes = precision.bytes
        // The KV cache and activations stay 16-bit (vLLM's default kv_cache_dtype "auto" follows the model dtype; FP8 checkpoints keep BF16 activations).
        let kvBytes = model.weightPrecision == .fp32 ? 4.0 : 2.0
        let actBytes = 2.0
        let layersPerStage = Double(model.layers) / Double(pp)
        let stageShare = 1 / Double(pp)
        let bw = gpu.memoryBandwidth * eff.bandwidth
        let flops = gpu.flops(for: precision) * eff.compute
        let attnFlops = gpu.bf16FLOPS * eff.attention

        // Weights read every step: all but the routed experts, plus the LM head.
        let lmHead = model.embeddingParameters
        let alwaysRead = (model.alwaysReadLayerParameters + lmHead) * stageShare * wBytes / Double(tp)
        let linearFloor = alwaysRead / bw
        let perToken = 2 * model.activeLayerParameters * stageShare / Double(tp) / flops

        // KV cache: full-attention layers keep every token; sliding-window
        // layers at most the window, charged here at the share of a
        // max-length context they keep.
        let maxLen = s.maxModelLength ?? model.maxPositions ?? 4096
        let slidingShare = model.slidingLayers > 0 ? min(1, Double(model.slidingWindow) / Double(maxLen)) : 1
        if model.slidingLayers > 0 {
            notes.append("\(model.slidingLayers) sliding-window layers (window \(model.slidingWindow)) are charged \(Self.percent(slidingShare)) of a full layer's KV cache and reads (the window's share of max_model_len \(maxLen))")
        }
        let effectiveLayers = Double(model.layers - model.slidingLayers) + Double(model.slidingLayers) * slidingShare
        let kvPerTokenPerGPU = model.kvElementsPerTokenPerLayer(perGPUOf: tp) * effectiveLayers * stageShare * kvBytes
        let perKVToken = kvPerTokenPerGPU / (gpu.memoryBandwidth * eff.kvBandwidth)

        let pairFlops: Double
        switch model.attention {
        case .grouped(let h, _, let hd):
            pairFlops = 4 * Double(h * hd)
        case .latent(let h, _, let rank, let nope, let rope, let v):
            // Prefill runs MLA unabsorbed: q·k over nope+rope, p·v over v.
            pairFlops = 2 * Double(h) * Double(nope + rope + v)
            _ = rank
        }
        let perPair = pairFlops * layersPerStage / Double(tp) / attnFlops

        var perTokenComm = 0.0, fixed = eff.overhead
        if tp > 1 {
            let ring = 2 * Double(tp - 1) / Double(tp)
            perTokenComm = 2 * layersPerStage * Double(model.hidden) * actBytes * ring / (gpu.linkBandwidth * eff.link)
            fixed += 2 * layersPerStage * eff.allReduceLatency
        }
        var iteration = IterationTimeModel(fixed: fixed, linearFloor: linearFloor, perToken: perToken, perKVToken: perKVToken,
                                           perPrefillPair: perPair, perTokenComm: perTokenComm, pipelineStages: pp)
        iteration.perSequence = eff.perSequence
        if let e = model.experts, model.moeLayers > 0 {
            iteration.experts = e.count
            iteration.expertsPerToken = e.perToken
            iteration.expertRead = model.expertParameters * Double(model.moeLayers) * stageShare * wBytes / Double(tp) / bw
            notes.append("MoE: \(e.count) experts, \(e.perToken) per token; a batch of T tokens reads E·(1−(1−k/E)^T) experts' weights, assuming uniform routing")
        }
        if case .latent = model.attention, model.modelType == "glm_moe_dsa" {
            notes.append("DeepSeek sparse attention is modelled as dense latent attention (an upper bound on attention time)")
        }

        // Memory, as vLLM's profiling run measures it.
        let weightsPerGPU = model.totalParameters * wBytes / Double(tp * pp)
        let intermediate = max(Double(model.denseIntermediate), Double((model.experts?.intermediate ?? 0) * (model.experts?.perToken ?? 0)))
        let activations = Double(s.maxNumBatchedTokens) * (4 * Double(model.hidden) + 2 * intermediate / Double(tp)) * actBytes
        let logits = Double(s.maxNumSeqs) * Double(model.vocabulary) * 4 * 2
        let reserve = activations + logits + 1_073_741_824
        let available = gpu.usableMemoryBytes * s.gpuMemoryUtilization - weightsPerGPU - reserve
        guard available > 0 else {
            throw ModelProfileError(file: "", key: "--tp", "the weights need \(Self.gib(weightsPerGPU)) GiB per GPU and the runtime \(Self.gib(reserve)) GiB, "
                                    + "more than the \(Self.gib(gpu.usableMemoryBytes * s.gpuMemoryUtilization)) GiB of \(gpu.displayName) × \(s.gpuMemoryUtilization): "
                                    + "use more GPUs (--tp/--pp) or FP8 weights")
        }
        let blocks = (available / (kvPerTokenPerGPU * Double(s.blockSize))).rounded(.down)
        let kvTokens = Int(min(blocks * Double(s.blockSize), 1e9))
        guard kvTokens >= maxLen else {
            throw ModelProfileError(file: "", key: "--max-model-len",
                                    "the KV cache holds \(kvTokens) tokens, fewer than max_model_len \(maxLen): vLLM refuses to start; lower --max-model-len, raise --gpu-memory-utilization or use more GPUs")
        }
        if !eff.fitted { notes.append(eff.basis) }
        let name = "\(modelName)-\(gpu.name)-tp\(tp)" + (pp > 1 ? "-pp\(pp)" : "") + (s.dtype == .fp8 && model.weightPrecision != .fp8 ? "-fp8" : "")
        var profile = HardwareProfile(name: name, gpu: gpu.displayName, model: modelName, tensorParallel: tp, pipelineParallel: pp,
                                      gpusPerReplica: tp * pp, pricePerGPUHour: s.pricePerGPUHour ?? gpu.pricePerHour,
                                      kvCacheTokens: kvTokens, kvBlockSize: s.blockSize, maxModelLength: maxLen, iteration: iteration)
        profile.requestOverhead = eff.requestOverhead
        profile.weightPrecision = precision.rawValue
        profile.fittedSequenceTokens = eff.fittedSequenceTokens
        return Result(profile: profile, weightBytesPerGPU: weightsPerGPU, kvBytesPerGPU: available, kvBytesPerToken: kvPerTokenPerGPU,
                      reserveBytesPerGPU: reserve, notes: notes)
    }

    /// Bytes as GiB with one decimal.
    package static func gib(_ bytes: Double) -> String { String(format: "%.1f", bytes / 1_073_741_824) }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
}
