import ServingModel

/// How an autoscaler metric of the simulation is read from a vLLM
/// deployment's Prometheus metrics (vLLM `vllm/v1/metrics/loggers.py`;
/// https://docs.vllm.ai/en/latest/design/metrics.html): the PromQL over one
/// pod's series, the name prometheus-adapter serves it under, and how the
/// HPA takes its target.
///
/// | simulation metric | vLLM series | HPA metric |
/// |---|---|---|
/// | `in_flight` | `vllm:num_requests_running + vllm:num_requests_waiting` | Pods `vllm_requests_in_flight`, AverageValue |
/// | `queue_depth` | `vllm:num_requests_waiting` | Pods `vllm_num_requests_waiting`, AverageValue |
/// | `kv_cache` | `vllm:kv_cache_usage_perc` (before vLLM 0.10: `vllm:gpu_cache_usage_perc`), 0–1 | Pods `vllm_kv_cache_usage_perc`, AverageValue |
/// | `ttft_p50/p90/p99` | `histogram_quantile(q, rate(vllm:time_to_first_token_seconds_bucket[1m]))` over the deployment | External `vllm_ttft_pNN_seconds`, Value |
///
/// `utilization` (the busy-time fraction) has no vLLM series: nil.
package struct VLLMMetric: Sendable, Equatable {
    /// The simulation's metric.
    package var metric: ScalingMetric
    /// The name prometheus-adapter serves it under (`name.as` of its rule).
    package var adapterName: String
    /// Whether the HPA reads it per pod (`type: Pods`, AverageValue) or as
    /// one value for the deployment (`type: External`, Value).
    package var perPod: Bool
    /// The vLLM series the adapter's rule discovers (`seriesQuery`).
    package var series: String
    /// PromQL of the metric for the pods `selector` matches (a label
    /// matcher list without braces, such as `namespace="ns",pod=~"vllm-.*"`):
    /// the deployment's total for a per-pod metric (KEDA divides it by the
    /// replicas: `metricType: AverageValue`), the value itself otherwise.
    package var query: @Sendable (_ selector: String) -> String
    /// The adapter rule's `metricsQuery` (a template over `<<.LabelMatchers>>` and `<<.GroupBy>>`).
    package var adapterQuery: String

    package static func == (a: VLLMMetric, b: VLLMMetric) -> Bool { a.metric == b.metric }

    /// The vLLM reading of `metric`, or nil when vLLM exports none.
    package static func of(_ metric: ScalingMetric) -> VLLMMetric? {
        switch metric {
        case .utilization:
            return nil
        case .inFlight:
            return VLLMMetric(metric: metric, adapterName: "vllm_requests_in_flight", perPod: true,
                              series: "vllm:num_requests_running",
                              query: { "sum(vllm:num_requests_running{\($0)}) + sum(vllm:num_requests_waiting{\($0)})" },
                              adapterQuery: "sum by (<<.GroupBy>>) (vllm:num_requests_running{<<.LabelMatchers>>}) + "
                                  + "sum by (<<.GroupBy>>) (vllm:num_requests_waiting{<<.LabelMatchers>>})")
        case .queueDepth:
            return VLLMMetric(metric: metric, adapterName: "vllm_num_requests_waiting", perPod: true,
                              series: "vllm:num_requests_waiting",
                              query: { "sum(vllm:num_requests_waiting{\($0)})" },
                              adapterQuery: "sum by (<<.GroupBy>>) (vllm:num_requests_waiting{<<.LabelMatchers>>})")
        case .kvCache:
            return VLLMMetric(metric: metric, adapterName: "vllm_kv_cache_usage_perc", perPod: true,
                              series: "vllm:kv_cache_usage_perc",
                              query: { "sum(vllm:kv_cache_usage_perc{\($0)})" },
                              adapterQuery: "avg by (<<.GroupBy>>) (vllm:kv_cache_usage_perc{<<.LabelMatchers>>})")
        case .ttftP50, .ttftP90, .ttftP99:
            let q = metric == .ttftP50 ? "0.5" : metric == .ttftP90 ? "0.9" : "0.99"
            let pct = metric == .ttftP50 ? "50" : metric == .ttftP90 ? "90" : "99"
            return VLLMMetric(metric: metric, adapterName: "vllm_ttft_p\(pct)_seconds", perPod: false,
                              series: "vllm:time_to_first_token_seconds_bucket",
                              query: { "histogram_quantile(\(q), sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{\($0)}[1m])))" },
                              adapterQuery: "histogram_quantile(\(q), sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{<<.LabelMatchers>>}[1m])))")
        }
    }

    /// The metric a Pods or External HPA metric name stands for (the inverse of ``adapterName``).
    package static func named(_ adapterName: String) -> VLLMMetric? {
        ScalingMetric.allCases.lazy.compactMap { of($0) }.first { $0.adapterName == adapterName }
    }

    /// The prometheus-adapter rule that serves this metric (its config
    /// file's `rules:` entry for a Pods metric, `externalRules:` for an External one).
    package func adapterRule(namespace: String) -> ManifestYAML {
        let resources: ManifestYAML = perPod
            ? .map([("overrides", .map([("namespace", .map([("resource", .string("namespace"))])),
                                         ("pod", .map([("resource", .string("pod"))]))]))])
            : .map([("overrides", .map([("namespace", .map([("resource", .string("namespace"))]))]))])
        let seriesQuery = perPod ? "\(series){namespace!=\"\",pod!=\"\"}" : "\(series){namespace=\"\(namespace)\"}"
        return .map([("seriesQuery", .string(seriesQuery)), ("resources", resources),
                     ("name", .map([("matches", .string("^" + series + "$")), ("as", .string(adapterName))])),
                     ("metricsQuery", .string(adapterQuery))])
    }
}
