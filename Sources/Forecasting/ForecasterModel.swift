import Foundation
import Workload

/// A trained forecaster: every candidate method with its validation score
/// and quantile calibration, the method selected on validation data, and
/// the LSTM's weights. This is what `headroom forecast train` writes to
/// `models/forecasters/*.json` and what `predict` and the planner load.
///
/// ```swift
/// let model = try ForecasterModel.load(path: "models/forecasters/servegen-hourly.json")
/// let f = try model.forecast(history, horizon: 24)    // the selected method
/// f.quantile(0.9)
/// ```
package struct ForecasterModel: Codable, Sendable, Equatable {
    /// Value of `format` in every model file.
    package static let formatName = "headroom-forecaster"
    /// The model file version this code reads and writes.
    package static let currentVersion = 1

    /// One candidate method and what validation said about it.
    package struct MethodRecord: Codable, Sendable, Equatable {
        /// Report name (see ``ForecastMethod/name``).
        package var name: String
        /// The method.
        package var method: ForecastMethod
        /// The per-history validation MASE pooled over histories (lower is better): their geometric
        /// mean over the histories every candidate scores (``ForecasterModel/geometricPool(_:comparable:)``).
        package var validationMase: Double
        /// Validation metrics pooled over all histories' validation windows.
        package var validation: ForecastMetrics
        /// Quantile corrections learned on the validation windows.
        package var calibration: QuantileCalibration
    }

    /// The LSTM's settings and weights.
    package struct LSTMRecord: Codable, Sendable, Equatable {
        /// Shape and training settings.
        package var settings: LSTMSettings
        /// Features per step.
        package var inputSize: Int
        /// Flat parameters of each member network (layout in ``LSTMNetwork``).
        package var parameters: [[Float]]
        /// The final training run.
        package var summary: LSTMForecaster.Summary
    }

    /// A history the model was trained on.
    package struct HistoryRecord: Codable, Sendable, Equatable {
        /// The history's name.
        package var name: String
        /// Intervals.
        package var intervals: Int
        /// Missing intervals.
        package var missing: Int
        /// Intervals held out for validation.
        package var validationIntervals: Int
        /// `true` for a history that only added LSTM training windows.
        package var auxiliary: Bool
    }

    /// Always ``formatName``.
    package var format: String
    /// Model file version (``currentVersion``).
    package var version: Int
    /// Interval of the histories, seconds.
    package var intervalSeconds: Double
    /// Season length in intervals (MASE scale, seasonal naive, Holt-Winters, imputation).
    package var season: Int
    /// Longest horizon the model forecasts, in intervals.
    package var horizon: Int
    /// Quantile levels produced.
    package var levels: [Double]
    /// Exogenous columns the model reads.
    package var exogenousNames: [String]
    /// Every candidate, in report order.
    package var methods: [MethodRecord]
    /// The method chosen on validation data (lowest validation MASE).
    package var selected: String
    /// The LSTM, when it was trained.
    package var lstm: LSTMRecord?
    /// The training histories.
    package var trainedOn: [HistoryRecord]

    /// The record of the method called `name`.
    package func method(named name: String) -> MethodRecord? {
        methods.first { $0.name == name }
    }

    /// The LSTM forecaster rebuilt from its record.
    package var lstmForecaster: LSTMForecaster? {
        lstm.map {
            LSTMForecaster(settings: $0.settings, exogenousNames: exogenousNames,
                           networks: $0.parameters.map { [settings = $0.settings, inputSize = $0.inputSize] p in
                               LSTMNetwork(inputSize: inputSize, hiddenSize: settings.hiddenSize,
                                           outputSize: settings.horizon * settings.quantiles.count, parameters: p)
                           })
        }
    }

    /// The fewest intervals before an origin that `method` needs.
    func historyNeeded(_ method: ForecastMethod) -> Int {
        switch method {
        case let .seasonalNaive(lag): return lag
        case .seasonalMean: return season
        case .holtWinters: return 2 * season + 1
        case .dampedHolt: return DampedHolt.minimumHistory
        case .seasonalRegression: return 2 * season + 1
        case .lstm: return lstm?.settings.window ?? Int.max
        case let .ensemble(members), let .combination(members, _):
            return members.compactMap { self.method(named: $0).map { historyNeeded($0.method) } }.max() ?? 0
        }
    }

    /// Forecasts of the next `horizon` intervals after the end of `history`
    /// by `methodName` (default: the selected method).
    ///
    /// - Throws: ``ForecastingError`` when the horizon exceeds the model's,
    ///   the history is too short, or its exogenous columns differ.
    package func forecast(_ history: LoadSeries, horizon: Int, method methodName: String? = nil) throws -> QuantileForecast {
        guard horizon >= 1 else {
            throw ForecastingError.invalidSetting(name: "horizon", value: "\(horizon)", expected: "an integer >= 1")
        }
        guard horizon <= self.horizon else {
            throw ForecastingError.horizonTooLong(requested: horizon, supported: self.horizon)
        }
        let name = methodName ?? selected
        guard let record = method(named: name) else {
            throw ForecastingError.invalidSetting(name: "method", value: name,
                                                  expected: "one of " + methods.map(\.name).joined(separator: ", "))
        }
        guard history.exogenousNames == exogenousNames else {
            throw ForecastingError.exogenousMismatch(series: history.name, expected: exogenousNames, got: history.exogenousNames)
        }
        guard abs(history.interval - intervalSeconds) <= 1e-6 * intervalSeconds else {
            throw ForecastingError.modelIntervalMismatch(series: history.name, interval: history.interval, model: intervalSeconds)
        }
        let needed = historyNeeded(record.method)
        guard history.count >= needed else {
            throw ForecastingError.tooFewPoints(series: history.name, count: history.count, needed: needed,
                                                purpose: "forecasting with \(name)")
        }
        var f = forecasts(record, history: history, origins: [history.count]).forecasts[0]
        f.point = Array(f.point.prefix(horizon))
        f.values = f.values.map { Array($0.prefix(horizon)) }
        return f
    }

    /// Forecasts of `horizon` steps by one method from each origin (values
    /// before the origin only), with the seconds spent fitting and predicting.
    ///
    /// For a day-ahead horizon `Combination`'s upper quantiles also cover its members' (see
    /// ``ForecastMethod/combinationRule(horizon:season:)`` and ``coverMembers(_:members:)``).
    func forecasts(_ record: MethodRecord, history: LoadSeries, origins: [Int])
        -> (forecasts: [QuantileForecast], fitSeconds: Double, predictSeconds: Double) {
        let scales = originScales(record.calibration, history: history, origins: origins)
        if case let .combination(members, weights) = record.method {
            let parts = members.compactMap { method(named: $0) }.map { forecasts($0, history: history, origins: origins) }
            let cover = ForecastMethod.combinationRule(horizon: horizon, season: season).coverMembers
            let out = origins.indices.map { i -> QuantileForecast in
                let point = Self.weightedPoint(parts.map { $0.forecasts[i].point }, weights: weights, horizon: horizon)
                let own = record.calibration.apply(base: levels.map { _ in point }, scale: scales[i])
                guard cover else { return QuantileForecast(point: point, levels: levels, values: own) }
                return QuantileForecast(point: point, levels: levels,
                                        values: coverMembers(own, members: parts.map { $0.forecasts[i].values }))
            }
            return (out, parts.reduce(0) { $0 + $1.fitSeconds }, parts.reduce(0) { $0 + $1.predictSeconds })
        }
        let base = baseForecasts(record.method, history: history, origins: origins)
        let out = zip(base.forecasts, scales).map { b, scale in
            QuantileForecast(point: b.point, levels: levels, values: record.calibration.apply(base: b.values, scale: scale))
        }
        return (out, base.fitSeconds, base.predictSeconds)
    }

    /// The history's ``QuantileCalibration/recentScale(_:season:end:)`` at each origin (missing
    /// intervals imputed), which additive calibrations need; zeros for a log-scale one.
    func originScales(_ calibration: QuantileCalibration, history: LoadSeries, origins: [Int]) -> [Double] {
        guard calibration.errorScale != .log else { return origins.map { _ in 0 } }
        let values = history.imputed(season: season)
        return origins.map { QuantileCalibration.recentScale(values, season: season, end: $0) }
    }

    /// The combination's quantiles `own[k][h]` with every level above the median raised to at least
    /// each member's calibrated quantile of that level (then kept ascending across levels): where
    /// the members disagree, the upper bound covers each of their views, not only their average.
    func coverMembers(_ own: [[Double]], members: [[[Double]]]) -> [[Double]] {
        var out = own
        for k in out.indices where levels[k] > 0.5 {
            for h in out[k].indices {
                for m in members { out[k][h] = max(out[k][h], m[k][h]) }
                if k > 0 { out[k][h] = max(out[k][h], out[k - 1][h]) }
            }
        }
        return out
    }

    /// `Σ weights[j] · points[j][h]` for each step.
    static func weightedPoint(_ points: [[Double]], weights: [Double], horizon: Int) -> [Double] {
        var point = [Double](repeating: 0, count: horizon)
        for (p, w) in zip(points, weights) { for h in 0..<horizon { point[h] += w * p[h] } }
        return point
    }

    /// Uncalibrated forecasts: the point forecast, and per level the method's
    /// own quantile output (LSTM) or the point forecast (others).
    func baseForecasts(_ method: ForecastMethod, history: LoadSeries, origins: [Int])
        -> (forecasts: [QuantileForecast], fitSeconds: Double, predictSeconds: Double) {
        let y = history.modelInputs(season: season)
        let mask = history.inputMask
        var fit = 0.0, predict = 0.0
        func spread(_ point: [Double]) -> QuantileForecast {
            QuantileForecast(point: point, levels: levels, values: levels.map { _ in point })
        }
        switch method {
        case let .seasonalNaive(lag):
            // The protocol's reference baselines: only missing intervals are imputed (edges are not masked).
            let start = Clock.seconds()
            let raw = history.imputed(season: season)
            let out = origins.map { spread(SeasonalNaive(lag: lag).forecast(raw[..<$0], horizon: horizon)) }
            predict = Clock.seconds() - start
            return (out, 0, predict)
        case let .seasonalMean(seasons):
            let start = Clock.seconds()
            let mean = SeasonalMean(season: season, seasons: seasons)
            let out = origins.map { spread(mean.forecast(y[..<$0], horizon: horizon)) }
            predict = Clock.seconds() - start
            return (out, 0, predict)
        case let .holtWinters(seasonality):
            let hw = HoltWinters(season: season, seasonality: seasonality)
            var out: [QuantileForecast] = []
            for o in origins {
                let t0 = Clock.seconds()
                let fitted = hw.fitted(y[..<o])
                let t1 = Clock.seconds()
                out.append(spread(fitted.forecast(horizon: horizon)))
                fit += t1 - t0
                predict += Clock.seconds() - t1
            }
            return (out, fit, predict)
        case .dampedHolt:
            let holt = DampedHolt(maxHistory: 3 * season)
            let start = Clock.seconds()
            let out = origins.map { spread(holt.forecast(y[..<$0], horizon: horizon)) }
            fit = Clock.seconds() - start
            return (out, fit, 0)
        case .seasonalRegression:
            let perDay = max(1, Int((86_400 / intervalSeconds).rounded()))
            let regression = SeasonalRegression(day: season, week: 7 * perDay)
            let start = Clock.seconds()
            let out = origins.map { spread(regression.forecast(y[..<$0], missing: mask[..<$0], horizon: horizon)) }
            fit = Clock.seconds() - start
            return (out, fit, 0)
        case .lstm:
            guard let net = lstmForecaster else { return (origins.map { _ in spread([]) }, 0, 0) }
            let start = Clock.seconds()
            let raw = net.forecast(history, season: season, origins: origins)
            predict = Clock.seconds() - start
            let out = raw.map { q in
                QuantileForecast(point: q[levels.firstIndex(of: 0.5) ?? 0], levels: levels, values: q)
            }
            return (out, 0, predict)
        case let .ensemble(members):
            let parts = members.compactMap { name in self.method(named: name) }
                .map { baseForecasts($0.method, history: history, origins: origins) }
            let out = origins.indices.map { i -> QuantileForecast in
                var point = [Double](repeating: 0, count: horizon)
                for p in parts { for h in 0..<horizon { point[h] += p.forecasts[i].point[h] / Double(parts.count) } }
                return spread(point)
            }
            return (out, parts.reduce(0) { $0 + $1.fitSeconds }, parts.reduce(0) { $0 + $1.predictSeconds })
        case let .combination(members, weights):
            let parts = members.compactMap { name in self.method(named: name) }
                .map { baseForecasts($0.method, history: history, origins: origins) }
            let out = origins.indices.map { i in
                spread(Self.weightedPoint(parts.map { $0.forecasts[i].point }, weights: weights, horizon: horizon))
            }
            return (out, parts.reduce(0) { $0 + $1.fitSeconds }, parts.reduce(0) { $0 + $1.predictSeconds })
        }
    }
}

/// Monotonic wall clock for the timings in reports.
enum Clock {
    static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
