/// Something that forecasts the next intervals of a load history. The
/// simulation's predictive scaler asks one while it runs; the `Forecasting`
/// target adapts a trained model to it.
package protocol LoadForecaster: Sendable {
    /// Interval width of the histories it forecasts (s).
    var interval: Double { get }
    /// Fewest intervals of history it needs.
    var minimumHistory: Int { get }
    /// Counts of the `horizon` intervals after the end of `history`.
    func forecast(_ history: LoadSeries, horizon: Int) throws -> [Double]
}

/// Makes a forecaster from a model file, a quantile level (nil: the point
/// forecast) and a method name (nil: the model's selected one). A scenario
/// loader takes one to build predictive scaling without knowing the model
/// format; the `Forecasting` target provides `ModelLoadForecaster.factory`.
package typealias LoadForecasterFactory = @Sendable (_ modelPath: String, _ quantile: Double?, _ method: String?) throws
    -> any LoadForecaster
