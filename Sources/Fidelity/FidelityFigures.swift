/// The figures a fidelity comparison holds side by side, measured or
/// predicted: latency summaries of the successful requests (seconds), the
/// mean decode step, and the failures.
package struct FidelityFigures: Sendable, Equatable, Encodable {
    /// Mean time to first token.
    package var ttftMean: Double?
    /// Median time to first token.
    package var ttftP50: Double?
    /// 90th-percentile time to first token.
    package var ttftP90: Double?
    /// 99th-percentile time to first token.
    package var ttftP99: Double?
    /// Mean end-to-end latency.
    package var e2eMean: Double?
    /// Median end-to-end latency.
    package var e2eP50: Double?
    /// 99th-percentile end-to-end latency.
    package var e2eP99: Double?
    /// (mean e2e − mean TTFT) / (output tokens − 1): the mean decode step.
    package var stepTime: Double?
    /// Requests that failed (timed out at the client, refused).
    package var failures: Double?

    /// Figures.
    package init(ttftMean: Double? = nil, ttftP50: Double? = nil, ttftP90: Double? = nil, ttftP99: Double? = nil, e2eMean: Double? = nil,
                 e2eP50: Double? = nil, e2eP99: Double? = nil, stepTime: Double? = nil, failures: Double? = nil) {
        self.ttftMean = ttftMean
        self.ttftP50 = ttftP50
        self.ttftP90 = ttftP90
        self.ttftP99 = ttftP99
        self.e2eMean = e2eMean
        self.e2eP50 = e2eP50
        self.e2eP99 = e2eP99
        self.stepTime = stepTime
        self.failures = failures
    }

    /// The keys in order, as the JSON and the table name them.
    package static let keys = ["ttft_mean", "ttft_p50", "ttft_p90", "ttft_p99", "e2e_mean", "e2e_p50", "e2e_p99", "step_time", "failures"]

    /// The figure under `key`.
    package subscript(key: String) -> Double? {
        get {
            switch key {
            case "ttft_mean": return ttftMean
            case "ttft_p50": return ttftP50
            case "ttft_p90": return ttftP90
            case "ttft_p99": return ttftP99
            case "e2e_mean": return e2eMean
            case "e2e_p50": return e2eP50
            case "e2e_p99": return e2eP99
            case "step_time": return stepTime
            case "failures": return failures
            default: return nil
            }
        }
        set {
            switch key {
            case "ttft_mean": ttftMean = newValue
            case "ttft_p50": ttftP50 = newValue
            case "ttft_p90": ttftP90 = newValue
            case "ttft_p99": ttftP99 = newValue
            case "e2e_mean": e2eMean = newValue
            case "e2e_p50": e2eP50 = newValue
            case "e2e_p99": e2eP99 = newValue
            case "step_time": stepTime = newValue
            case "failures": failures = newValue
            default: break
            }
        }
    }

    /// |predicted − measured| / measured for each key where both exist and
    /// the measured figure is not 0 (for failures: 0 when both are 0).
    package static func ape(measured m: FidelityFigures, predicted p: FidelityFigures) -> FidelityFigures {
        var out = FidelityFigures()
        for key in keys {
            guard let a = m[key], let b = p[key] else { continue }
            if a != 0 {
                out[key] = abs(b - a) / abs(a)
            } else if b == 0 {
                out[key] = 0
            }
        }
        return out
    }

    enum CodingKeys: String, CodingKey {
        case ttftMean = "ttft_mean", ttftP50 = "ttft_p50", ttftP90 = "ttft_p90", ttftP99 = "ttft_p99"
        case e2eMean = "e2e_mean", e2eP50 = "e2e_p50", e2eP99 = "e2e_p99", stepTime = "step_time", failures
    }

    /// Every key written, `null` where there is no figure.
    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ttftMean, forKey: .ttftMean)
        try c.encode(ttftP50, forKey: .ttftP50)
        try c.encode(ttftP90, forKey: .ttftP90)
        try c.encode(ttftP99, forKey: .ttftP99)
        try c.encode(e2eMean, forKey: .e2eMean)
        try c.encode(e2eP50, forKey: .e2eP50)
        try c.encode(e2eP99, forKey: .e2eP99)
        try c.encode(stepTime, forKey: .stepTime)
        try c.encode(failures, forKey: .failures)
    }
}
