import Foundation

/// Turns a method's base forecasts into calibrated quantiles, learned from
/// validation errors only (split conformal prediction on the log scale).
///
/// For level `τ` and step `h`, the correction `c[τ][h]` is the empirical
/// `τ`-quantile of `log((y + 1) / (base + 1))` over validation windows,
/// where `base` is the method's own `τ` output when it has one (the LSTM) or
/// its point forecast (baselines). The quantile forecast is then
/// `(base + 1) · e^c − 1`, made monotone across levels.
public struct QuantileCalibration: Codable, Sendable, Equatable {
    /// Quantile levels, ascending.
    public var levels: [Double]
    /// `corrections[k][h]` for `levels[k]` at step `h`.
    public var corrections: [[Double]]

    /// No correction (every quantile equals its base).
    public static func identity(levels: [Double], horizon: Int) -> QuantileCalibration {
        QuantileCalibration(levels: levels, corrections: levels.map { _ in Array(repeating: 0, count: horizon) })
    }

    /// Learns corrections from validation pairs: `actual[w][h]` and
    /// `base[w][k][h]` for window `w`, level `k`, step `h`.
    public static func fit(levels: [Double], actual: [[Double]], base: [[[Double]]]) -> QuantileCalibration {
        let horizon = actual.first?.count ?? 0
        var corrections = levels.map { _ in [Double](repeating: 0, count: horizon) }
        guard !actual.isEmpty else { return QuantileCalibration(levels: levels, corrections: corrections) }
        for (k, level) in levels.enumerated() {
            for h in 0..<horizon {
                let r = actual.indices.map { w in log((actual[w][h] + 1) / (base[w][k][h] + 1)) }.sorted()
                corrections[k][h] = empiricalQuantile(r, level)
            }
        }
        return QuantileCalibration(levels: levels, corrections: corrections)
    }

    /// Applies the corrections to `base[k][h]` (steps beyond the fitted
    /// horizon reuse the last step's correction).
    public func apply(base: [[Double]]) -> [[Double]] {
        var out = base
        for k in out.indices {
            for h in out[k].indices {
                let row = corrections[k]
                let c = row.isEmpty ? 0 : row[min(h, row.count - 1)]
                out[k][h] = max(0, (base[k][h] + 1) * exp(c) - 1)
                if k > 0 { out[k][h] = max(out[k][h], out[k - 1][h]) }
            }
        }
        return out
    }

    /// The `level` quantile of sorted values, by linear interpolation (type 7).
    static func empiricalQuantile(_ sorted: [Double], _ level: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let pos = level * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (pos - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
