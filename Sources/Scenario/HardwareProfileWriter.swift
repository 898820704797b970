import Foundation
import ServingModel

/// Writes a ``HardwareProfile`` as `headroom-hardware/1` YAML that
/// ``HardwareProfileLoader`` reads back to the same profile.
///
/// Coefficients are written with Swift's shortest round-tripping decimal
/// form, so they reload bit for bit. A speed factor other than 1 (a
/// quantised profile) is folded into the coefficients, and the profile's
/// KV capacity is written as it is: the file describes the hardware as
/// loaded, with no `quantization:` block.
///
/// ```swift
/// let text = HardwareProfileWriter.yaml(profile, source: "calibrated by headroom calibrate from it.csv",
///                                       fit: .init(rows: 337, mape: 0.02, p95APE: 0.047, maxAPE: 0.23))
/// ```
package enum HardwareProfileWriter {
    /// The `fit:` section: how well the coefficients match their data.
    package struct Fit: Sendable, Equatable {
        /// Rows (measured iterations or observations) fitted.
        package var rows: Int
        /// Mean absolute percentage error (0.02 = 2%).
        package var mape: Double
        /// 95th-percentile absolute percentage error, when meaningful.
        package var p95APE: Double?
        /// Largest absolute percentage error.
        package var maxAPE: Double

        /// A fit summary.
        package init(rows: Int, mape: Double, p95APE: Double? = nil, maxAPE: Double) {
            self.rows = rows
            self.mape = mape
            self.p95APE = p95APE
            self.maxAPE = maxAPE
        }
    }

    /// The YAML text of `profile`, with a `source:` line and an optional `fit:` section.
    package static func yaml(_ profile: HardwareProfile, source: String, fit: Fit? = nil, notes: [String] = []) -> String {
        let it = profile.iteration
        let factor = it.speedFactor
        var lines = [
            "format: \(HardwareProfileLoader.format)",
            "name: \(quoted(profile.name))",
            "gpu: \(quoted(profile.gpu))",
            "model: \(quoted(profile.model))",
            "source: \(quoted(source))",
            "tensor_parallel: \(profile.tensorParallel)",
            "pipeline_parallel: \(profile.pipelineParallel)",
            "gpus_per_replica: \(profile.gpusPerReplica)",
            "price_per_gpu_hour: \(number(profile.pricePerGPUHour))",
            "kv_cache_tokens: \(profile.kvCacheTokens)",
            "kv_block_size: \(profile.kvBlockSize)",
            "max_model_len: \(profile.maxModelLength)",
        ] + (profile.fittedSequenceTokens.map { ["fitted_sequence_tokens: \($0)    # longest prompt + output the coefficients were fitted on; longer is extrapolated"] } ?? [])
          + (profile.weightPrecision.map { ["weight_dtype: \($0)"] } ?? []) + (profile.requestOverhead > 0 ? ["request_overhead: \(number(profile.requestOverhead))    # seconds per request outside the engine"] : []) + [
            "iteration:                      # seconds, one pipeline stage",
            "  fixed: \(number(it.fixed * factor))",
            "  linear_floor: \(number(it.linearFloor * factor))",
            "  per_token: \(number(it.perToken * factor))",
            "  per_kv_token: \(number(it.perKVToken * factor))",
            "  per_prefill_pair: \(number(it.perPrefillPair * factor))",
            "  per_token_comm: \(number(it.perTokenComm * factor))",
        ]
        if it.perSequence > 0 { lines.append("  per_sequence: \(number(it.perSequence * factor))") }
        if it.experts > 0 {
            lines.append("  moe: {experts: \(it.experts), experts_per_token: \(it.expertsPerToken), per_expert_read: \(number(it.expertRead * factor))}")
        }
        if let fit {
            lines.append("fit:")
            lines.append("  rows: \(fit.rows)")
            lines.append("  mape: \(fraction(fit.mape))")
            if let p95 = fit.p95APE { lines.append("  p95_ape: \(fraction(p95))") }
            lines.append("  max_ape: \(fraction(fit.maxAPE))")
        }
        if !notes.isEmpty {
            lines.append("# Assumptions:")
            for note in notes { lines.append("#   " + note.replacingOccurrences(of: "\n", with: " ")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar.
    package static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// An error fraction to 4 decimals (`0.0201` = 2.01%), as the bundled profiles state theirs.
    static func fraction(_ value: Double) -> String {
        String(format: "%.4f", value)
    }

    /// A finite number in its shortest round-tripping form (`0.0`, `2.5`, `6.695428e-05`).
    static func number(_ value: Double) -> String {
        value == 0 ? "0.0" : "\(value)"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
