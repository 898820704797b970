import Foundation

/// Reads a Hugging Face `config.json` into a ``ModelArchitecture``.
///
/// Understood: dense multi-head and grouped-query models (`llama`,
/// `mistral`, `qwen2`, `qwen3`, `gemma`, `gemma2`, `granite`, `olmo2`),
/// mixtures of experts (`mixtral`, `qwen2_moe`, `qwen3_moe`,
/// `llama4_text`), multi-head latent attention with experts (`deepseek_v2`,
/// `deepseek_v3`, `kimi_k2`, `glm_moe_dsa`), sliding-window layers
/// (`sliding_window`, `use_sliding_window`, `layer_types`), a nested
/// `text_config` (multimodal wrappers such as `llama4`), tied embeddings,
/// and FP8 checkpoints (`quantization_config` of method `fp8`, or
/// `compressed-tensors` with 8-bit float weights). Anything else that
/// changes the cost of a forward pass is refused with the key that says so.
package enum ModelConfigReader {
    /// Model types read as dense gated-MLP transformers.
    static let dense: Set<String> = ["llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "granite", "olmo2"]
    /// Model types read as mixtures of experts with grouped-query attention.
    static let moe: Set<String> = ["mixtral", "qwen2_moe", "qwen3_moe", "llama4_text"]
    /// Model types read as latent attention with experts.
    static let latent: Set<String> = ["deepseek_v2", "deepseek_v3", "kimi_k2", "glm_moe_dsa"]

    /// Every model type understood.
    package static var supportedTypes: [String] { (dense.union(moe).union(latent)).sorted() }

    /// Reads `path`.
    package static func read(path: String) throws -> ModelArchitecture {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelProfileError(file: path, key: nil, "cannot read the model config: \(error.localizedDescription)")
        }
        return try parse(data, file: path)
    }

    /// Parses the text of a config; `file` names it in errors.
    package static func parse(_ data: Data, file: String) throws -> ModelArchitecture {
        guard data.count <= 16 << 20 else {
            throw ModelProfileError(file: file, key: nil, "is \(data.count) bytes; a config.json is at most 16 MiB")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ModelProfileError(file: file, key: nil, "not valid JSON: \(error.localizedDescription)")
        }
        guard let top = object as? [String: Any] else {
            throw ModelProfileError(file: file, key: nil, "expected a JSON object (a Hugging Face config.json)")
        }
        var fields = ConfigFields(values: top, file: file, prefix: "")
        // Multimodal wrappers keep the language model in `text_config`.
        if let text = top["text_config"] {
            guard let nested = text as? [String: Any] else {
                throw ModelProfileError(file: file, key: "text_config", "expected an object")
            }
            fields = ConfigFields(values: nested, file: file, prefix: "text_config.")
        }
        let quantization = try weightQuantization(top, file: file)
        return try architecture(fields, quantization: quantization, topDType: top["torch_dtype"] ?? top["dtype"])
    }

    static func architecture(_ f: ConfigFields, quantization: ModelPrecision?, topDType: Any?) throws -> ModelArchitecture {
        let type = try f.string("model_type")
        let known = dense.union(moe).union(latent)
        guard known.contains(type) else {
            throw ModelProfileError(file: f.file, key: f.prefix + "model_type",
                                    "'\(type)' is not an architecture Headroom can model; supported: \(supportedTypes.joined(separator: ", "))")
        }
        let layers = try f.int("num_hidden_layers", 1...4096)
        let hidden = try f.int("hidden_size", 1...1_000_000)
        let vocabulary = try f.int("vocab_size", 1...100_000_000)
        let heads = try f.int("num_attention_heads", 1...100_000)
        let tied = try f.bool("tie_word_embeddings") ?? false
        let maxPositions = try f.optionalInt("max_position_embeddings", 1...1_000_000_000)

        var precision = ModelPrecision.bf16
        let dtypeValue = f.values["torch_dtype"] ?? f.values["dtype"] ?? topDType
        if let dtypeValue {
            guard let name = dtypeValue as? String else {
                throw ModelProfileError(file: f.file, key: f.prefix + "torch_dtype", "expected a string such as \"bfloat16\"")
            }
            switch name {
            case "bfloat16": precision = .bf16
            case "float16": precision = .fp16
            case "float32": precision = .fp32
            default:
                throw ModelProfileError(file: f.file, key: f.prefix + "torch_dtype", "'\(name)' is not bfloat16, float16 or float32")
            }
        }
        if let quantization { precision = quantization }

        let attention: ModelArchitecture.Attention
        if latent.contains(type) {
            let kvRank = try f.int("kv_lora_rank", 1...100_000)
            let qRank = try f.optionalInt("q_lora_rank", 1...100_000)
            let nope = try f.int("qk_nope_head_dim", 0...100_000)
            let rope = try f.int("qk_rope_head_dim", 0...100_000)
            let v = try f.int("v_head_dim", 1...100_000)
            attention = .latent(heads: heads, qLoraRank: qRank, kvLoraRank: kvRank, nopeHeadDim: nope, ropeHeadDim: rope, vHeadDim: v)
        } else {
            let kvHeads = try f.optionalInt("num_key_value_heads", 1...100_000) ?? heads
            guard heads % kvHeads == 0 else {
                throw ModelProfileError(file: f.file, key: f.prefix + "num_key_value_heads",
                                        "\(kvHeads) does not divide num_attention_heads \(heads)")
            }
            let headDim = try f.optionalInt("head_dim", 1...100_000) ?? hidden / heads
            attention = .grouped(heads: heads, kvHeads: kvHeads, headDim: headDim)
        }

        var denseIntermediate = try f.optionalInt("intermediate_size", 1...10_000_000) ?? 0
        var moeLayers = 0
        var experts: ModelArchitecture.Experts?
        switch type {
        case "mixtral":
            let count = try f.int("num_local_experts", 1...100_000)
            let k = try f.int("num_experts_per_tok", 1...count)
            experts = .init(count: count, perToken: k, intermediate: try f.int("intermediate_size", 1...10_000_000), sharedIntermediate: 0)
            moeLayers = layers
            denseIntermediate = 0
        case "qwen2_moe", "qwen3_moe":
            let count = try f.int("num_experts", 1...100_000)
            let k = try f.int("num_experts_per_tok", 1...count)
            let shared = try f.optionalInt("shared_expert_intermediate_size", 0...10_000_000) ?? 0
            experts = .init(count: count, perToken: k, intermediate: try f.int("moe_intermediate_size", 1...10_000_000), sharedIntermediate: shared)
            let step = try f.optionalInt("decoder_sparse_step", 1...4096) ?? 1
            let mlpOnly = try f.intList("mlp_only_layers")
            moeLayers = (0..<layers).filter { ($0 + 1) % step == 0 && !mlpOnly.contains($0) }.count
        case "llama4_text":
            let count = try f.int("num_local_experts", 1...100_000)
            let k = try f.int("num_experts_per_tok", 1...count)
            let width = try f.int("intermediate_size", 1...10_000_000)
            // Llama 4: each MoE layer adds one shared expert as wide as a
            // routed one; dense layers use intermediate_size_mlp.
            experts = .init(count: count, perToken: k, intermediate: width, sharedIntermediate: width)
            denseIntermediate = try f.optionalInt("intermediate_size_mlp", 1...10_000_000) ?? width
            let step = try f.optionalInt("interleave_moe_layer_step", 1...4096) ?? 1
            moeLayers = (0..<layers).filter { ($0 + 1) % step == 0 }.count
        case _ where latent.contains(type):
            let count = try f.int("n_routed_experts", 1...100_000)
            let k = try f.int("num_experts_per_tok", 1...count)
            let width = try f.int("moe_intermediate_size", 1...10_000_000)
            let shared = try f.optionalInt("n_shared_experts", 0...1024) ?? 0
            experts = .init(count: count, perToken: k, intermediate: width, sharedIntermediate: shared * width)
            let firstDense = try f.optionalInt("first_k_dense_replace", 0...layers) ?? 0
            let freq = try f.optionalInt("moe_layer_freq", 1...4096) ?? 1
            moeLayers = (firstDense..<layers).filter { $0 % freq == 0 }.count
        default:
            guard denseIntermediate > 0 else {
                throw ModelProfileError(file: f.file, key: f.prefix + "intermediate_size", "missing; a dense model needs its MLP width")
            }
        }
        if moeLayers < layers, denseIntermediate == 0 {
            throw ModelProfileError(file: f.file, key: f.prefix + "intermediate_size", "missing; the model's dense layers need their MLP width")
        }

        // Sliding windows: Mistral/Qwen style (one window for every layer,
        // unless use_sliding_window is false), or per-layer `layer_types`.
        var slidingLayers = 0, window = 0
        let useSliding = try f.bool("use_sliding_window") ?? true
        if let w = try f.optionalInt("sliding_window", 1...1_000_000_000), useSliding {
            window = w
            if let types = f.values["layer_types"] {
                guard let list = types as? [String] else {
                    throw ModelProfileError(file: f.file, key: f.prefix + "layer_types", "expected a list of strings")
                }
                for (i, t) in list.enumerated() {
                    switch t {
                    case "sliding_attention": slidingLayers += 1
                    case "full_attention": break
                    default:
                        throw ModelProfileError(file: f.file, key: f.prefix + "layer_types[\(i)]",
                                                "'\(t)' is neither full_attention nor sliding_attention")
                    }
                }
            } else if let maxWindow = try f.optionalInt("max_window_layers", 0...4096), type.hasPrefix("qwen") {
                // Qwen: layers from max_window_layers on use the window.
                slidingLayers = max(0, layers - maxWindow)
            } else {
                slidingLayers = layers
            }
        }
        if let maxPositions, window >= maxPositions { slidingLayers = 0 }
        return ModelArchitecture(modelType: type, layers: layers, hidden: hidden, vocabulary: vocabulary, tiedEmbeddings: tied,
                                 attention: attention, denseIntermediate: denseIntermediate, moeLayers: moeLayers, experts: experts,
                                 slidingLayers: slidingLayers, slidingWindow: slidingLayers > 0 ? window : 0,
                                 maxPositions: maxPositions, weightPrecision: precision)
    }

    /// The precision of a quantised checkpoint's weights (nil: not quantised).
    static func weightQuantization(_ top: [String: Any], file: String) throws -> ModelPrecision? {
        guard let q = top["quantization_config"] else { return nil }
        guard let config = q as? [String: Any] else {
            throw ModelProfileError(file: file, key: "quantization_config", "expected an object")
        }
        let method = config["quant_method"] as? String ?? ""
        switch method {
        case "fp8":
            return .fp8
        case "compressed-tensors":
            // FP8 "float-quantized" checkpoints (llm-compressor): 8-bit float weights.
            if let groups = config["config_groups"] as? [String: Any] {
                for (name, value) in groups.sorted(by: { $0.key < $1.key }) {
                    guard let group = value as? [String: Any], let weights = group["weights"] as? [String: Any] else { continue }
                    let bits = weights["num_bits"] as? Int
                    let type = weights["type"] as? String
                    guard bits == 8, type == "float" else {
                        throw ModelProfileError(file: file, key: "quantization_config.config_groups.\(name).weights",
                                                "\(bits.map(String.init) ?? "?")-bit \(type ?? "?") weights are not modelled; only 8-bit float (FP8) checkpoints are")
                    }
                }
                return .fp8
            }
            throw ModelProfileError(file: file, key: "quantization_config.config_groups", "missing; cannot tell the weights' precision")
        default:
            throw ModelProfileError(file: file, key: "quantization_config.quant_method",
                                    "'\(method)' is not modelled; only FP8 checkpoints (fp8, or compressed-tensors with 8-bit float weights) are")
        }
    }
}

