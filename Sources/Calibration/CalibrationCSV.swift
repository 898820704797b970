import Foundation
import ServingModel
import Workload

/// Reads the two inputs of `headroom calibrate` through ``CSVTable``, which
/// reports every bad cell as `FILE:LINE: column 'NAME': expected ..., got
/// '...'`.
///
/// - Measured iterations, `prefill_tokens,decode_sequences,kv_tokens,prefill_pairs,iteration_seconds`
///   (the `models/hardware/*_iterations.csv` format): see ``iterations(path:)``.
/// - Serving observations, `offered_rps,ttft_p50,tpot_p50[,ttft_p90,tpot_p90,ttft_p99,tpot_p99,ttft_p999,tpot_p999]`:
///   see ``observations(path:)``.
package enum CalibrationCSV {
    /// The columns of a measured-iterations file, in the order written.
    package static let iterationColumns = ["prefill_tokens", "decode_sequences", "kv_tokens", "prefill_pairs", "iteration_seconds"]

    /// Largest `prefill_tokens` and `decode_sequences` of a row (10⁸).
    package static let maxBatchTokens = 100_000_000
    /// Largest `kv_tokens` of a row (10¹²).
    package static let maxKVTokens = 1_000_000_000_000
    /// Largest `prefill_pairs` of a row (10¹⁶, the square of ``maxBatchTokens``).
    package static let maxPrefillPairs = 1e16

    /// Reads measured iterations. Token counts are integers >= 0 (batch
    /// tokens and sequences at most 10⁸, KV tokens at most 10¹²),
    /// `prefill_pairs` a number from 0 to 10¹⁶, `iteration_seconds` a
    /// duration > 0 (seconds, or with a unit such as `9.7ms`); a row needs at
    /// least one batched token.
    package static func iterations(path: String) throws -> [IterationTimeFit.Sample] {
        var samples: [IterationTimeFit.Sample] = []
        try CSVTable.read(path: path, required: iterationColumns, optional: []) { row in
            let prefill = row.count("prefill_tokens", max: maxBatchTokens), decode = row.count("decode_sequences", max: maxBatchTokens)
            let kv = row.count("kv_tokens", max: maxKVTokens)
            let pairs = row.number("prefill_pairs", max: maxPrefillPairs)
            let seconds = row.duration("iteration_seconds")
            if let prefill, let decode, prefill + decode == 0 {
                row.fail("decode_sequences", "expected prefill_tokens + decode_sequences >= 1 (an iteration batches at least one token)", got: "0")
            }
            if let prefill, let decode, let kv, let pairs, let seconds, prefill + decode > 0 {
                samples.append(.init(prefillTokens: prefill, decodeSequences: decode, kvTokens: kv,
                                     prefillPairs: pairs, seconds: seconds))
            }
        }
        return samples
    }

    /// The latency columns an observations file may have, `ttft_p50` ... `tpot_p999`.
    package static var observationColumns: [String] {
        ServingCalibration.Percentile.allCases.flatMap { p in
            ServingCalibration.Metric.allCases.map { "\($0.rawValue)_\(p.rawValue)" }
        }
    }

    /// Reads serving observations: `offered_rps` a rate > 0 (requests per
    /// second, or with a unit such as `720/min`), latency percentiles
    /// durations > 0 (seconds, or `250ms`). `ttft_p50` and `tpot_p50` are
    /// required; the other percentile columns are optional and may be left
    /// empty in a row.
    package static func observations(path: String) throws -> [ServingCalibration.Observation] {
        var rows: [ServingCalibration.Observation] = []
        let optional = observationColumns.filter { $0 != "ttft_p50" && $0 != "tpot_p50" }
        try CSVTable.read(path: path, required: ["offered_rps", "ttft_p50", "tpot_p50"], optional: optional) { row in
            let rate = row.rate("offered_rps")
            var targets: [ServingCalibration.Target] = []
            var complete = true
            for p in ServingCalibration.Percentile.allCases {
                for m in ServingCalibration.Metric.allCases {
                    let name = "\(m.rawValue)_\(p.rawValue)"
                    guard p == .p50 || row.has(name) else { continue }
                    guard let v = row.duration(name) else { complete = false; continue }
                    targets.append(.init(metric: m, percentile: p, seconds: v))
                }
            }
            if let rate, complete { rows.append(.init(offeredRate: rate, targets: targets)) }
        }
        return rows
    }
}
