import Foundation
import Testing
import ServingModel
@testable import ModelProfiles

/// Generated profiles against hand-computed roofline figures and vLLM's
/// memory arithmetic, and their refusals.
@Suite struct ProfileGeneratorTests {
    static let llama7b = try! ModelConfigReader.parse(Data(ModelConfigReaderTests.llama2_7b.utf8), file: "llama-2-7b-hf.json")
    static let unit = GPUEfficiency(bandwidth: 1, kvBandwidth: 1, compute: 1, attention: 1, overhead: 0, perSequence: 0, allReduceLatency: 0, link: 1,
                                    requestOverhead: 0, fitted: true, basis: "peak")

    static func settings(tp: Int = 1, seqs: Int = 128, batched: Int = 2048, maxLen: Int = 4096) -> ProfileGenerator.Settings {
        var s = ProfileGenerator.Settings()
        s.tensorParallel = tp
        s.maxNumSeqs = seqs
        s.maxNumBatchedTokens = batched
        s.maxModelLength = maxLen
        return s
    }

    @Test func decodeStepAtPeakIsTheWeightsOverTheBandwidth() throws {
        let gpu = try GPUCatalog.named("h100-sxm")
        let r = try ProfileGenerator.generate(model: Self.llama7b, modelName: "llama", gpu: gpu, settings: Self.settings(), efficiency: Self.unit)
        let it = r.profile.iteration
        // Layers + LM head, fp16: (6.738e9 − 32000·4096) × 2 bytes over 3.35 TB/s.
        let weights = (Self.llama7b.alwaysReadLayerParameters + Self.llama7b.embeddingParameters) * 2
        #expect(abs(it.linearFloor - weights / 3.35e12) < 1e-12)
        #expect(abs(it.linearFloor - 0.00394) < 0.00005)
        // 2 FLOPs per active parameter per token at 989.5 TFLOPS.
        #expect(abs(it.perToken - 2 * Self.llama7b.activeLayerParameters / 989.5e12) < 1e-15)
        // K and V, 32 heads × 128, 32 layers, 2 bytes: 512 KiB per token.
        #expect(r.kvBytesPerToken == 524_288)
        #expect(abs(it.perKVToken - 524_288 / 3.35e12) < 1e-15)
        // One (query, key) pair: 4 FLOPs per head dimension per layer.
        #expect(abs(it.perPrefillPair - 4 * 4096 * 32 / 989.5e12) < 1e-18)
        #expect(it.perTokenComm == 0 && it.fixed == 0)
    }

    @Test func kvCapacityFollowsVLLMsArithmetic() throws {
        let gpu = try GPUCatalog.named("h100-sxm")
        let r = try ProfileGenerator.generate(model: Self.llama7b, modelName: "llama", gpu: gpu, settings: Self.settings(), efficiency: Self.unit)
        let usable: Double = 80 * 0.99 * 1_073_741_824 * 0.9
        let weights = Self.llama7b.totalParameters * 2
        let activations: Double = 2048 * (4 * 4096 + 2 * 11008) * 2
        let logits: Double = 128 * 32000 * 8
        let reserve: Double = activations + logits + 1_073_741_824
        let blocks = ((usable - weights - reserve) / (524_288 * 16)).rounded(.down)
        #expect(r.profile.kvCacheTokens == Int(blocks) * 16)
        #expect(r.profile.kvCacheTokens > 110_000 && r.profile.kvCacheTokens < 125_000)
        #expect(r.profile.maxModelLength == 4096)
    }