/// Typed access to one JSON object of a config, naming keys in errors.
struct ConfigFields {
    let values: [String: Any]
    let file: String
    let prefix: String

    func string(_ key: String) throws -> String {
        guard let v = values[key] else { throw ModelProfileError(file: file, key: prefix + key, "missing") }
        guard let s = v as? String else { throw ModelProfileError(file: file, key: prefix + key, "expected a string") }
        return s
    }

    func optionalInt(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, !Self.isBoolean(n), n.doubleValue == n.doubleValue.rounded(),
              let i = Int(exactly: n.doubleValue) else {
            throw ModelProfileError(file: file, key: prefix + key, "expected a whole number, got \(v)")
        }
        guard range.contains(i) else {
            throw ModelProfileError(file: file, key: prefix + key, "\(i) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }

    func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let i = try optionalInt(key, range) else { throw ModelProfileError(file: file, key: prefix + key, "missing") }
        return i
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, Self.isBoolean(n) else {
            throw ModelProfileError(file: file, key: prefix + key, "expected true or false")
        }
        return n.boolValue
    }

    /// Whether JSONSerialization read `true`/`false` (an NSNumber of C type `char`).
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    func intList(_ key: String) throws -> Set<Int> {
        guard let v = values[key], !(v is NSNull) else { return [] }
        guard let list = v as? [NSNumber] else { throw ModelProfileError(file: file, key: prefix + key, "expected a list of layer numbers") }
        return Set(list.map { $0.intValue })
    }
}
