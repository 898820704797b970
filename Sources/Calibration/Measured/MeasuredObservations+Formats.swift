import Foundation
import Workload

extension MeasuredObservations {
    /// One vLLM `--save-result` object: a run at `request_rate`.
    static func vllm(_ node: MeasuredNode) throws -> MeasuredObservations {
        let found = ["request_rate", "median_ttft_ms", "median_tpot_ms"].filter { (try? node.optional($0)) != nil }
        let missing = ["request_rate", "median_ttft_ms", "median_tpot_ms"].filter { !found.contains($0) }
        guard missing.isEmpty else {
            throw InputError(issues: [InputIssue(file: node.file, key: "", message: "a vLLM benchmark_serving result (found \(found.joined(separator: ", "))), but \(missing.joined(separator: ", ")) \(missing.count > 1 ? "are" : "is") missing: calibrate needs the offered rate and median TTFT and TPOT (run with --save-result and the default --percentile-metrics ttft,tpot,itl)")])
        }
        let rateNode = try node.required("request_rate")
        if let s = try? rateNode.string(), s == "inf" {
            return MeasuredObservations(format: .vllm, observations: [],
                                        notes: ["\(node.file)\(node.path.isEmpty ? "" : " " + node.path): request_rate is inf (every request sent at once, or a closed loop with max_concurrency): no offered rate, left out"])
        }
        let rate = try rateNode.double()
        guard rate > 0 else { throw rateNode.error("a request rate > 0 (requests per second) or \"inf\"") }
        if let completed = try node.optional("completed"), try completed.int() == 0 {
            throw completed.error("at least one completed request")
        }
        var targets: [ServingCalibration.Target] = []
        for metric in ServingCalibration.Metric.allCases {
            for (percentile, key) in [(ServingCalibration.Percentile.p50, "median"), (.p90, "p90"), (.p99, "p99"), (.p999, "p99.9")] {
                guard let v = try node.optional("\(key)_\(metric.rawValue)_ms") else { continue }
                let ms = try v.double()
                guard ms > 0 else { throw v.error("a latency > 0 ms") }
                targets.append(.init(metric: metric, percentile: percentile, seconds: ms / 1000))
            }
        }
        return MeasuredObservations(format: .vllm, observations: [.init(offeredRate: rate, targets: targets)], notes: [])
    }

    /// A GuideLLM report: one row per rate-driven benchmark.
    static func guidellm(_ root: MeasuredNode) throws -> MeasuredObservations {
        var rows: [ServingCalibration.Observation] = [], notes: [String] = []
        for benchmark in try root.required("benchmarks").elements() {
            guard let strategy = try benchmark.optional(path: "config.strategy") ?? benchmark.optional(path: "args.strategy") else {
                throw benchmark.missing("config.strategy")
            }
            let type = try strategy.required("type_").string()
            guard type == "constant" || type == "poisson" else {
                notes.append("\(root.file) \(benchmark.path): strategy \(type) sets no request rate (closed loop or unbounded), left out")
                continue
            }
            let rate = try strategy.required("rate").double()
            guard rate > 0 else { throw try strategy.required("rate").error("a request rate > 0") }
            let metrics = try benchmark.required("metrics")
            var targets: [ServingCalibration.Target] = []
            for (metric, key) in [(ServingCalibration.Metric.ttft, "time_to_first_token_ms"), (.tpot, "inter_token_latency_ms")] {
                let summary = try metrics.required(key).required("successful")
                if try summary.optional("count")?.int() == 0 {
                    throw try summary.required("count").error("at least one successful request")
                }
                targets.append(.init(metric: metric, percentile: .p50, seconds: try summary.required("median").double(atLeast: 0) / 1000))
                if let p = try summary.optional("percentiles") {
                    for (percentile, name) in [(ServingCalibration.Percentile.p90, "p90"), (.p99, "p99"), (.p999, "p999")] {
                        if let v = try p.optional(name) { targets.append(.init(metric: metric, percentile: percentile, seconds: try v.double(atLeast: 0) / 1000)) }
                    }
                }
            }
            for t in targets where t.seconds <= 0 {
                throw InputError(issues: [InputIssue(file: root.file, key: benchmark.path + ".metrics", message: "\(t.name) is 0 ms: expected latencies > 0")])
            }
            rows.append(.init(offeredRate: rate, targets: targets))
        }
        return MeasuredObservations(format: .guidellm, observations: rows, notes: notes)
    }

    /// An inference-perf experiment: one row per measured stage.
    static func inferencePerf(_ e: InferencePerfExperiment) -> MeasuredObservations {
        var rows: [ServingCalibration.Observation] = [], notes: [String] = []
        if e.sharedPrefix?.multiTurnChat == true {
            notes.append("\(e.folder) ran multi-turn chat (enable_multi_turn_chat): its prompts grew round by round; "
                         + "the --scenario should say so (workload.shared_prefix.multi_turn: true) for its rates to mean the same load")
        }
        for (k, stage) in e.stages.enumerated() {
            guard let m = stage.measured else {
                notes.append("\(e.folder) stage \(k): no metrics file, left out")
                continue
            }
            let failed = m.count > 0 ? Double(m.failures) / Double(m.count) : 0
            guard failed <= maxFailedFraction else {
                notes.append(String(format: "%@ stage %d (%g req/s): %.0f%% of requests failed, left out (its latencies cover only those that beat the client's timeout)",
                                    e.folder, k, stage.rate, failed * 100))
                continue
            }
            guard let ttft = m.timeToFirstToken, let step = m.stepTime, step > 0, ttft.p50 > 0 else {
                notes.append("\(e.folder) stage \(k): no successful request with two or more output tokens, left out")
                continue
            }
            rows.append(.init(offeredRate: stage.rate, targets: [
                .init(metric: .ttft, percentile: .p50, seconds: ttft.p50),
                .init(metric: .ttft, percentile: .p90, seconds: ttft.p90),
                .init(metric: .ttft, percentile: .p99, seconds: ttft.p99),
                .init(metric: .tpot, percentile: .mean, seconds: step),
            ]))
        }
        return MeasuredObservations(format: .inferencePerf, observations: rows, notes: notes)
    }
}