    @Test func tensorParallelSplitsWeightsAndAddsAllReduces() throws {
        let gpu = try GPUCatalog.named("h100-sxm")
        var e = Self.unit
        e.allReduceLatency = 0.00001
        let one = try ProfileGenerator.generate(model: Self.llama7b, modelName: "l", gpu: gpu, settings: Self.settings(tp: 1), efficiency: e)
        let four = try ProfileGenerator.generate(model: Self.llama7b, modelName: "l", gpu: gpu, settings: Self.settings(tp: 4), efficiency: e)
        #expect(abs(four.profile.iteration.linearFloor * 4 - one.profile.iteration.linearFloor) < 1e-12)
        // 2 all-reduces per layer.
        #expect(abs(four.profile.iteration.fixed - 64 * 0.00001) < 1e-12)
        // Ring all-reduce of hidden × 2 bytes per token: 2·(tp−1)/tp of it crosses the link, twice per layer.
        #expect(abs(four.profile.iteration.perTokenComm - 2 * 32 * 4096 * 2 * 1.5 / 450e9) < 1e-15)
        #expect(four.profile.gpusPerReplica == 4)
        #expect(four.profile.kvCacheTokens > 4 * one.profile.kvCacheTokens)
    }

    @Test func expertsTouchedGrowFromKToE() {
        #expect(abs(IterationTimeModel.expertsTouched(tokens: 1, experts: 8, perToken: 2) - 2) < 1e-12)
        #expect(abs(IterationTimeModel.expertsTouched(tokens: 2, experts: 8, perToken: 2) - 8 * (1 - 0.5625)) < 1e-12)
        #expect(IterationTimeModel.expertsTouched(tokens: 500, experts: 8, perToken: 2) > 7.999)
        #expect(IterationTimeModel.expertsTouched(tokens: 0, experts: 8, perToken: 2) == 0)
    }

    @Test func refusals() throws {
        let h100 = try GPUCatalog.named("h100-sxm"), l4 = try GPUCatalog.named("l4")
        // 32 heads cannot split over 3 GPUs.
        #expect(throws: ModelProfileError.self) {
            try ProfileGenerator.generate(model: Self.llama7b, modelName: "l", gpu: h100, settings: Self.settings(tp: 3))
        }
        // 13.5 GB of weights do not fit a 24 GB L4 at 0.5 utilisation.
        var half = Self.settings()
        half.gpuMemoryUtilization = 0.5
        do {
            _ = try ProfileGenerator.generate(model: Self.llama7b, modelName: "l", gpu: l4, settings: half)
            Issue.record("accepted")
        } catch let e as ModelProfileError {
            #expect(e.message.contains("GiB"))
        }
        // A context the cache cannot hold once: vLLM refuses to start.
        do {
            _ = try ProfileGenerator.generate(model: Self.llama7b, modelName: "l", gpu: h100, settings: Self.settings(maxLen: 1_000_000))
            Issue.record("accepted")
        } catch let e as ModelProfileError {
            #expect(e.key == "--max-model-len")
        }
        #expect(throws: ModelProfileError.self) { try GPUCatalog.named("tpu-v5") }
        // What nvidia-smi, rocm-smi and the gpu.product label print.
        for (printed, bundled) in [("NVIDIA H100 80GB HBM3", "h100-sxm"), ("NVIDIA-H100-80GB-HBM3", "h100-sxm"), ("NVIDIA H100 PCIe", "h100-pcie"),
                                   ("NVIDIA H100 NVL", "h100-nvl"), ("NVIDIA A100-SXM4-80GB", "a100-80gb"), ("NVIDIA A100-SXM4-40GB", "a100-40gb"),
                                   ("NVIDIA H200", "h200"), ("NVIDIA B200", "b200"), ("NVIDIA L40S", "l40s"), ("NVIDIA L4", "l4"),
                                   ("AMD Instinct MI300X", "mi300x")] {
            #expect(GPUCatalog.find(printed)?.name == bundled, "\(printed)")
        }
        // Variants with other figures are not matched to a neighbour.
        #expect(GPUCatalog.find("NVIDIA A100 80GB PCIe") == nil)
        #expect(GPUCatalog.find("NVIDIA H200 NVL") == nil)
        #expect(try GPUCatalog.named("H100").name == "h100-sxm")
    }

    @Test func unfittedFamiliesSaySo() throws {
        let r = try ProfileGenerator.generate(model: Self.llama7b, modelName: "l", gpu: try GPUCatalog.named("l40s"), settings: Self.settings())
        #expect(r.notes.contains { $0.contains("not fitted on ada") })
        #expect(GPUEfficiency.of(.hopper).fitted)
    }
}
