/// The shape of a transformer as it matters for serving cost: the tensors a
/// forward pass multiplies and reads, and the KV cache it keeps per token.
/// Built from a Hugging Face `config.json` by ``ModelConfigReader``.
///
/// Counts are of elements (parameters), not bytes; ``ModelPrecision`` says
/// how many bytes each takes.
package struct ModelArchitecture: Sendable, Equatable {
    /// The attention of one layer.
    package enum Attention: Sendable, Equatable {
        /// Multi-head or grouped-query attention: `heads` query heads,
        /// `kvHeads` key/value heads, each `headDim` wide.
        case grouped(heads: Int, kvHeads: Int, headDim: Int)
        /// DeepSeek's multi-head latent attention: the cache keeps one
        /// compressed latent (`kvLoraRank`) and the rotary key
        /// (`ropeHeadDim`) per token per layer, shared by all heads.
        case latent(heads: Int, qLoraRank: Int?, kvLoraRank: Int, nopeHeadDim: Int, ropeHeadDim: Int, vHeadDim: Int)
    }

    /// A mixture-of-experts feed-forward block.
    package struct Experts: Sendable, Equatable {
        /// Routed experts per MoE layer.
        package var count: Int
        /// Experts each token is routed to.
        package var perToken: Int
        /// Intermediate width of one routed expert.
        package var intermediate: Int
        /// Total intermediate width of the always-active shared experts (0: none).
        package var sharedIntermediate: Int
        /// An expert block.
        package init(count: Int, perToken: Int, intermediate: Int, sharedIntermediate: Int) {
            self.count = count
            self.perToken = perToken
            self.intermediate = intermediate
            self.sharedIntermediate = sharedIntermediate
        }
    }

    /// `model_type` as the config gives it (e.g. `llama`, `mixtral`).
    package var modelType: String
    /// Decoder layers.
    package var layers: Int
    /// Hidden (model) width.
    package var hidden: Int
    /// Vocabulary size.
    package var vocabulary: Int
    /// Whether the LM head shares the embedding matrix.
    package var tiedEmbeddings: Bool
    /// Attention, the same in every layer.
    package var attention: Attention
    /// Intermediate width of a dense (gated) MLP layer.
    package var denseIntermediate: Int
    /// Layers whose feed-forward block is a mixture of experts (0: dense model).
    package var moeLayers: Int
    /// The experts of an MoE layer (nil: dense model).
    package var experts: Experts?
    /// Layers with sliding-window attention and their window (tokens); 0
    /// layers: none.
    package var slidingLayers: Int
    /// The sliding window (tokens), when ``slidingLayers`` > 0.
    package var slidingWindow: Int
    /// Longest context the model was trained for (`max_position_embeddings`).
    package var maxPositions: Int?
    /// The precision the checkpoint's weights are stored in.
    package var weightPrecision: ModelPrecision

    /// An architecture.
    package init(modelType: String, layers: Int, hidden: Int, vocabulary: Int, tiedEmbeddings: Bool, attention: Attention,
                 denseIntermediate: Int, moeLayers: Int, experts: Experts?, slidingLayers: Int, slidingWindow: Int,
                 maxPositions: Int?, weightPrecision: ModelPrecision) {
        self.modelType = modelType
        self.layers = layers
        self.hidden = hidden
        self.vocabulary = vocabulary
        self.tiedEmbeddings = tiedEmbeddings
        self.attention = attention
        self.denseIntermediate = denseIntermediate
        self.moeLayers = moeLayers
        self.experts = experts
        self.slidingLayers = slidingLayers
        self.slidingWindow = slidingWindow
        self.maxPositions = maxPositions
        self.weightPrecision = weightPrecision
    }

    /// Layers with a dense MLP.
    package var denseLayers: Int { layers - moeLayers }

    /// Query heads.
    package var heads: Int {
        switch attention {
        case .grouped(let h, _, _): return h
        case .latent(let h, _, _, _, _, _): return h
        }
    }

    /// Parameters of one layer's attention projections.
    package var attentionParameters: Double {
        let d = Double(hidden)
        switch attention {
        case .grouped(let h, let kv, let hd):
            return d * Double(h * hd) * 2 + d * Double(kv * hd) * 2
        case .latent(let h, let qRank, let kvRank, let nope, let rope, let v):
            let q = qRank.map { d * Double($0) + Double($0) * Double(h * (nope + rope)) } ?? d * Double(h * (nope + rope))
            let kvA = d * Double(kvRank + rope)
            let kvB = Double(kvRank) * Double(h * (nope + v))
            let o = Double(h * v) * d
            return q + kvA + kvB + o
        }
    }

    /// Parameters of one gated MLP of intermediate width `n` (gate, up, down).
    package func mlpParameters(intermediate n: Int) -> Double { 3 * Double(hidden) * Double(n) }

    /// Parameters of one routed expert.
    package var expertParameters: Double { experts.map { mlpParameters(intermediate: $0.intermediate) } ?? 0 }

    /// Parameters every token passes through in the decoder layers: the
    /// attention, the dense MLPs, and in MoE layers the router, the shared
    /// experts and `perToken` routed experts.
    package var activeLayerParameters: Double {
        var p = Double(layers) * attentionParameters + Double(denseLayers) * mlpParameters(intermediate: denseIntermediate)
        if let e = experts {
            p += Double(moeLayers) * (Double(hidden) * Double(e.count) + mlpParameters(intermediate: e.sharedIntermediate)
                + Double(e.perToken) * expertParameters)
        }
        return p
    }

    /// Parameters of the decoder layers that are read whatever the batch
    /// routes (all but the routed experts).
    package var alwaysReadLayerParameters: Double {
        activeLayerParameters - Double(moeLayers) * Double(experts?.perToken ?? 0) * expertParameters
    }

    /// All routed experts' parameters.
    package var routedExpertParameters: Double { Double(moeLayers) * Double(experts?.count ?? 0) * expertParameters }

    /// Embedding matrix parameters (vocabulary × hidden); the LM head has as
    /// many, shared when tied.
    package var embeddingParameters: Double { Double(vocabulary) * Double(hidden) }

    /// Every parameter of the checkpoint's language model.
    package var totalParameters: Double {
        alwaysReadLayerParameters + routedExpertParameters + embeddingParameters * (tiedEmbeddings ? 1 : 2)
    }

    /// KV-cache elements one token keeps in one full-attention layer, over
    /// all GPUs of a tensor-parallel group of `tp` (key/value heads split
    /// across GPUs; fewer heads than GPUs are replicated, as vLLM does; the
    /// latent cache of MLA is replicated on every GPU).
    package func kvElementsPerTokenPerLayer(perGPUOf tp: Int) -> Double {
        switch attention {
        case .grouped(_, let kv, let hd):
            let perGPU = max(1, kv / tp)
            return Double(2 * perGPU * hd)
        case .latent(_, _, let kvRank, _, let rope, _):
            return Double(kvRank + rope)
        }
    }
}
