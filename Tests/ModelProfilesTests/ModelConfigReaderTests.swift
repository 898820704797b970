import Foundation
import Testing
@testable import ModelProfiles

/// The config reader against known parameter counts of public models
/// (their model cards), and its refusals.
@Suite struct ModelConfigReaderTests {
    static func config(_ json: String) throws -> ModelArchitecture {
        try ModelConfigReader.parse(Data(json.utf8), file: "config.json")
    }

    static let llama2_7b = """
    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32,
     "num_attention_heads": 32, "num_key_value_heads": 32, "intermediate_size": 11008, "vocab_size": 32000,
     "tie_word_embeddings": false, "torch_dtype": "float16", "max_position_embeddings": 4096}
    """

    @Test func llama2_7bHas6_74BParameters() throws {
        let m = try Self.config(Self.llama2_7b)
        // Llama-2-7B: 6,738,415,616 parameters, of which 4,096·2 norms per layer and one final norm (266,240) are not counted here.
        #expect(abs(m.totalParameters - 6_738_415_616) < 300_000)
        #expect(m.kvElementsPerTokenPerLayer(perGPUOf: 1) == 2 * 32 * 128)
        #expect(m.weightPrecision == .fp16)
    }

    @Test func mixtralCountsAllExpertsButReadsTwoPerToken() throws {
        let m = try Self.config("""
        {"model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
         "intermediate_size": 14336, "vocab_size": 32000, "num_local_experts": 8, "num_experts_per_tok": 2, "torch_dtype": "bfloat16"}
        """)
        // Mixtral-8x7B: 46.7B parameters in all, 12.9B active per token (Mistral AI's announcement).
        #expect(abs(m.totalParameters / 1e9 - 46.7) < 0.1)
        #expect(abs((m.activeLayerParameters + 2 * m.embeddingParameters) / 1e9 - 12.9) < 0.1)
        #expect(m.moeLayers == 32)
    }

    @Test func nestedTextConfigAndFP8() throws {
        let m = try Self.config("""
        {"model_type": "llama4", "quantization_config": {"quant_method": "compressed-tensors",
          "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "float"}}}},
         "text_config": {"model_type": "llama4_text", "hidden_size": 5120, "num_hidden_layers": 48, "num_attention_heads": 40,
          "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 8192, "intermediate_size_mlp": 16384, "vocab_size": 202048,
          "num_local_experts": 16, "num_experts_per_tok": 1, "interleave_moe_layer_step": 1, "torch_dtype": "bfloat16"}}
        """)
        // Llama-4-Scout: 109B parameters in all, 17B active (Meta's model card).
        #expect(abs(m.totalParameters / 1e9 - 108.6) < 1.5)
        #expect(abs((m.activeLayerParameters + 2 * m.embeddingParameters) / 1e9 - 17) < 0.5)
        #expect(m.weightPrecision == .fp8)
    }

    @Test func latentAttentionCachesTheLatent() throws {
        let m = try Self.config("""
        {"model_type": "deepseek_v2", "hidden_size": 2048, "num_hidden_layers": 27, "num_attention_heads": 16, "num_key_value_heads": 16,
         "intermediate_size": 10944, "vocab_size": 102400, "num_experts_per_tok": 6, "moe_intermediate_size": 1408, "kv_lora_rank": 512,
         "q_lora_rank": null, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128, "n_routed_experts": 64,
         "n_shared_experts": 2, "first_k_dense_replace": 1, "moe_layer_freq": 1, "torch_dtype": "bfloat16"}
        """)
        // DeepSeek-V2-Lite: 15.7B parameters, 2.4B active (its model card).
        #expect(abs(m.totalParameters / 1e9 - 15.7) < 0.3)
        #expect(abs((m.activeLayerParameters + 2 * m.embeddingParameters) / 1e9 - 2.4) < 0.3)
        #expect(m.kvElementsPerTokenPerLayer(perGPUOf: 4) == 576)
        #expect(m.moeLayers == 26)
    }

    @Test func refusalsNameTheKey() {
        let cases: [(String, String)] = [
            (#"{"model_type": "gpt2", "hidden_size": 768}"#, "model_type"),
            (#"{"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32, "vocab_size": 32000, "intermediate_size": 1}"#, "num_hidden_layers"),
            (#"{"model_type": "llama", "hidden_size": "big", "num_hidden_layers": 2, "num_attention_heads": 32, "vocab_size": 3, "intermediate_size": 1}"#, "hidden_size"),
            (#"{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 2, "num_attention_heads": 32, "num_key_value_heads": 5, "vocab_size": 3, "intermediate_size": 1}"#, "num_key_value_heads"),
            (#"{"model_type": "llama", "quantization_config": {"quant_method": "awq"}, "hidden_size": 4096, "num_hidden_layers": 2, "num_attention_heads": 32, "vocab_size": 3, "intermediate_size": 1}"#, "quantization_config.quant_method"),
            (#"[1, 2]"#, ""),
            (#"{"text_config": 3}"#, "text_config"),
        ]
        for (json, key) in cases {
            do {
                _ = try Self.config(json)
                Issue.record("accepted \(json)")
            } catch let e as ModelProfileError {
                #expect((e.key ?? "") == key, "\(e)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
