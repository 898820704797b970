import Foundation

/// Turns a method's base forecasts into calibrated quantiles, learned from
/// validation errors only (split conformal prediction on the log scale).
///
/// For level `τ` and step `h`, the correction `c[τ][h]` is the empirical
/// `τ`-quantile of `log((y + 1) / (base + 1))` over validation windows,
/// where `base` is the method's own `τ` output when it has one (the LSTM) or
/// its point forecast (baselines). The quantile forecast is then
/// `(base + 1) · e^c − 1`, made monotone across levels.
///
/// The p90 is then raised so that it also covers the peak of the window:
/// `peakCorrection` is a quantile over validation windows of
/// `log((max_h y + 1) / (max_h p90 + 1))` (0 when already covered), added to
/// the 0.9 level's corrections. A capacity plan sized on the p90 then
/// covers the window's busiest interval in 90 % of validation windows
/// (per-step coverage of the p90 rises above 90 %). The quantile's level is
/// split conformal's finite-sample one, `min(1, ⌈0.9·(n + 1)⌉ / n)` for
/// `n` independent (non-overlapping) windows: with few of them (three days
/// of day-ahead windows) it is the largest validation shortfall.
package struct QuantileCalibration: Codable, Sendable, Equatable {
    /// Quantile levels, ascending.
    package var levels: [Double]
    /// `corrections[k][h]` for `levels[k]` at step `h`.
    package var corrections: [[Double]]
    /// Extra log-scale correction of the 0.9 level so its window peak covers the actual peak (>= 0).
    package var peakCorrection: Double = 0

    /// Corrections per level and step, and the p90 peak correction.
    package init(levels: [Double], corrections: [[Double]], peakCorrection: Double = 0) {
        self.levels = levels
        self.corrections = corrections
        self.peakCorrection = peakCorrection
    }

    enum CodingKeys: String, CodingKey { case levels, corrections, peakCorrection }

    /// Decodes a calibration; files written before the peak correction existed read it as 0.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        levels = try c.decode([Double].self, forKey: .levels)
        corrections = try c.decode([[Double]].self, forKey: .corrections)
        peakCorrection = try c.decodeIfPresent(Double.self, forKey: .peakCorrection) ?? 0
    }

    /// Learns corrections from validation pairs: `actual[w][h]` and
    /// `base[w][k][h]` for window `w`, level `k`, step `h`.
    /// `independentWindows` (default: every window) sets the level of the peak correction.
    package static func fit(levels: [Double], actual: [[Double]], base: [[[Double]]],
                           independentWindows: Int? = nil) -> QuantileCalibration {
        let horizon = actual.first?.count ?? 0
        var corrections = levels.map { _ in [Double](repeating: 0, count: horizon) }
        guard !actual.isEmpty else { return QuantileCalibration(levels: levels, corrections: corrections) }
        for (k, level) in levels.enumerated() {
            for h in 0..<horizon {
                let r = actual.indices.map { w in log((actual[w][h] + 1) / (base[w][k][h] + 1)) }.sorted()
                corrections[k][h] = empiricalQuantile(r, level)
            }
        }
        var calibration = QuantileCalibration(levels: levels, corrections: corrections)
        if let k90 = levels.firstIndex(where: { abs($0 - 0.9) < 1e-9 }) {
            let r = actual.indices.map { w -> Double in
                let p90 = calibration.apply(base: base[w])[k90]
                return log(((actual[w].max() ?? 0) + 1) / ((p90.max() ?? 0) + 1))
            }.sorted()
            let n = Double(max(1, independentWindows ?? actual.count))
            calibration.peakCorrection = max(0, empiricalQuantile(r, min(1, (0.9 * (n + 1)).rounded(.up) / n)))
        }
        return calibration
    }

    /// Applies the corrections to `base[k][h]` (steps beyond the fitted
    /// horizon reuse the last step's correction).
    package func apply(base: [[Double]]) -> [[Double]] {
        var out = base
        for k in out.indices {
            for h in out[k].indices {
                let row = corrections[k]
                var c = row.isEmpty ? 0 : row[min(h, row.count - 1)]
                if abs(levels[min(k, levels.count - 1)] - 0.9) < 1e-9 { c += peakCorrection }
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
