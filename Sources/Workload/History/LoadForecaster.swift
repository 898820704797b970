/// Something that forecasts the next intervals of a load history. The
/// simulation's predictive scaler asks one while it runs; the `Forecasting`
/// target adapts a trained model to it.
public protocol LoadForecaster: Sendable {
    /// Interval width of the histories it forecasts (s).
    var interval: Double { get }
    /// Fewest intervals of history it needs.
    var minimumHistory: Int { get }
    /// Counts of the `horizon` intervals after the end of `history`.
    func forecast(_ history: LoadSeries, horizon: Int) throws -> [Double]
}
