/// Simple exponential smoothing: a level `ℓ(t) = α·y(t) + (1 − α)·ℓ(t − 1)`
/// started at the first of the latest `maxHistory` values, forecast flat at
/// the last level. α = 1 is the last value; a smaller α averages out
/// interval-to-interval noise while following level shifts within a few
/// intervals. The forecaster does not fit α to one-step errors at every
/// origin: it takes the value of ``alphaGrid`` with the lowest validation
/// MASE at the model's own horizon, once, when it trains.
///
/// ```swift
/// let f = SimpleExponentialSmoothing(alpha: 0.5, maxHistory: 432).forecast(history[...], horizon: 2)
/// ```
///
/// - Complexity: O(maxHistory) per forecast.
public struct SimpleExponentialSmoothing: Sendable, Equatable {
    /// Smoothing weight of the newest value, in (0, 1].
    public let alpha: Double
    /// Values the level runs over (the latest ones).
    public let maxHistory: Int

    /// Smoothing with weight `alpha` in (0, 1] over at most `maxHistory` (>= 1) values.
    public init(alpha: Double, maxHistory: Int) {
        precondition(alpha > 0 && alpha <= 1, "SimpleExponentialSmoothing: alpha must be in (0, 1]")
        precondition(maxHistory >= 1, "SimpleExponentialSmoothing: maxHistory must be >= 1")
        self.alpha = alpha
        self.maxHistory = maxHistory
    }

    /// The values of α the forecaster chooses from on validation data.
    public static let alphaGrid: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]

    /// The last level, repeated `horizon` times and clipped at 0.
    ///
    /// - Precondition: `values` is not empty.
    public func forecast(_ values: ArraySlice<Double>, horizon: Int) -> [Double] {
        precondition(!values.isEmpty, "SimpleExponentialSmoothing: no values")
        let y = values.suffix(maxHistory)
        var level = y.first!
        for v in y.dropFirst() { level = alpha * v + (1 - alpha) * level }
        return Array(repeating: max(0, level), count: horizon)
    }
}
