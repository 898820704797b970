/// A forecasting method the forecaster can train, validate and select.
///
/// Names are stable and appear in reports and model files:
/// `SeasonalNaive<lag>`, `SeasonalMean<seasons>`, `HoltWintersAdditive`, `HoltWintersMultiplicative`, `DampedHolt`, `SeasonalRegression`,
/// `LSTM`, `Ensemble<k>` (the mean of the k best methods on validation), `Combination` (the fixed,
/// documented combination of ``ForecastMethod/combinationRule(horizon:season:)``).
package enum ForecastMethod: Codable, Sendable, Equatable, Hashable {
    /// Repeat the value `lag` intervals earlier.
    case seasonalNaive(lag: Int)
    /// Mean of the same phase over the last `seasons` seasons.
    case seasonalMean(seasons: Int)
    /// Damped Holt-Winters, refitted at every origin.
    case holtWinters(HoltWinters.Seasonality)
    /// Non-seasonal damped Holt on the latest three seasons, refitted at every origin.
    case dampedHolt
    /// Log-scale trend plus daily and weekly Fourier terms on the whole history, refitted at every origin.
    case seasonalRegression
    /// The LSTM with quantile outputs (trained once).
    case lstm
    /// Mean of the point forecasts of the named methods.
    case ensemble(members: [String])
    /// Weighted mean of the point forecasts of the named methods (weights sum to 1): the fixed
    /// combination, its members set by ``ForecastMethod/combinationRule(horizon:season:)``.
    case combination(members: [String], weights: [Double])

    /// The method's report name.
    package var name: String {
        switch self {
        case let .seasonalNaive(lag): return "SeasonalNaive\(lag)"
        case let .seasonalMean(seasons): return "SeasonalMean\(seasons)"
        case .holtWinters(.additive): return "HoltWintersAdditive"
        case .holtWinters(.multiplicative): return "HoltWintersMultiplicative"
        case .dampedHolt: return "DampedHolt"
        case .seasonalRegression: return "SeasonalRegression"
        case .lstm: return "LSTM"
        case let .ensemble(members): return "Ensemble\(members.count)"
        case .combination: return "Combination"
        }
    }

    /// Seasons the `SeasonalMean` candidate averages (a week of days).
    package static let seasonalMeanSeasons = 7

    /// The members of `Combination`, how they are weighted, and how its upper quantiles are bounded,
    /// by one rule for every series:
    ///
    /// - a horizon of at least a quarter of the season (a day ahead on hourly data) is a seasonal
    ///   problem: the plain mean of SeasonalRegression, the LSTM and the seasonal mean of the last
    ///   ``seasonalMeanSeasons`` seasons. A few days of validation hold only a handful of independent
    ///   day-ahead windows, too few to rank or weight methods by, and too few to calibrate the
    ///   combination's p90 on alone: its upper quantiles are raised to at least each member's
    ///   calibrated quantile (`coverMembers`);
    /// - a shorter horizon (minutes ahead on 10-minute data) is a level problem, and validation
    ///   holds hundreds of independent windows: every model-based method (both Holt-Winters,
    ///   DampedHolt, SeasonalRegression, LSTM) weighted by 1 / validation MASE², its quantiles
    ///   calibrated on its own validation errors.
    ///
    /// The rule was chosen on the pre-test parts of the four ServeGen series together (see
    /// docs/decisions/0019 and 0020); members that were not trained are left out.
    package static func combinationRule(horizon: Int, season: Int)
        -> (members: [String], inverseSquaredWeights: Bool, coverMembers: Bool) {
        if 4 * horizon >= season { return (["SeasonalRegression", "LSTM", "SeasonalMean\(seasonalMeanSeasons)"], false, true) }
        return (["HoltWintersAdditive", "HoltWintersMultiplicative", "DampedHolt", "SeasonalRegression", "LSTM"], true, false)
    }

    /// Weights ∝ 1 / MASE² (equal when `inverseSquared` is false or a MASE is not finite and positive), summing to 1.
    package static func combinationWeights(validationMase: [Double], inverseSquared: Bool) -> [Double] {
        guard !validationMase.isEmpty else { return [] }
        let usable = validationMase.allSatisfy { $0.isFinite && $0 > 0 }
        let raw = inverseSquared && usable ? validationMase.map { 1 / ($0 * $0) } : validationMase.map { _ in 1.0 }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

}

/// A forecast of `horizon` steps from one origin: the point forecast and
/// one array per quantile level.
package struct QuantileForecast: Sendable, Equatable {
    /// Point forecast per step (what MAE, sMAPE and MASE score).
    package var point: [Double]
    /// Quantile levels, ascending.
    package var levels: [Double]
    /// `values[k][h]`: the `levels[k]` quantile at step `h`.
    package var values: [[Double]]

    /// The forecast for `level`, or `nil` when it was not produced.
    package func quantile(_ level: Double) -> [Double]? {
        levels.firstIndex { abs($0 - level) < 1e-9 }.map { values[$0] }
    }
}
