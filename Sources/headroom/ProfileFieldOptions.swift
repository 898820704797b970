import ArgumentParser
import Scenario
import ServingModel
import Workload

/// The profile fields `headroom calibrate` writes besides the coefficients:
/// given on the command line, else taken from `--base`.
struct ProfileFieldOptions: ParsableArguments {
    @Option(help: "Profile name (default: the output file's name without extension).")
    var name: String?
    @Option(help: "GPU type, e.g. A100-80GB.")
    var gpu: String?
    @Option(help: "Model served, e.g. Llama-2-7b-hf.")
    var model: String?
    @Option(name: .customLong("tensor-parallel"), help: "Tensor-parallel degree, GPUs (default 1).")
    var tensorParallel: Int?
    @Option(name: .customLong("pipeline-parallel"), help: "Pipeline-parallel degree, stages (default 1); give per-stage times.")
    var pipelineParallel: Int?
    @Option(name: .customLong("gpus-per-replica"), help: "GPUs per replica (default tensor × pipeline parallel).")
    var gpusPerReplica: Int?
    @Option(name: .customLong("price-per-gpu-hour"), help: "Price in USD per GPU-hour.")
    var pricePerGPUHour: Double?
    @Option(name: .customLong("kv-cache-tokens"), help: "KV-cache capacity of one replica, in tokens.")
    var kvCacheTokens: Int?
    @Option(name: .customLong("kv-block-size"), help: "KV-cache block size in tokens (default 16).")
    var kvBlockSize: Int?
    @Option(name: .customLong("max-model-len"), help: "Longest prompt + output the model accepts, in tokens (default 4096).")
    var maxModelLength: Int?

    /// Checks ranges, and that fields without a default are given when there is no base.
    func validate(hasBase: Bool) throws {
        // The ranges a hardware profile file accepts (HardwareProfileLoader).
        for (flag, value, limit) in [("--tensor-parallel", tensorParallel, 1024), ("--pipeline-parallel", pipelineParallel, 1024),
                                     ("--gpus-per-replica", gpusPerReplica, 4096),
                                     ("--kv-cache-tokens", kvCacheTokens, HardwareProfileLoader.maxKVCacheTokens),
                                     ("--kv-block-size", kvBlockSize, 4096), ("--max-model-len", maxModelLength, RequestSize.maxTokens)] {
            if let value, !(1...limit).contains(value) { throw ValidationError("\(flag): expected an integer from 1 to \(limit), got \(value)") }
        }
        if let pricePerGPUHour, !(pricePerGPUHour >= 0 && pricePerGPUHour <= 1e6) {
            throw ValidationError("--price-per-gpu-hour: expected a number from 0 to 1000000, got \(pricePerGPUHour)")
        }
        if !hasBase {
            let missing = [("--gpu", gpu == nil), ("--model", model == nil), ("--price-per-gpu-hour", pricePerGPUHour == nil),
                           ("--kv-cache-tokens", kvCacheTokens == nil)].filter(\.1).map(\.0)
            if !missing.isEmpty {
                throw ValidationError("missing \(missing.joined(separator: ", ")): give \(missing.count == 1 ? "it" : "them"), or --base PROFILE.yaml to take them from")
            }
        }
    }

    /// The profile: each field from its flag, else from `base`, else its
    /// default (`validate` made sure the fields without one are given). The
    /// base's front-end time per request and weight precision carry over
    /// (no flag sets them); its fitted range does not (the caller knows
    /// what the new fit covers).
    func profile(name: String, base: HardwareProfile?, tensorParallel tp: Int, pipelineParallel pp: Int,
                 iteration: IterationTimeModel) -> HardwareProfile {
        var profile = HardwareProfile(
            name: name, gpu: gpu ?? base?.gpu ?? "", model: model ?? base?.model ?? "",
            tensorParallel: tp, pipelineParallel: pp,
            gpusPerReplica: gpusPerReplica ?? base?.gpusPerReplica ?? tp * pp,
            pricePerGPUHour: pricePerGPUHour ?? base?.pricePerGPUHour ?? 0,
            kvCacheTokens: kvCacheTokens ?? base?.kvCacheTokens ?? 0,
            kvBlockSize: kvBlockSize ?? base?.kvBlockSize ?? 16,
            maxModelLength: maxModelLength ?? base?.maxModelLength ?? 4096,
            iteration: iteration)
        profile.requestOverhead = base?.requestOverhead ?? 0
        profile.weightPrecision = base?.weightPrecision
        return profile
    }
}
