import ServingModel

/// The quantities a sweep records for every run, and reports for every
/// cell as a mean with its confidence interval across seeds.
package enum SweepMetric: String, CaseIterable, Sendable {
    /// Median time to first token (s).
    case ttftP50 = "ttft_p50"
    /// 99th-percentile time to first token (s).
    case ttftP99 = "ttft_p99"
    /// Median time per output token (s).
    case tpotP50 = "tpot_p50"
    /// 99th-percentile time per output token (s).
    case tpotP99 = "tpot_p99"
    /// Median end-to-end latency (s).
    case e2eP50 = "e2e_p50"
    /// 99th-percentile end-to-end latency (s).
    case e2eP99 = "e2e_p99"
    /// 99th-percentile queue wait (s).
    case queueWaitP99 = "queue_wait_p99"
    /// Rejected and timed out over offered (`SLA`'s error rate).
    case errorRate = "error_rate"
    /// Completed over decided (`SLA`'s availability).
    case availability
    /// Completions meeting the scenario's `slo`, over offered.
    case goodput
    /// Completions per second.
    case throughput
    /// Mean replicas provisioned.
    case replicas
    /// Mean GPUs provisioned (replicas × GPUs per replica).
    case gpus
    /// GPUs × the hardware profile's price per GPU-hour ($/h); NaN without a profile.
    case costPerHour = "cost_per_hour"

    /// This metric's value in a run; `price` is the profile's price per GPU-hour.
    package func value(in r: ServingResult, price: Double?) -> Double {
        let gpus = r.measuredSeconds > 0 ? r.cluster.gpuHours * 3600 / r.measuredSeconds : 0
        switch self {
        case .ttftP50: return r.latencySeconds.ttft.p50
        case .ttftP99: return r.latencySeconds.ttft.p99
        case .tpotP50: return r.latencySeconds.tpot.p50
        case .tpotP99: return r.latencySeconds.tpot.p99
        case .e2eP50: return r.latencySeconds.e2e.p50
        case .e2eP99: return r.latencySeconds.e2e.p99
        case .queueWaitP99: return r.latencySeconds.queueWait.p99
        case .errorRate: return SLA.value(of: .errorRate(0), in: r)
        case .availability: return SLA.value(of: .availability(0), in: r)
        case .goodput: return SLA.value(of: .goodput(0), in: r)
        case .throughput: return r.throughput.requestsPerSecond
        case .replicas: return r.cluster.meanReplicas
        case .gpus: return gpus
        case .costPerHour: return price.map { gpus * $0 } ?? .nan
        }
    }
}
