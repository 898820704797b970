import Foundation

/// Turns a method's base forecasts into calibrated quantiles, learned from
/// validation errors only (split conformal prediction on the log scale).
///
/// For level `τ` and step `h`, the correction `c[τ][h]` is the empirical
/// quantile of `log((y + 1) / (base + 1))` over validation windows, where
/// `base` is the method's own `τ` output when it has one (the LSTM) or its
/// point forecast (baselines), at split conformal's finite-sample level for
/// `n` independent (non-overlapping) windows, ``conformalLevel(_:windows:)``:
/// `⌈τ·(n + 1)⌉ / n` above the median, so that a p90 learned from few
/// windows (three days of day-ahead windows from one history) is the largest
/// validation error rather than an interpolation between the two largest.
/// The quantile forecast is then `(base + 1) · e^c − 1`, made monotone
/// across levels.
///
/// With `coverPeaks` the p90 is then raised so that it also covers the peak
/// of the window: `peakCorrection` is a quantile over validation windows of
/// `log((max_h y + 1) / (max_h p90 + 1))` (0 when already covered), at the
/// same finite-sample level, added to the 0.9 level's corrections. A
/// capacity plan sized on the p90 then covers the window's busiest interval
/// in 90 % of validation windows (per-step coverage rises above 90 %).
///
/// With ``ErrorScale/recentSeasonalScale`` the same empirical quantiles are
/// taken of `(y − base) / s` instead, `s` the history's own recent scale at
/// the origin (``recentScale(_:season:end:)``: the mean absolute change from
/// one season to the next over the last ``scaleSeasons`` seasons), and the
/// quantile forecast is `base + c · s`: one pooled correction per level and
/// step, in units of each history's noise, as a per-series interval is built
/// (statsforecast's seasonal naive adds `1.28 σ` of the series' own seasonal
/// differences for its p90). Training fits both and keeps, per method, the
/// one with the lower validation pinball loss at 0.9.
package struct QuantileCalibration: Codable, Sendable, Equatable {
    /// How errors are measured when corrections are learned and applied.
    package enum ErrorScale: String, Codable, Sendable, Equatable {
        /// `log((y + 1) / (base + 1))`: multiplicative corrections.
        case log
        /// `(y − base) / s`, `s` the history's recent seasonal scale: additive corrections in units of it.
        case recentSeasonalScale = "recent_seasonal_scale"
    }

    /// Seasons over which ``recentScale(_:season:end:)`` averages.
    package static let scaleSeasons = 7
    /// Quantile levels, ascending.
    package var levels: [Double]
    /// `corrections[k][h]` for `levels[k]` at step `h`.
    package var corrections: [[Double]]
    /// Extra correction of the 0.9 level so its window peak covers the actual peak (>= 0), on the errors' scale.
    package var peakCorrection: Double = 0
    /// The scale errors are measured on.
    package var errorScale: ErrorScale = .log

    /// Corrections per level and step, the p90 peak correction, and the errors' scale.
    package init(levels: [Double], corrections: [[Double]], peakCorrection: Double = 0, errorScale: ErrorScale = .log) {
        self.levels = levels
        self.corrections = corrections
        self.peakCorrection = peakCorrection
        self.errorScale = errorScale
    }

    enum CodingKeys: String, CodingKey { case levels, corrections, peakCorrection, errorScale }

    /// Decodes a calibration; files written before the peak correction or the error scale existed read
    /// them as 0 and `log`.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        levels = try c.decode([Double].self, forKey: .levels)
        corrections = try c.decode([[Double]].self, forKey: .corrections)
        peakCorrection = try c.decodeIfPresent(Double.self, forKey: .peakCorrection) ?? 0
        errorScale = try c.decodeIfPresent(ErrorScale.self, forKey: .errorScale) ?? .log
    }

    /// Writes the error scale only when it is not `log`, so files of log-scale calibrations keep their bytes.
    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(levels, forKey: .levels)
        try c.encode(corrections, forKey: .corrections)
        try c.encode(peakCorrection, forKey: .peakCorrection)
        if errorScale != .log { try c.encode(errorScale, forKey: .errorScale) }
    }

    /// Learns corrections from validation pairs: `actual[w][h]` and
    /// `base[w][k][h]` for window `w`, level `k`, step `h`.
    /// With `coverPeaks` the p90 is also raised to cover window peaks (``peakCorrection``);
    /// `independentWindows` (default: every window) sets that correction's level.
    /// With `scales` (each window's history's ``recentScale(_:season:end:)`` at its origin) the
    /// corrections are additive in units of it (windows whose scale is 0 are left out); without, log-scale.
    package static func fit(levels: [Double], actual: [[Double]], base: [[[Double]]],
                           coverPeaks: Bool = false, independentWindows: Int? = nil,
                           scales: [Double]? = nil) -> QuantileCalibration {
        let horizon = actual.first?.count ?? 0
        var corrections = levels.map { _ in [Double](repeating: 0, count: horizon) }
        let errorScale: ErrorScale = scales == nil ? .log : .recentSeasonalScale
        let used = actual.indices.filter { w in scales.map { $0[w] > 0 && $0[w].isFinite } ?? true }
        guard !used.isEmpty else { return QuantileCalibration(levels: levels, corrections: corrections, errorScale: errorScale) }
        func error(_ y: Double, _ q: Double, _ w: Int) -> Double {
            if let scales { return (y - q) / scales[w] }
            return log((y + 1) / (q + 1))
        }
        let n = max(1, independentWindows ?? actual.count)
        for (k, level) in levels.enumerated() {
            for h in 0..<horizon {
                let r = used.map { w in error(actual[w][h], base[w][k][h], w) }.sorted()
                corrections[k][h] = empiricalQuantile(r, conformalLevel(level, windows: n))
            }
        }
        var calibration = QuantileCalibration(levels: levels, corrections: corrections, errorScale: errorScale)
        if coverPeaks, let k90 = levels.firstIndex(where: { abs($0 - 0.9) < 1e-9 }) {
            let r = used.map { w -> Double in
                let p90 = calibration.apply(base: base[w], scale: scales?[w] ?? 0)[k90]
                return error(actual[w].max() ?? 0, p90.max() ?? 0, w)
            }.sorted()
            calibration.peakCorrection = max(0, empiricalQuantile(r, conformalLevel(0.9, windows: n)))
        }
        return calibration
    }

    /// Applies the corrections to `base[k][h]` (steps beyond the fitted
    /// horizon reuse the last step's correction). `scale` is the history's
    /// ``recentScale(_:season:end:)`` at the origin, which only additive
    /// corrections use (with a scale of 0 they leave the base as it is).
    package func apply(base: [[Double]], scale: Double) -> [[Double]] {
        var out = base
        let s = scale.isFinite && scale > 0 ? scale : 0
        for k in out.indices {
            for h in out[k].indices {
                let row = corrections[k]
                var c = row.isEmpty ? 0 : row[min(h, row.count - 1)]
                if abs(levels[min(k, levels.count - 1)] - 0.9) < 1e-9 { c += peakCorrection }
                switch errorScale {
                case .log: out[k][h] = max(0, (base[k][h] + 1) * exp(c) - 1)
                case .recentSeasonalScale: out[k][h] = max(0, base[k][h] + c * s)
                }
                if k > 0 { out[k][h] = max(out[k][h], out[k - 1][h]) }
            }
        }
        return out
    }

    /// The scale additive corrections are measured in: the mean absolute change from one season to
    /// the next, `|y(t) − y(t − season)|`, over the last ``scaleSeasons`` seasons before `end` (fewer
    /// when the history is shorter; 0 when it holds less than one season and a step).
    package static func recentScale(_ values: [Double], season: Int, end: Int) -> Double {
        ForecastMetrics.seasonalScale(values, season: season, start: end - scaleSeasons * season, end: end)
    }

    /// Split conformal's finite-sample level for a `level` quantile learned from `windows`
    /// independent windows: `min(1, ⌈level·(n + 1)⌉ / n)` above the median, `max(0, ⌊level·(n + 1)⌋ / n)`
    /// below it, the median itself unchanged. With many windows it is the level; with three
    /// (three days of day-ahead windows from one history) a p90 is the largest validation error.
    static func conformalLevel(_ level: Double, windows: Int) -> Double {
        let n = Double(max(1, windows))
        if level > 0.5 { return min(1, (level * (n + 1)).rounded(.up) / n) }
        if level < 0.5 { return max(0, (level * (n + 1)).rounded(.down) / n) }
        return level
    }

    /// The `level` quantile of sorted values, by linear interpolation (type 7).
    static func empiricalQuantile(_ sorted: [Double], _ level: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let pos = level * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (pos - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
