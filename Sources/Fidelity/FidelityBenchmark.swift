import Calibration
import Foundation
import ModelProfiles
import Scenario
import ServingModel

/// Replays measured vLLM serving runs (inference-perf experiment folders)
/// on profiles generated from the models' config.json files, and compares
/// what Headroom predicts with what was measured, stage by stage.
///
/// Each stage is simulated on its own (with multi-turn chat, after the
/// stages before it, whose conversations it continues), as one replica with the run's vLLM
/// settings (`max_num_seqs`, `max_num_batched_tokens`, `max_model_len`,
/// tensor parallelism), chunked prefill, automatic prefix caching and
/// async scheduling (vLLM V1's defaults in 2026), the run's shared-prefix prompts at its constant rate
/// for the stage's duration (inference-perf's spacing: see `constant` in
/// docs/scenario-reference.md), prompt lengths scaled to the mean the
/// client measured (single-turn runs), and a client that gives up after the run's
/// `request_timeout` (300 s when unset: aiohttp's default total timeout,
/// which inference-perf's client leaves in place), whereupon vLLM aborts
/// the request as it does when a streaming client disconnects. The profile always
/// comes from the config: never from a bundled per-model profile.
package enum FidelityBenchmark {
    /// How to run the comparison.
    package struct Options: Sendable {
        /// Folder of `NAME.json` model configs.
        package var modelConfigs: String
        /// The GPU the runs used.
        package var gpu: String
        /// The simulation seed.
        package var seed: UInt64 = 1
        /// Efficiencies to use instead of the GPU family's (the fit).
        package var efficiency: GPUEfficiency?
        /// Options.
        package init(modelConfigs: String, gpu: String) {
            self.modelConfigs = modelConfigs
            self.gpu = gpu
        }
    }

    /// One stage compared.
    package struct Stage: Sendable, Encodable {
        /// The experiment folder's name.
        package var experiment: String
        /// The model, as the experiment names it.
        package var model: String
        /// The stage's index in its experiment.
        package var stage: Int
        /// Requests per second.
        package var rate: Double
        /// Whether the measured stage was in overload (some requests failed).
        package var overloaded: Bool
        /// What was measured.
        package var measured: FidelityFigures
        /// What Headroom predicts.
        package var predicted: FidelityFigures
        /// Absolute percentage errors (0.05 = 5%).
        package var ape: FidelityFigures
    }

    /// The medians and maxima of the APEs over the stages not in overload.
    package struct Summary: Sendable, Encodable {
        /// Stages summarised.
        package var stages: Int
        /// Median APE per figure.
        package var medianAPE: FidelityFigures
        /// Largest APE per figure.
        package var maxAPE: FidelityFigures
        enum CodingKeys: String, CodingKey { case stages, medianAPE = "median_ape", maxAPE = "max_ape" }
    }

    /// The whole comparison.
    package struct Report: Sendable, Encodable {
        /// Every stage.
        package var stages: [Stage]
        /// Over the stages not in overload.
        package var summary: Summary
        /// The GPU and its efficiencies' basis.
        package var gpu: String
        /// Whether the GPU family's efficiencies were fitted on it.
        package var efficiencyBasis: String
        enum CodingKeys: String, CodingKey { case stages, summary, gpu, efficiencyBasis = "efficiency_basis" }
    }

    /// Compares every stage of every experiment folder.
    package static func run(experiments folders: [String], options: Options) throws -> Report {
        let experiments = try folders.map { try InferencePerfExperiment.read(folder: $0) }
        var stages: [Stage] = []
        for e in experiments {
            let configPath = try modelConfig(for: e, in: options.modelConfigs)
            for (k, stage) in e.stages.enumerated() {
                guard let measured = stage.measured else { continue }
                stages.append(try compare(e, stage: k, measured: measured, configPath: configPath, options: options))
            }
        }
        let gpu = try GPUCatalog.named(options.gpu)
        let eff = options.efficiency ?? GPUEfficiency.of(gpu.family)
        return Report(stages: stages, summary: summarise(stages), gpu: gpu.displayName, efficiencyBasis: eff.basis)
    }

    /// The config file of the experiment's model: the part of its name after
    /// the `/`, lower-cased, as `NAME.json`.
    package static func modelConfig(for e: InferencePerfExperiment, in folder: String) throws -> String {
        try modelConfig(named: e.model, in: folder, file: e.folder + "/exp-config.yaml")
    }

    /// The config file of model `model` (a Hugging Face name such as
    /// `meta-llama/Llama-2-7b-hf`, or its last part) in `folder`: the part
    /// after the `/`, lower-cased, as `NAME.json`; `file` names where the
    /// model was named, in the error.
    package static func modelConfig(named model: String, in folder: String, file: String) throws -> String {
        let name = (model.split(separator: "/").last.map(String.init) ?? model).lowercased()
        let path = URL(fileURLWithPath: folder).appendingPathComponent(name + ".json").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelProfileError(file: file, key: "model", "'\(model)' has no config in \(folder) (looked for \(name).json)")
        }
        return path
    }

    package static func compare(_ e: InferencePerfExperiment, stage k: Int, measured m: StageMeasurement, configPath: String,
                        options: Options) throws -> Stage {
        let stage = e.stages[k]
        let text = try scenario(e, stage: k, configPath: configPath, gpu: options.gpu, seed: options.seed)
        var config = try ScenarioLoader.parse(text: text, file: "\(e.folder) stage \(k)")
        // inference-perf waits for a stage's requests to finish: so does the replay.
        config.drain = true
        if let eff = options.efficiency {
            config.replicas.hardware = try generateProfile(e, configPath: configPath, gpu: options.gpu, efficiency: eff)
        }
        let (r, _) = try ServingRun(configuration: config).execute()
        let output = Double(e.sharedPrefix?.outputLength ?? 0)
        let predicted: FidelityFigures
        if k > 0, e.sharedPrefix?.multiTurnChat == true, let s = r.stages?.last {
            // The earlier stages ran first (their conversations carry over): this stage's own figures.
            predicted = Self.predicted(ttft: s.ttft, e2e: s.e2e, failures: s.failed, outputTokens: output)
        } else {
            predicted = Self.predicted(ttft: r.latencySeconds.ttft, e2e: r.latencySeconds.e2e,
                                       failures: r.clients.map { $0.failed + $0.abandoned }
                                           ?? r.requests.timedOut + r.requests.rejected + r.requests.failed + r.requests.cancelled,
                                       outputTokens: output)
        }
        let ttft = m.timeToFirstToken, e2e = m.requestLatency
        let measured = FidelityFigures(ttftMean: ttft?.mean, ttftP50: ttft?.p50, ttftP90: ttft?.p90, ttftP99: ttft?.p99,
                                       e2eMean: e2e?.mean, e2eP50: e2e?.p50, e2eP99: e2e?.p99, stepTime: m.stepTime,
                                       failures: Double(m.failures))
        return Stage(experiment: (e.folder as NSString).lastPathComponent, model: e.model, stage: k, rate: stage.rate,
                     overloaded: m.failures > 0, measured: measured, predicted: predicted,
                     ape: FidelityFigures.ape(measured: measured, predicted: predicted))
    }

    /// The predicted figures from a run's (or a stage's) latency summaries:
    /// only the failures when nothing completed; the decode step from the
    /// means when answers have `outputTokens` > 1 tokens.
    static func predicted(ttft: LatencySummary, e2e: LatencySummary, failures: Int, outputTokens: Double) -> FidelityFigures {
        guard e2e.count > 0 else { return FidelityFigures(failures: Double(failures)) }
        return FidelityFigures(ttftMean: ttft.mean, ttftP50: ttft.p50, ttftP90: ttft.p90, ttftP99: ttft.p99,
                               e2eMean: e2e.mean, e2eP50: e2e.p50, e2eP99: e2e.p99,
                               stepTime: outputTokens > 1 ? (e2e.mean - ttft.mean) / (outputTokens - 1) : nil,
                               failures: Double(failures))
    }

    /// The factor on stage `k`'s prompt lengths in its replay. The server saw
    /// the prompts as the client's tokenizer counted them (random token ids
    /// decoded to text and tokenized again): both lengths are scaled to the
    /// mean measured, within [0.5, 4]. 1 with multi-turn chat, whose
    /// measured prompts carry earlier rounds, or without a measurement.
    package static func tokenInflation(_ e: InferencePerfExperiment, stage k: Int) -> Double {
        guard let sp = e.sharedPrefix, sp.multiTurnChat != true, sp.systemPromptLength + sp.questionLength > 0,
              let measured = e.stages[k].measured?.meanPromptLength ?? e.summary?.meanPromptLength else { return 1 }
        return min(4, max(0.5, measured / Double(sp.systemPromptLength + sp.questionLength)))
    }

    /// The profile of the experiment's server on `gpu`.
    package static func generateProfile(_ e: InferencePerfExperiment, configPath: String, gpu: String,
                                        efficiency: GPUEfficiency? = nil) throws -> HardwareProfile {
        try ProfileGeneration.generate(model: configPath, gpu: gpu, tp: e.tensorParallel, pp: e.pipelineParallel,
                                       gpuMemoryUtilization: e.gpuMemoryUtilization ?? 0.9, maxNumSeqs: e.maxNumSeqs ?? 256,
                                       maxNumBatchedTokens: e.maxNumBatchedTokens ?? 8192, maxModelLength: e.maxModelLength,
                                       efficiency: efficiency).profile
    }

    /// The scenario that replays stage `k` of `e`: that stage alone, or,
    /// with multi-turn chat, the stages up to it (the conversations carry
    /// their context from stage to stage).
    package static func scenario(_ e: InferencePerfExperiment, stage k: Int, configPath: String, gpu: String, seed: UInt64) throws -> String {
        guard let sp = e.sharedPrefix else {
            throw ModelProfileError(file: e.folder + "/profile.yaml", key: "data.shared_prefix",
                                    "missing; the fidelity benchmark replays shared_prefix workloads")
        }
        let seqs = e.maxNumSeqs ?? 256, batched = e.maxNumBatchedTokens ?? 8192
        let multiTurn = sp.multiTurnChat == true
        let inflation = tokenInflation(e, stage: k)
        var lines = [
            "name: fidelity-\((e.folder as NSString).lastPathComponent)-stage-\(k)",
            "seed: \(seed)",
            "workload:",
            "  arrivals: {process: constant, stages: ["
                + e.stages[(multiTurn ? 0 : k)...k].map { "{rate: \(number($0.rate))/s, duration: \(number($0.duration))s}" }.joined(separator: ", ")
                + "]}",
            "  shared_prefix: {system_prompt_len: \(sp.systemPromptLength), question_len: \(sp.questionLength), output_len: \(sp.outputLength), "
                + "groups: \(sp.numGroups), prompts_per_group: \(sp.numPromptsPerGroup), token_inflation: \(String(format: "%.4f", inflation))"
                + (multiTurn ? ", multi_turn: true}" : "}"),
            "client:",
            "  timeout: \(number(e.requestTimeout ?? 300))s",
            "  cancel_on_give_up: running",
            "replicas:",
            "  count: 1",
            "  batching: {policy: continuous, max_num_seqs: \(seqs), max_num_batched_tokens: \(batched), chunked_prefill: true, prefix_caching: true, async_scheduling: true}",
            "  hardware:",
            "    model: \(quoted(configPath))",
            "    gpu: \(gpu)",
            "    tp: \(e.tensorParallel)",
            "    pp: \(e.pipelineParallel)",
            "    max_num_seqs: \(seqs)",
            "    max_num_batched_tokens: \(batched)",
        ]
        if let len = e.maxModelLength { lines.append("    max_model_len: \(len)") }
        if let util = e.gpuMemoryUtilization { lines.append("    gpu_memory_utilization: \(number(util))") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func summarise(_ stages: [Stage]) -> Summary {
        let calm = stages.filter { !$0.overloaded }
        var median = FidelityFigures(), maximum = FidelityFigures()
        for key in FidelityFigures.keys {
            let values = calm.compactMap { $0.ape[key] }.sorted()
            guard !values.isEmpty else { continue }
            let n = values.count
            median[key] = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
            maximum[key] = values[n - 1]
        }
        return Summary(stages: calm.count, medianAPE: median, maxAPE: maximum)
    }

    static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }

    static func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
}
