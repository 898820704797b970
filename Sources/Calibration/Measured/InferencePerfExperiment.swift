import Foundation
import Workload

/// One experiment folder of kubernetes-sigs inference-perf driving a vLLM
/// server, as collected by inference-sim (see
/// `data/ground-truth/vllm-h100/README.md`):
///
/// - `exp-config.yaml` (YAML): the server, `model`, `tensor_parallelism`,
///   `max_model_len`, `max_num_batched_tokens`, `max_num_seqs`;
/// - `profile.yaml` (JSON despite its name): the run as requested;
/// - `results/config.yaml` (YAML): the run as inference-perf resolved it,
///   which wins over profile.yaml where both have a value;
/// - `results/stage_K_lifecycle_metrics.json` and
///   `results/summary_lifecycle_metrics.json`: what was measured.
///
/// Reading never guesses: a missing or ill-typed key is an ``InputError``
/// naming the file, line and key path. A stage without a metrics file has
/// `measured` nil (the run stopped before it).
///
/// ```swift
/// let e = try InferencePerfExperiment.read(folder: "data/ground-truth/vllm-h100/20260217-162547-llama-2-7b-tp1-roleplay")
/// print(e.model, e.stages[0].rate, e.stages[0].measured?.timeToFirstToken?.p50 ?? .nan)
/// ```
package struct InferencePerfExperiment: Sendable, Equatable {
    /// The folder, as given.
    package var folder: String
    /// exp-config.yaml `model`, e.g. `meta-llama/Llama-2-7b-hf`.
    package var model: String
    /// `tensor_parallelism` (default 1).
    package var tensorParallel: Int
    /// `pipeline_parallelism` (default 1).
    package var pipelineParallel: Int
    /// `max_model_len`, when given.
    package var maxModelLength: Int?
    /// `max_num_batched_tokens`, when given.
    package var maxNumBatchedTokens: Int?
    /// `max_num_seqs`, when given.
    package var maxNumSeqs: Int?
    /// `gpu_memory_utilization`, when given.
    package var gpuMemoryUtilization: Double?
    /// The shared-prefix data generator as it ran (see ``SharedPrefixSettings``);
    /// nil when the run used another data type.
    package var sharedPrefix: SharedPrefixSettings?
    /// `data.type`, e.g. `shared_prefix`.
    package var dataType: String?
    /// `load.type`: `constant` (fixed inter-arrival times) or `poisson`.
    package var loadType: String
    /// `server.ignore_eos`: every answer has exactly the requested output length.
    package var ignoreEOS: Bool
    /// `load.request_timeout` (s), when set; inference-perf's HTTP client then gives up after it.
    package var requestTimeout: Double?
    /// `load.stages`, in order.
    package var stages: [Stage]
    /// `results/summary_lifecycle_metrics.json`, over all stages, when present.
    package var summary: StageMeasurement?

    /// One load stage: a rate held for a duration.
    package struct Stage: Sendable, Equatable {
        /// Requests per second asked for.
        package var rate: Double
        /// Seconds.
        package var duration: Double
        /// What was measured in it; nil when its metrics file is absent.
        package var measured: StageMeasurement?

        /// A stage.
        package init(rate: Double, duration: Double, measured: StageMeasurement?) {
            self.rate = rate
            self.duration = duration
            self.measured = measured
        }
    }

    /// Whether `folder` looks like an inference-perf experiment (it has
    /// `exp-config.yaml` or `profile.yaml`, and a `results` folder).
    package static func recognises(folder: String) -> Bool {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { return false }
        return (fm.fileExists(atPath: folder + "/exp-config.yaml") || fm.fileExists(atPath: folder + "/profile.yaml"))
            && fm.fileExists(atPath: folder + "/results")
    }

    /// Reads an experiment folder.
    ///
    /// - Throws: ``InputError`` naming the file and key path of the first
    ///   missing or ill-typed value, or the missing file.
    package static func read(folder: String) throws -> InferencePerfExperiment {
        let fm = FileManager.default
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        func need(_ name: String) throws -> MeasuredNode {
            guard fm.fileExists(atPath: path(name)) else {
                throw InputError(issues: [InputIssue(file: path(name), key: "", message: "missing: an inference-perf experiment folder has exp-config.yaml, profile.yaml and results/")])
            }
            return try MeasuredNode.load(path: path(name))
        }
        let exp = try need("exp-config.yaml")
        let model = try exp.required("model").string()
        let tensorParallel = try exp.optional("tensor_parallelism")?.int(atLeast: 1) ?? 1
        let pipelineParallel = try exp.optional("pipeline_parallelism")?.int(atLeast: 1) ?? 1
        let maxModelLength = try exp.optional("max_model_len")?.int(atLeast: 1)
        let maxNumBatchedTokens = try exp.optional("max_num_batched_tokens")?.int(atLeast: 1)
        let maxNumSeqs = try exp.optional("max_num_seqs")?.int(atLeast: 1)
        let gpuMemoryUtilization = try exp.optional("gpu_memory_utilization")?.double(atLeast: 0)
        let profile = try need("profile.yaml")
        let resolved = fm.fileExists(atPath: path("results/config.yaml")) ? try MeasuredNode.load(path: path("results/config.yaml")) : nil

        /// The value at `keys` in results/config.yaml, else in profile.yaml.
        func setting(_ keys: String) throws -> MeasuredNode? {
            if let resolved, let v = try resolved.optional(path: keys) { return v }
            return try profile.optional(path: keys)
        }

        var requested: SharedPrefixSettings.Requested?
        if let node = try profile.optional(path: "data.shared_prefix") { requested = try .init(node) }
        var sharedPrefix: SharedPrefixSettings?
        if let node = try resolved?.optional(path: "data.shared_prefix") {
            sharedPrefix = try SharedPrefixSettings(resolved: node, requested: requested)
        } else if let requested, let node = try profile.optional(path: "data.shared_prefix") {
            sharedPrefix = try SharedPrefixSettings(requestedOnly: requested, node: node)
        }
        let ignoreEOS = try setting("server.ignore_eos")?.bool() ?? false

        let load = try (resolved?.optional("load")) ?? profile.required("load")
        let stageNodes = try load.required("stages").elements()
        guard !stageNodes.isEmpty else { throw try load.required("stages").error("at least one stage") }
        let outputLength = ignoreEOS ? sharedPrefix?.outputLength : nil
        var stages: [Stage] = []
        for (k, node) in stageNodes.enumerated() {
            let metrics = path("results/stage_\(k)_lifecycle_metrics.json")
            let measured = fm.fileExists(atPath: metrics) ? try StageMeasurement.read(path: metrics, outputLength: outputLength) : nil
            stages.append(Stage(rate: try node.required("rate").double(atLeast: 0),
                                duration: try node.required("duration").double(atLeast: 0), measured: measured))
        }
        let summaryPath = path("results/summary_lifecycle_metrics.json")
        let summary = fm.fileExists(atPath: summaryPath) ? try StageMeasurement.read(path: summaryPath, outputLength: outputLength) : nil

        return InferencePerfExperiment(
            folder: folder,
            model: model, tensorParallel: tensorParallel, pipelineParallel: pipelineParallel,
            maxModelLength: maxModelLength, maxNumBatchedTokens: maxNumBatchedTokens, maxNumSeqs: maxNumSeqs,
            gpuMemoryUtilization: gpuMemoryUtilization,
            sharedPrefix: sharedPrefix,
            dataType: try setting("data.type")?.string(),
            loadType: try setting("load.type")?.string() ?? "constant",
            ignoreEOS: ignoreEOS,
            requestTimeout: try setting("load.request_timeout")?.double(atLeast: 0),
            stages: stages, summary: summary)
    }
}
