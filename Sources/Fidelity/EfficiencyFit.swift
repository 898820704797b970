import Calibration
import Foundation
import ModelProfiles
import ServingModel

/// Refits a GPU family's efficiencies (``GPUEfficiency``) from measured
/// data, in two steps that keep each coefficient where the data can see it:
///
/// 1. **Compute** (`compute`, `attention`) from measured iteration tables
///    (one row per batch shape, `prefill_tokens, decode_sequences,
///    kv_tokens, prefill_pairs, iteration_seconds`): the prefill rows, whose
///    time is FLOP-bound, by a grid search on the mean absolute percentage
///    error, with the table's own per-iteration intercept as a nuisance
///    term (the tables' serving stack is not the one the runs used).
/// 2. **Memory and overheads** (`bandwidth`, `kv_bandwidth`, `overhead`,
///    `all_reduce_latency`, `request_overhead`) from measured serving runs:
///    the stages not in overload are replayed (``FidelityBenchmark``) and
///    the mean of the APEs of TTFT p50 and p90, E2E mean and the decode
///    step is minimised by a bounded multiplicative coordinate search
///    (each APE capped at 100%, so one stage near a cliff cannot dominate).
///
/// The inference-perf runs keep their prompts in the prefix cache, so they
/// say little about prefill FLOPs; the tables say little about today's
/// engine overheads: hence the split.
package enum EfficiencyFit {
    /// An iteration table with the server it was measured on.
    package struct Table: Sendable {
        /// The model's config.json.
        package var modelConfig: String
        /// Tensor-parallel GPUs.
        package var tensorParallel: Int
        /// Pipeline stages.
        package var pipelineParallel: Int
        /// The rows.
        package var samples: [IterationTimeFit.Sample]
        /// A table.
        package init(modelConfig: String, tensorParallel: Int, pipelineParallel: Int, samples: [IterationTimeFit.Sample]) {
            self.modelConfig = modelConfig
            self.tensorParallel = tensorParallel
            self.pipelineParallel = pipelineParallel
            self.samples = samples
        }
    }

    /// What the fit found.
    package struct Result: Sendable {
        /// The fitted efficiencies.
        package var efficiency: GPUEfficiency
        /// Prefill rows used and their MAPE (step 1).
        package var prefillRows: Int
        package var prefillMAPE: Double
        /// The objective before and after (step 2).
        package var startObjective: Double
        package var objective: Double
        /// Replays run.
        package var evaluations: Int
    }

    /// Step 1: compute and attention efficiency from the prefill rows.
    package static func fitCompute(tables: [Table], gpu: GPUSpec, start: GPUEfficiency) throws -> (GPUEfficiency, rows: Int, mape: Double) {
        struct Row { let tokens: Int, pairs: Double, seconds: Double, table: Int }
        var rows: [Row] = [], bases: [(arch: ModelArchitecture, name: String, tp: Int, pp: Int)] = []
        for (i, t) in tables.enumerated() {
            bases.append((try ModelConfigReader.read(path: t.modelConfig), ProfileGeneration.modelName(t.modelConfig), t.tensorParallel, t.pipelineParallel))
            for s in t.samples where s.prefillTokens >= 128 && s.decodeSequences == 0 {
                rows.append(Row(tokens: s.prefillTokens, pairs: s.prefillPairs, seconds: s.seconds, table: i))
            }
        }
        guard !rows.isEmpty else { return (start, 0, .nan) }
        func models(_ e: GPUEfficiency) throws -> [IterationTimeModel] {
            try bases.map { b in
                var s = ProfileGenerator.Settings()
                s.tensorParallel = b.tp
                s.pipelineParallel = b.pp
                s.maxModelLength = 4096
                return try ProfileGenerator.generate(model: b.arch, modelName: b.name, gpu: gpu, settings: s, efficiency: e).profile.iteration
            }
        }
        var best = (start, Double.infinity)
        for c in stride(from: 0.30, through: 0.95, by: 0.01) {
            for a in stride(from: 0.15, through: 0.95, by: 0.01) {
                var e = start
                e.compute = c
                e.attention = a
                let ms = try models(e)
                // The table's intercept: the median residual of its rows.
                var intercepts: [Double] = []
                for i in tables.indices {
                    var r = rows.filter { $0.table == i }.map { $0.seconds - ms[i].iterationTime(tokens: $0.tokens, kvTokens: 0, prefillPairs: $0.pairs) + ms[i].fixed * Double(ms[i].pipelineStages) }
                    r.sort()
                    intercepts.append(r.isEmpty ? 0 : max(0, r[r.count / 2]))
                }
                var sum = 0.0
                for row in rows {
                    let m = ms[row.table]
                    let predicted = m.iterationTime(tokens: row.tokens, kvTokens: 0, prefillPairs: row.pairs) - m.fixed * Double(m.pipelineStages) + intercepts[row.table]
                    sum += abs(predicted - row.seconds) / row.seconds
                }
                let mape = sum / Double(rows.count)
                if mape < best.1 { best = (e, mape) }
            }
        }
        return (best.0, rows.count, best.1)
    }

    /// Step 2: the memory and overhead coefficients from measured runs.
    package static func fitRuns(experiments: [String], options: FidelityBenchmark.Options, start: GPUEfficiency,
                                rounds: Int = 5, progress: (String) -> Void = { _ in }) throws -> (GPUEfficiency, start: Double, objective: Double, evaluations: Int) {
        let loaded = try experiments.map { try InferencePerfExperiment.read(folder: $0) }
        let longest = fittedSequenceTokens(loaded)
        var evaluations = 0
        func objective(_ e: GPUEfficiency) throws -> Double {
            evaluations += 1
            var o = options
            o.efficiency = e
            var sum = 0.0, n = 0
            for x in loaded {
                let config = try FidelityBenchmark.modelConfig(for: x, in: options.modelConfigs)
                for (k, stage) in x.stages.enumerated() {
                    // Overload stages measure queueing and the load generator's
                    // time-outs more than the engine: they are left out.
                    guard let m = stage.measured, m.failures == 0 else { continue }
                    let s = try FidelityBenchmark.compare(x, stage: k, measured: m, configPath: config, options: o)
                    for key in ["ttft_p50", "ttft_p90", "e2e_mean", "step_time"] {
                        sum += min(s.ape[key] ?? 1, 1)
                        n += 1
                    }
                }
            }
            return n == 0 ? .infinity : sum / Double(n)
        }
        typealias Knob = (name: String, get: (GPUEfficiency) -> Double, set: (inout GPUEfficiency, Double) -> Void, range: ClosedRange<Double>)
        let knobs: [Knob] = [
            ("bandwidth", { $0.bandwidth }, { $0.bandwidth = $1 }, 0.3...1.0),
            ("kv_bandwidth", { $0.kvBandwidth }, { $0.kvBandwidth = $1 }, 0.1...1.0),
            ("overhead", { $0.overhead }, { $0.overhead = $1 }, 0.0001...0.02),
            ("per_sequence", { $0.perSequence }, { $0.perSequence = $1 }, 0.0000005...0.0002),
            ("all_reduce_latency", { $0.allReduceLatency }, { $0.allReduceLatency = $1 }, 0.000001...0.0002),
            ("request_overhead", { $0.requestOverhead }, { $0.requestOverhead = $1 }, 0.0005...0.05),
        ]
        var best = start
        let first = try objective(best)
        var bestValue = first
        var step = 0.25
        for round in 0..<rounds {
            for knob in knobs {
                for factor in [1 + step, 1 / (1 + step)] {
                    var candidate = best
                    let v = min(knob.range.upperBound, max(knob.range.lowerBound, knob.get(best) * factor))
                    guard v != knob.get(best) else { continue }
                    knob.set(&candidate, v)
                    let value = try objective(candidate)
                    if value < bestValue {
                        best = candidate
                        bestValue = value
                        break
                    }
                }
            }
            progress(String(format: "round %d: objective %.4f (bandwidth %.3f, kv %.3f, overhead %.2f ms, per sequence %.1f µs, all-reduce %.1f µs, request %.2f ms)",
                            round + 1, bestValue, best.bandwidth, best.kvBandwidth, best.overhead * 1000, best.perSequence * 1e6,
                            best.allReduceLatency * 1e6, best.requestOverhead * 1000))
            step /= 2
        }
        best.fittedSequenceTokens = longest
        return (best, first, bestValue, evaluations)
    }

    /// The longest sequence the fit replays: over the stages not in
    /// overload, the replay's prompt (``FidelityBenchmark/tokenInflation(_:stage:)``
    /// times the configured length) plus the output asked for. Nil when no
    /// stage qualifies.
    package static func fittedSequenceTokens(_ experiments: [InferencePerfExperiment]) -> Int? {
        var longest: Int?
        for x in experiments {
            guard let sp = x.sharedPrefix else { continue }
            for (k, stage) in x.stages.enumerated() {
                guard let m = stage.measured, m.failures == 0 else { continue }
                let prompt = Double(sp.systemPromptLength + sp.questionLength) * FidelityBenchmark.tokenInflation(x, stage: k)
                longest = max(longest ?? 0, Int(prompt.rounded(.up)) + sp.outputLength)
            }
        }
        return longest
    }
}
