/// The serving-benchmark outputs `headroom calibrate --observed` reads,
/// told apart by their content (never by file name).
package enum BenchmarkFormat: String, Sendable, Equatable, CaseIterable {
    /// Headroom's own table, `offered_rps,ttft_p50,tpot_p50[,...]` (see ``CalibrationCSV``).
    case csv
    /// vLLM `benchmarks/benchmark_serving.py --save-result` or `vllm bench
    /// serve --save-result` JSON: one object per run (one request rate),
    /// latencies in milliseconds under `mean_ttft_ms`, `median_ttft_ms`,
    /// `p99_ttft_ms`, ... (`--append-result` writes one object per line).
    case vllm
    /// A GuideLLM report (`benchmarks.json`): `benchmarks[]`, each with its
    /// `config.strategy` (`type_`, `rate`) and `metrics.*_ms` distributions.
    case guidellm
    /// A kubernetes-sigs inference-perf experiment folder (see ``InferencePerfExperiment``).
    case inferencePerf = "inference-perf"

    /// How a message names it.
    package var title: String {
        switch self {
        case .csv: return "Headroom observations CSV"
        case .vllm: return "vLLM benchmark_serving result"
        case .guidellm: return "GuideLLM report"
        case .inferencePerf: return "inference-perf experiment"
        }
    }
}
