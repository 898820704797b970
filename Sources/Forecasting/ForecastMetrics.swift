/// Accuracy of forecasts pooled over windows, as the forecasting benchmark
/// (protocol v1) defines them.
///
/// - `mae`: mean |y − f| over all origins × steps.
/// - `smape`: mean of 200·|y − f| / (|y| + |f|) in percent (0 when both are 0).
/// - `mase`: `mae` / the in-sample seasonal scale (mean |y(t) − y(t − m)| before the test part).
/// - `peakRatioMean`, `peakRatioMin`: of max f / max y per window.
/// - `peakCovered`: share of windows (0...1) whose point forecast's peak reaches the actual peak.
/// - `peakCoveredP90`: the same for the p90 forecast.
/// - `peakRatioP90Mean`: mean of max p90 / max y per window (what covering the peak costs).
/// - `quantileCoverageP90`: share of points (0...1) with y <= p90.
package struct ForecastMetrics: Codable, Sendable, Equatable {
    /// Mean absolute error.
    package var mae: Double
    /// Symmetric MAPE, percent.
    package var smape: Double
    /// Mean absolute scaled error.
    package var mase: Double
    /// Mean peak ratio.
    package var peakRatioMean: Double
    /// Smallest peak ratio.
    package var peakRatioMin: Double
    /// Share of windows whose point-forecast peak covers the actual peak.
    package var peakCovered: Double
    /// Share of windows whose p90 peak covers the actual peak.
    package var peakCoveredP90: Double
    /// Mean ratio of the p90 forecast's peak to the actual peak.
    package var peakRatioP90Mean: Double
    /// Share of points at or below the p90 forecast.
    package var quantileCoverageP90: Double
    /// Windows scored.
    package var windows: Int

    /// Metrics of windows `actual[w]` against `point[w]` and `p90[w]`, with MASE scale `scale`.
    package init(actual: [[Double]], point: [[Double]], p90: [[Double]], scale: Double) {
        var absSum = 0.0, smapeSum = 0.0, points = 0, covered90 = 0
        var ratios: [Double] = [], ratios90: [Double] = [], peaks = 0, peaks90 = 0
        for w in actual.indices {
            for h in actual[w].indices {
                let y = actual[w][h], f = point[w][h]
                absSum += abs(y - f)
                let denominator = abs(y) + abs(f)
                smapeSum += denominator == 0 ? 0 : 200 * abs(y - f) / denominator
                if y <= p90[w][h] { covered90 += 1 }
                points += 1
            }
            let peak = actual[w].max() ?? 0
            let ratio = peak > 0 ? (point[w].max() ?? 0) / peak : 1
            ratios.append(ratio)
            ratios90.append(peak > 0 ? (p90[w].max() ?? 0) / peak : 1)
            if (point[w].max() ?? 0) >= peak { peaks += 1 }
            if (p90[w].max() ?? 0) >= peak { peaks90 += 1 }
        }
        let n = Double(max(points, 1)), windows = Double(max(actual.count, 1))
        mae = absSum / n
        smape = smapeSum / n
        mase = scale > 0 ? mae / scale : .infinity
        peakRatioMean = ratios.reduce(0, +) / windows
        peakRatioMin = ratios.min() ?? 0
        peakCovered = Double(peaks) / windows
        peakCoveredP90 = Double(peaks90) / windows
        peakRatioP90Mean = ratios90.reduce(0, +) / windows
        quantileCoverageP90 = Double(covered90) / n
        self.windows = actual.count
    }

    enum CodingKeys: String, CodingKey {
        case mae, smape, mase, peakRatioMean, peakRatioMin, peakCovered, peakCoveredP90, peakRatioP90Mean, quantileCoverageP90, windows
    }

    /// Decodes metrics; files written before `peakRatioP90Mean` existed read it as 0.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mae = try c.decode(Double.self, forKey: .mae)
        smape = try c.decode(Double.self, forKey: .smape)
        mase = try c.decode(Double.self, forKey: .mase)
        peakRatioMean = try c.decode(Double.self, forKey: .peakRatioMean)
        peakRatioMin = try c.decode(Double.self, forKey: .peakRatioMin)
        peakCovered = try c.decode(Double.self, forKey: .peakCovered)
        peakCoveredP90 = try c.decode(Double.self, forKey: .peakCoveredP90)
        peakRatioP90Mean = try c.decodeIfPresent(Double.self, forKey: .peakRatioP90Mean) ?? 0
        quantileCoverageP90 = try c.decode(Double.self, forKey: .quantileCoverageP90)
        windows = try c.decode(Int.self, forKey: .windows)
    }

    /// The MASE scale: mean |y(t) − y(t − m)| for `t` in `start ..< end` (`start` at least `m`;
    /// default `m`: every step with a season before it), on imputed values; 0 for an empty range.
    package static func seasonalScale(_ values: [Double], season m: Int, start: Int = 0, end: Int) -> Double {
        let first = max(m, start)
        guard end > first else { return 0 }
        var total = 0.0
        for t in first..<end { total += abs(values[t] - values[t - m]) }
        return total / Double(end - first)
    }
}
