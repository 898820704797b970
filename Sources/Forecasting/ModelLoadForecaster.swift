import Workload

/// A trained model as the simulation's ``LoadForecaster``: its (recursive)
/// point forecast, or one of its quantiles, clipped at zero.
package struct ModelLoadForecaster: LoadForecaster {
    /// The model.
    package let model: ForecasterModel
    /// The quantile level used (nil: the point forecast).
    package let level: Double?
    /// The method (nil: the model's selected one).
    package let method: String?

    /// An adapter; a level must be one the model produces and the method
    /// one it holds.
    package init(model: ForecasterModel, level: Double? = nil, method: String? = nil) throws {
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
    package static let factory: LoadForecasterFactory = { path, quantile, method in
        try ModelLoadForecaster(model: try ForecasterModel.load(path: path), level: quantile, method: method)
    }

    package var interval: Double { model.intervalSeconds }

    package var minimumHistory: Int {
        model.method(named: method ?? model.selected).map { model.historyNeeded($0.method) } ?? 0
    }

    package func forecast(_ history: LoadSeries, horizon: Int) throws -> [Double] {
        let f = try model.forecastRecursively(history, horizon: horizon, method: method)
        return (level.map { f.quantile($0)! } ?? f.point).map { max(0, $0) }
    }
}
