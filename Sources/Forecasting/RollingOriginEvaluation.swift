import Foundation
import Workload

/// The forecasting benchmark's rolling-origin evaluation (protocol v1) of
/// every method a ``ForecasterModel`` trains, on one history.
///
/// The model is trained on the values before `t0 = count − holdout` only
/// (its own validation split and selection lie inside that part); every
/// method then forecasts `horizon` steps from each origin `t0, t0 + step, …`
/// using the values before the origin (Holt-Winters refits at each origin,
/// the LSTM is trained once). Windows with a missing interval are not
/// scored; missing inputs are imputed one season back. MASE uses the
/// in-sample seasonal scale over `[season, t0)`.
///
/// ```swift
/// var options = ForecasterOptions(horizon: 24)
/// options.season = 24
/// let result = try RollingOriginEvaluation.run(history, holdout: 72, step: 1, options: options)
/// result.selected                    // chosen without seeing the test part
/// ```
package struct RollingOriginEvaluation: Sendable {
    /// One method's test-part scores.
    package struct MethodResult: Codable, Sendable {
        /// Method name.
        package var name: String
        /// Test metrics.
        package var metrics: ForecastMetrics
        /// Validation MASE the selection saw.
        package var validationMase: Double
        /// Fit seconds: all refits (Holt-Winters), the final training run (LSTM), 0 (seasonal naive).
        package var trainSeconds: Double
        /// Seconds to forecast all origins.
        package var predictSeconds: Double
    }

    /// Series name.
    package var series: String
    /// Intervals in the history.
    package var count: Int
    /// First test interval.
    package var t0: Int
    /// Horizon in intervals.
    package var horizon: Int
    /// Origin step.
    package var step: Int
    /// Season length.
    package var season: Int
    /// The scored origins.
    package var origins: [Int]
    /// The MASE scale.
    package var maseScale: Double
    /// Every method, in report order.
    package var methods: [MethodResult]
    /// The method `predict` would use (``ForecasterOptions/selection``).
    package var selected: String
    /// Seconds of the whole training, validation and selection run.
    package var selectionSeconds: Double
    /// Per-origin forecasts `[method][origin]`, for exact comparisons.
    package var forecasts: [String: [QuantileForecast]]

    /// Runs the protocol; `options.horizon` is the horizon. `auxiliary`
    /// histories add LSTM training windows (a global model); only their
    /// intervals that end by the start of the test part are used.
    ///
    /// - Throws: ``ForecastingError`` when the history is too short for the
    ///   split, or training fails.
    package static func run(_ history: LoadSeries, auxiliary: [LoadSeries] = [], holdout: Int, step: Int,
                           options: ForecasterOptions, log: ((String) -> Void)? = nil) throws -> RollingOriginEvaluation {
        let horizon = options.horizon
        guard holdout >= horizon else {
            throw ForecastingError.invalidSetting(name: "holdout", value: "\(holdout)", expected: "an integer >= the horizon (\(horizon))")
        }
        guard step >= 1 else { throw ForecastingError.invalidSetting(name: "step", value: "\(step)", expected: "an integer >= 1") }
        let t0 = history.count - holdout
        let season = options.season ?? history.intervalsPerDay
        guard t0 > season else {
            throw ForecastingError.tooFewPoints(series: history.name, count: history.count, needed: holdout + season + 1,
                                                purpose: "a \(holdout)-interval test part with season \(season)")
        }
        let origins = RollingOrigin.origins(missing: history.missing, start: t0, horizon: horizon, step: step)
        guard !origins.isEmpty else {
            throw ForecastingError.tooFewPoints(series: history.name, count: history.count, needed: t0 + horizon,
                                                purpose: "a scored origin without missing intervals")
        }
        var trainingOptions = options
        trainingOptions.season = season
        if trainingOptions.step == nil { trainingOptions.step = step }
        let testStart = history.timestamp(t0)
        let cutAuxiliary = auxiliary.map { $0.ending(atOrBefore: testStart) }
        let (model, report) = try ForecasterModel.train(histories: [history.prefix(t0)], auxiliary: cutAuxiliary,
                                                        options: trainingOptions, log: log)
        let scale = ForecastMetrics.seasonalScale(history.imputed(season: season), season: season, end: t0)
        let actual = origins.map { Array(history.values[$0..<($0 + horizon)]) }
        var methods: [MethodResult] = []
        var forecasts: [String: [QuantileForecast]] = [:]
        let p90Index = model.levels.firstIndex { abs($0 - 0.9) < 1e-9 } ?? (model.levels.count - 1)
        for record in model.methods {
            let (f, fit, predict) = model.forecasts(record, history: history, origins: origins)
            forecasts[record.name] = f
            let metrics = ForecastMetrics(actual: actual, point: f.map(\.point), p90: f.map { $0.values[p90Index] }, scale: scale)
            var train = fit
            if case .lstm = record.method { train = model.lstm?.summary.seconds ?? 0 }
            if case let .ensemble(members) = record.method, members.contains("LSTM") { train += model.lstm?.summary.seconds ?? 0 }
            if case let .combination(members, _) = record.method, members.contains("LSTM") { train += model.lstm?.summary.seconds ?? 0 }
            methods.append(MethodResult(name: record.name, metrics: metrics, validationMase: record.validationMase,
                                        trainSeconds: train, predictSeconds: predict))
        }
        return RollingOriginEvaluation(series: history.name, count: history.count, t0: t0, horizon: horizon, step: step,
                                       season: season, origins: origins, maseScale: scale, methods: methods,
                                       selected: model.selected, selectionSeconds: report.seconds, forecasts: forecasts)
    }
}
