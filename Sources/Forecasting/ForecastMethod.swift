/// A forecasting method the forecaster can train, validate and select.
///
/// Names are stable and appear in reports and model files:
/// `SeasonalNaive<lag>`, `HoltWintersAdditive`, `HoltWintersMultiplicative`, `DampedHolt`, `SeasonalRegression`,
/// `LSTM`, `Ensemble<k>` (the mean of the k best methods on validation).
public enum ForecastMethod: Codable, Sendable, Equatable, Hashable {
    /// Repeat the value `lag` intervals earlier.
    case seasonalNaive(lag: Int)
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

    /// The method's report name.
    public var name: String {
        switch self {
        case let .seasonalNaive(lag): return "SeasonalNaive\(lag)"
        case .holtWinters(.additive): return "HoltWintersAdditive"
        case .holtWinters(.multiplicative): return "HoltWintersMultiplicative"
        case .dampedHolt: return "DampedHolt"
        case .seasonalRegression: return "SeasonalRegression"
        case .lstm: return "LSTM"
        case let .ensemble(members): return "Ensemble\(members.count)"
        }
    }
}

/// A forecast of `horizon` steps from one origin: the point forecast and
/// one array per quantile level.
public struct QuantileForecast: Sendable, Equatable {
    /// Point forecast per step (what MAE, sMAPE and MASE score).
    public var point: [Double]
    /// Quantile levels, ascending.
    public var levels: [Double]
    /// `values[k][h]`: the `levels[k]` quantile at step `h`.
    public var values: [[Double]]

    /// The forecast for `level`, or `nil` when it was not produced.
    public func quantile(_ level: Double) -> [Double]? {
        levels.firstIndex { abs($0 - level) < 1e-9 }.map { values[$0] }
    }
}
