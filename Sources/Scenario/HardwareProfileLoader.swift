import Foundation
import ModelProfiles
import ServingModel
import Workload
import Yams

/// Reads hardware profiles (`models/hardware/NAME.yaml`, format
/// `headroom-hardware/1`) into ``HardwareProfile`` values, with precise
/// errors for missing coefficients and negative times.
package enum HardwareProfileLoader {
    /// The format tag profiles carry.
    package static let format = "headroom-hardware/1"
    /// Largest `kv_cache_tokens`, before and after quantisation (10⁹).
    package static let maxKVCacheTokens = 1_000_000_000

    /// Loads a profile file; `quantization` (e.g. `int8`) applies its
    /// documented time and KV-capacity factors.
    package static func load(path: String, quantization: String? = nil) throws -> HardwareProfile {
        let reader = NodeReader(file: path)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(file: path, line: nil, key: "", message: "cannot read the profile: \(FileProblem.reading(path, error))")])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(file: path, line: nil, key: "", message: "not valid YAML: \(error)")])
        }
        guard let root, let f = reader.mapping(root, "") else {
            throw ScenarioError(issues: reader.issues.isEmpty ? [ScenarioIssue(file: path, line: nil, key: "", message: "the profile is empty")] : reader.issues)
        }
        let profile = parse(f, reader: reader, path: path, quantization: quantization)
        if !reader.issues.isEmpty { throw ScenarioError(issues: reader.issues) }
        try checkFloor(profile!, path: path)
        return profile!
    }

    /// Refuses a profile faster than its model can run on its GPU (see
    /// ``RooflineFloor``), when its `gpu` is a bundled GPU and its `model`
    /// has a bundled config (`models/configs/`); returns false when it
    /// cannot be checked.
    @discardableResult
    package static func checkFloor(_ profile: HardwareProfile, path: String) throws -> Bool {
        guard let gpu = GPUCatalog.find(profile.gpu), let config = BundledProfiles.modelConfig(named: profile.model),
              let model = try? ModelConfigReader.read(path: config) else { return false }
        let floor = RooflineFloor.floor(model: model, gpu: gpu, tensorParallel: profile.tensorParallel, pipelineParallel: profile.pipelineParallel,
                                        weightPrecision: profile.weightPrecision)
        let problems = RooflineFloor.violations(of: profile, floor: floor, gpu: gpu)
        guard !problems.isEmpty else { return true }
        throw ScenarioError(issues: problems.map {
            ScenarioIssue(file: path, line: nil, key: "iteration", message: "\($0) (\(profile.model), tensor_parallel \(profile.tensorParallel), pipeline_parallel \(profile.pipelineParallel)): "
                          + "the profile is faster than the hardware can be; refit it (headroom calibrate) or generate one (headroom profile)")
        })
    }

    static func parse(_ f: Fields, reader: NodeReader, path: String, quantization: String?) -> HardwareProfile? {
        if let fmt = f.string("format"), fmt != format {
            reader.fail(f.node("format"), "format", "expected '\(format)', got '\(fmt)'")
        }
        let name = f.string("name") ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let gpu = f.string("gpu") ?? "unknown"
        let model = f.string("model") ?? "unknown"
        _ = f.string("source")
        let tp = f.int("tensor_parallel", 1...1024, required: true)
        let pp = f.int("pipeline_parallel", 1...1024, required: true)
        let gpus = f.int("gpus_per_replica", 1...4096, required: true)
        let price = f.number("price_per_gpu_hour", min: 0, max: 1e6, required: true)
        // At most 10^9 tokens (100 times an 8-GPU H200 node's cache), so that
        // the quantised capacity and every block count stay far from overflow.
        let kvTokens = f.int("kv_cache_tokens", 1...Self.maxKVCacheTokens, required: true)
        let block = f.int("kv_block_size", 1...4096, required: true)
        let maxLen = f.int("max_model_len", 1...RequestSize.maxTokens, required: true)
        let fittedSequence = f.int("fitted_sequence_tokens", 1...RequestSize.maxTokens)
        let requestOverhead = f.number("request_overhead", min: 0, max: 60) ?? 0
        let weightDType = f.value("weight_dtype", "bf16, fp16, fp8, int8 or int4") { ["bf16", "fp16", "fp8", "int8", "int4"].contains($0) ? $0 : nil }
        var iteration: IterationTimeModel?
        if let node = f.required("iteration", "a mapping of iteration-time coefficients"),
           let it = reader.mapping(node, f.child("iteration")) {
            func coefficient(_ key: String) -> Double? {
                it.number(key, min: 0, max: 3600, required: true)
            }
            let fixed = coefficient("fixed"), floor = coefficient("linear_floor"), perToken = coefficient("per_token")
            let perKV = coefficient("per_kv_token"), pairs = coefficient("per_prefill_pair"), comm = coefficient("per_token_comm")
            let perSequence = it.number("per_sequence", min: 0, max: 3600) ?? 0
            var moe: (experts: Int, perToken: Int, read: Double)?
            if let moeNode = it.node("moe"), let m = reader.mapping(moeNode, it.child("moe")) {
                let experts = m.int("experts", 1...100_000, required: true)
                let perToken = m.int("experts_per_token", 1...100_000, required: true)
                let read = m.number("per_expert_read", min: 0, max: 3600, required: true)
                m.finish()
                if let experts, let perToken, let read {
                    if perToken > experts {
                        reader.fail(moeNode, it.child("moe") + ".experts_per_token", "\(perToken) is more than the \(experts) experts")
                    } else {
                        moe = (experts, perToken, read)
                    }
                }
            }
            it.finish()
            if let fixed, let floor, let perToken, let perKV, let pairs, let comm {
                if fixed + floor <= 0 {
                    reader.fail(node, f.child("iteration"), "fixed + linear_floor must be > 0 (an iteration cannot take no time)")
                }
                iteration = IterationTimeModel(fixed: fixed, linearFloor: floor, perToken: perToken, perKVToken: perKV,
                                               perPrefillPair: pairs, perTokenComm: comm, pipelineStages: pp ?? 1)
                iteration?.perSequence = perSequence
                if let moe {
                    iteration?.experts = moe.experts
                    iteration?.expertsPerToken = moe.perToken
                    iteration?.expertRead = moe.read
                }
            }
        }
        if let fitNode = f.node("fit"), let fit = reader.mapping(fitNode, f.child("fit")) {
            _ = fit.int("rows", 0...ServingLimits.maxCount)
            _ = fit.number("mape", min: 0, max: 1e6)
            _ = fit.number("max_ape", min: 0, max: 1e6)
            _ = fit.number("p95_ape", min: 0, max: 1e6)
            fit.finish()
        }
        var timeFactor = 1.0, kvFactor = 1.0
        var variants: [String: (Double, Double)] = [:]
        if let qNode = f.node("quantization"), let q = reader.mapping(qNode, f.child("quantization")) {
            for key in ["int8", "fp8", "int4"] {
                if let vNode = q.node(key), let v = reader.mapping(vNode, q.child(key)) {
                    let t = v.number("time_factor", min: 0, allowEqual: false, max: 100, required: true)
                    let k = v.number("kv_capacity_factor", min: 0, allowEqual: false, max: 100, required: true)
                    v.finish()
                    if let t, let k { variants[key] = (t, k) }
                }
            }
            q.finish()
        }
        f.finish()
        if let quantization {
            guard let v = variants[quantization] else {
                reader.fail(nil, "quantization", "the profile has no '\(quantization)' variant (it has: \(variants.keys.sorted().joined(separator: ", ")))")
                return nil
            }
            (timeFactor, kvFactor) = v
        }
        guard let tp, let pp, let gpus, let price, let kvTokens, let block, let maxLen, var iteration else { return nil }
        iteration.speedFactor = timeFactor
        // Both factors are bounded, so the product is finite; it must stay
        // a whole number of tokens within the same limit.
        let quantised = (Double(kvTokens) * kvFactor).rounded(.down)
        guard quantised >= 1, quantised <= Double(Self.maxKVCacheTokens) else {
            reader.fail(f.node("kv_cache_tokens"), "kv_cache_tokens",
                        "\(kvTokens) × the \(quantization ?? "") kv_capacity_factor \(kvFactor) is \(NodeReaderText.number(quantised)) tokens; "
                        + "expected from 1 to \(Self.maxKVCacheTokens)")
            return nil
        }
        var profile = HardwareProfile(name: name, gpu: gpu, model: model, tensorParallel: tp, pipelineParallel: pp,
                               gpusPerReplica: gpus, pricePerGPUHour: price,
                               kvCacheTokens: Int(quantised), kvBlockSize: block,
                               maxModelLength: maxLen, iteration: iteration)
        profile.requestOverhead = requestOverhead
        profile.weightPrecision = quantization ?? weightDType
        profile.fittedSequenceTokens = fittedSequence
        return profile
    }
}
