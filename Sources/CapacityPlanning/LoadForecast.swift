import Forecasting
import Workload

/// Per-interval load of a planning horizon taken from a forecaster: the
/// point forecast, the quantile planned for, and the model's widest band.
///
/// Horizons longer than the model's are forecast in blocks: after each
/// block its point forecast is appended to the history as if observed and
/// the next block is forecast from there (recursive multi-step), so a
/// 72-hour plan from a 24-step model uses only the history given.
package struct LoadForecast: Sendable, Equatable {
    /// Interval width (s).
    package var interval: Double
    /// Start of the first forecast interval (s since 1970).
    package var origin: Double
    /// Point forecast (requests per interval).
    package var point: [Double]
    /// The quantile planned for (requests per interval).
    package var planned: [Double]
    /// Lowest and highest quantile levels the model produces, per interval.
    package var bandLow: [Double]
    /// See ``bandLow``.
    package var bandHigh: [Double]
    /// The quantile level planned for.
    package var level: Double
    /// The forecasting method used.
    package var method: String

    /// Forecasts `horizon` intervals after `history` with `model`.
    ///
    /// - Throws: ``PlanningError`` for a level the model does not produce, an
    ///   interval that differs from the model's, or a recursive horizon with
    ///   exogenous columns (their future values are unknown).
    package init(model: ForecasterModel, history: LoadSeries, horizon: Int, level: Double, method: String? = nil) throws {
        guard horizon >= 1 else { throw PlanningError("--horizon", "expected at least 1 interval, got \(horizon)") }
        guard model.levels.contains(where: { abs($0 - level) < 1e-9 }) else {
            throw PlanningError("--quantile", "the model produces levels \(model.levels.map { "\($0)" }.joined(separator: ", ")); got \(level)")
        }
        guard abs(model.intervalSeconds - history.interval) < 1e-6 else {
            throw PlanningError("--history", "\(history.name) has \(Int(history.interval)) s intervals; the model was trained on \(Int(model.intervalSeconds)) s")
        }
        guard horizon <= model.horizon || history.exogenousNames.isEmpty else {
            throw PlanningError("--horizon", "\(horizon) exceeds the model's \(model.horizon) and the history has exogenous columns, whose future is unknown")
        }
        let f = try model.forecastRecursively(history, horizon: horizon, method: method)
        self.interval = history.interval
        self.origin = history.timestamp(history.count)
        self.point = f.point.map { max(0, $0) }
        self.planned = f.quantile(level)!.map { max(0, $0) }
        self.bandLow = f.quantile(model.levels.min()!)!.map { max(0, $0) }
        self.bandHigh = f.quantile(model.levels.max()!)!.map { max(0, $0) }
        self.level = level
        self.method = method ?? model.selected
    }

    /// A note for the summary when the level planned for adds more than half
    /// again to the point forecast over the horizon (a wide or badly
    /// calibrated quantile that the headroom then multiplies); `nil` otherwise.
    package var spreadNote: String? { Self.spreadNote(level: level, point: point, planned: planned) }

    /// ``spreadNote`` of a forecast at `level` whose point and planned
    /// quantile are `point` and `planned`.
    static func spreadNote(level: Double, point: [Double], planned: [Double]) -> String? {
        let p = point.reduce(0, +)
        let spread = p > 0 ? planned.reduce(0, +) / p : 1
        guard level > 0.5, spread > 1.5 else { return nil }
        let pct = Int((level * 100).rounded())
        return "the forecast's p\(pct) is \(String(format: "%.2g", spread))x its point forecast over the horizon, before the headroom "
            + "multiplies it: check the model's p\(pct) on your series (headroom forecast evaluate), or plan --quantile 0.5 with the headroom alone"
    }
}
