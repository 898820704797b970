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
    package func forecastRecursively(_ history: LoadSeries, horizon: Int, method: String? = nil) throws -> QuantileForecast {
        guard horizon >= 1 else {
            throw ForecastingError.invalidSetting(name: "horizon", value: "\(horizon)", expected: "an integer >= 1")
        }
        guard horizon <= ModelLimits.maxHorizon * 10 else {
            throw ForecastingError.invalidSetting(name: "horizon", value: "\(horizon)",
                                                  expected: "at most \(ModelLimits.maxHorizon * 10) intervals")
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
                                values: series.values + f.point, missing: series.missing + Array(repeating: false, count: steps),
                                utcOffset: series.utcOffset)
        }
        return out
    }
}
