import Workload

extension ForecasterModel {
    /// Forecasts `horizon` intervals after `history`, beyond the model's own
    /// horizon if need be: in blocks of at most the model's horizon, each
    /// block's point forecast appended to the history as if observed before
    /// the next block (recursive multi-step). Every level of every block is
    /// kept, so the quantiles of later blocks are conditional on the earlier
    /// points.
    ///
    /// - Throws: ``ForecastingError`` as ``forecast(_:horizon:method:)``
    ///   does, and when a horizon beyond the model's meets exogenous columns
    ///   (their future values are unknown).
    public func forecastRecursively(_ history: LoadSeries, horizon: Int, method: String? = nil) throws -> QuantileForecast {
        guard horizon >= 1 else {
            throw ForecastingError.invalidSetting(name: "horizon", value: "\(horizon)", expected: "an integer >= 1")
        }
        guard horizon <= self.horizon || history.exogenousNames.isEmpty else {
            throw ForecastingError.invalidSetting(name: "horizon", value: "\(horizon)",
                                                  expected: "at most the model's \(self.horizon) with exogenous columns (their future is unknown)")
        }
        var series = history
        var out = QuantileForecast(point: [], levels: levels, values: levels.map { _ in [] })
        while out.point.count < horizon {
            let steps = min(self.horizon, horizon - out.point.count)
            let f = try forecast(series, horizon: steps, method: method)
            out.point += f.point
            for k in out.values.indices { out.values[k] += f.values[k] }
            let next = (0..<steps).map { series.timestamp(series.count + $0) }
            series = LoadSeries(name: series.name, timestamps: series.timestamps + next, interval: series.interval,
                                values: series.values + f.point, missing: series.missing + Array(repeating: false, count: steps))
        }
        return out
    }
}

/// A trained model as the simulation's ``LoadForecaster``: its (recursive)
/// point forecast, or one of its quantiles, clipped at zero.
public struct ModelLoadForecaster: LoadForecaster {
    /// The model.
    public let model: ForecasterModel
    /// The quantile level used (nil: the point forecast).
    public let level: Double?
    /// The method (nil: the model's selected one).
    public let method: String?

    /// An adapter; a level must be one the model produces and the method
    /// one it holds.
    public init(model: ForecasterModel, level: Double? = nil, method: String? = nil) throws {
        if let level, !model.levels.contains(where: { abs($0 - level) < 1e-9 }) {
            throw ForecastingError.invalidSetting(name: "quantile", value: "\(level)",
                                                  expected: "one of the model's levels " + model.levels.map { "\($0)" }.joined(separator: ", "))
        }
        if let method, model.method(named: method) == nil {
            throw ForecastingError.invalidSetting(name: "method", value: method,
                                                  expected: "one of " + model.methods.map(\.name).joined(separator: ", "))
        }
        self.model = model
        self.level = level
        self.method = method
    }

    /// Loads a model file and adapts it (a ``LoadForecasterFactory``).
    public static let factory: LoadForecasterFactory = { path, quantile, method in
        try ModelLoadForecaster(model: try ForecasterModel.load(path: path), level: quantile, method: method)
    }

    public var interval: Double { model.intervalSeconds }

    public var minimumHistory: Int {
        model.method(named: method ?? model.selected).map { model.historyNeeded($0.method) } ?? 0
    }

    public func forecast(_ history: LoadSeries, horizon: Int) throws -> [Double] {
        let f = try model.forecastRecursively(history, horizon: horizon, method: method)
        return (level.map { f.quantile($0)! } ?? f.point).map { max(0, $0) }
    }
}
