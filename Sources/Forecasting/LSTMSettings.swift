/// How the LSTM forecaster is shaped and trained. The optimiser defaults
/// follow the benchmark's reference LSTM (Adam 1e-3, batch 64, 150 epochs,
/// patience 10, last 10 % of windows for validation); scaling, window and
/// seed members are Headroom's own defaults.
public struct LSTMSettings: Codable, Sendable, Equatable {
    /// How counts are scaled before they enter the network.
    public enum Scaling: String, Codable, Sendable, CaseIterable {
        /// `log(1 + y) − log(1 + mean of the input window)`: scale free, so one model fits series of any size.
        case logWindowMean = "log-window-mean"
        /// `y / mean of the input window`.
        case windowMean = "window-mean"
        /// `log(1 + y) − log(1 + last value of the input window)`: an output of 0 is the naive forecast.
        case logLast = "log-last"
    }

    /// Input window in intervals.
    public var window: Int
    /// Forecast horizon in intervals (the head predicts all steps at once).
    public var horizon: Int
    /// LSTM hidden units (a multiple of 8).
    public var hiddenSize = 64
    /// Quantile levels of the outputs, ascending; the first 0.5 is the point forecast.
    public var quantiles: [Double] = [0.5, 0.9, 0.99]
    /// Sequences per Adam step.
    public var batchSize = 64
    /// Adam step size.
    public var learningRate = 1e-3
    /// Epoch limit.
    public var maxEpochs = 150
    /// Epochs without a better validation loss before training stops.
    public var patience = 10
    /// Share of each series' windows (the latest) held out for early stopping.
    public var validationFraction = 0.1
    /// Networks trained with different seeds whose outputs are averaged.
    public var members = 5
    /// Seed for initialisation and shuffling.
    public var seed: UInt64 = 0
    /// Count scaling.
    public var scaling: Scaling = .logLast

    /// Settings for a window and horizon, other fields at their defaults.
    public init(window: Int, horizon: Int) {
        self.window = window
        self.horizon = horizon
    }

    /// The default input window for a season length `m`: one season, at least 8 and at most 168 intervals.
    public static func defaultWindow(season: Int) -> Int {
        max(8, min(season, 168))
    }

    /// Checks ranges; throws ``ForecastingError/invalidSetting(name:value:expected:)``.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
            if !ok { throw ForecastingError.invalidSetting(name: name, value: "\(value)", expected: expected) }
        }
        try check(window >= 1, "window", window, "an integer >= 1")
        try check(horizon >= 1, "horizon", horizon, "an integer >= 1")
        try check(hiddenSize >= 8 && hiddenSize % 8 == 0, "hidden", hiddenSize, "a positive multiple of 8")
        try check(!quantiles.isEmpty && quantiles.allSatisfy { $0 > 0 && $0 < 1 } && quantiles == quantiles.sorted(),
                  "quantiles", quantiles, "ascending levels in (0, 1)")
        try check(batchSize >= 1, "batch", batchSize, "an integer >= 1")
        try check(learningRate > 0, "learning rate", learningRate, "a number > 0")
        try check(maxEpochs >= 1, "epochs", maxEpochs, "an integer >= 1")
        try check(members >= 1, "members", members, "an integer >= 1")
        try check(patience >= 1, "patience", patience, "an integer >= 1")
        try check(validationFraction > 0 && validationFraction < 1, "validation fraction", validationFraction, "a number in (0, 1)")
    }
}
