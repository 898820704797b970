import Foundation
import ModelProfiles
import ServingModel
import Workload
import Yams

extension ScenarioParser {
    /// `replicas.hardware`: a profile file (`models/hardware/x.yaml`), a
    /// bundled profile's name (`a100-llama3-8b`), or a profile generated on
    /// the fly from a model config and a GPU:
    /// `{model: config.json, gpu: h100-sxm, tp: 2, pp: 1, dtype: fp8,
    /// gpu_memory_utilization: 0.9, max_num_seqs: 256,
    /// max_num_batched_tokens: 8192, block_size: 16, max_model_len: 4096,
    /// price_per_gpu_hour: 3}` (all but `model` and `gpu` optional, with
    /// vLLM's defaults).
    func parseHardware(_ r: Fields, quantization: String?) -> HardwareProfile? {
        guard let node = r.node("hardware") else { return nil }
        let key = "replicas.hardware"
        if case .mapping = node {
            guard let h = reader.mapping(node, key) else { return nil }
            defer { h.finish() }
            let model = h.string("model"), gpu = h.string("gpu")
            if !h.has("model") { reader.fail(node, key + ".model", "missing; expected a Hugging Face config.json") }
            if !h.has("gpu") { reader.fail(node, key + ".gpu", "missing; expected a GPU name (headroom profile --list)") }
            let tp = h.int("tp", 1...64) ?? 1
            let pp = h.int("pp", 1...64) ?? 1
            let dtype = h.value("dtype", "bf16, fp16 or fp8") { ["bf16", "fp16", "fp8"].contains($0) ? $0 : nil }
            let util = h.number("gpu_memory_utilization", min: 0, allowEqual: false, max: 1) ?? 0.9
            let seqs = h.int("max_num_seqs", 1...65_536) ?? 256
            let batched = h.int("max_num_batched_tokens", 1...10_000_000) ?? 8192
            let block = h.int("block_size", 1...128) ?? 16
            let maxLen = h.int("max_model_len", 1...RequestSize.maxTokens)
            let price = h.number("price_per_gpu_hour", min: 0, max: 1e6)
            guard let model, let gpu else { return nil }
            if quantization != nil {
                reader.fail(r.node("quantization"), "replicas.quantization", "applies to a profile file; for a generated profile use hardware.dtype: fp8")
                return nil
            }
            do {
                return try ProfileGeneration.generate(model: resolve(model), gpu: gpu, tp: tp, pp: pp, dtype: dtype,
                                                      gpuMemoryUtilization: util, maxNumSeqs: seqs, maxNumBatchedTokens: batched,
                                                      blockSize: block, maxModelLength: maxLen, price: price).profile
            } catch let e as ModelProfileError {
                // A setting (`--tp`, `gpu`) is this mapping's key; a problem
                // in the config file is the `model` key's, naming the file's key.
                if e.file.isEmpty {
                    let setting = (e.key ?? "").drop { $0 == "-" }.replacingOccurrences(of: "-", with: "_")
                    reader.fail(node, setting.isEmpty ? key : key + "." + setting, e.message)
                } else {
                    reader.fail(node, key + ".model", e.description)
                }
                return nil
            } catch {
                reader.fail(node, key, "\(error)")
                return nil
            }
        }
        guard let file = r.string("hardware") else { return nil }
        var path = resolve(file)
        if !FileManager.default.fileExists(atPath: path), let bundled = BundledProfiles.path(named: file) { path = bundled }
        do {
            return try HardwareProfileLoader.load(path: path, quantization: quantization)
        } catch let e as ScenarioError {
            for issue in e.issues { reader.fail(node, key, issue.description) }
        } catch {
            reader.fail(node, key, "\(error)")
        }
        return nil
    }
}
