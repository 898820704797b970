/// How the LSTM forecaster is shaped and trained. The optimiser defaults
/// follow the benchmark's reference LSTM (Adam 1e-3, batch 64, 150 epochs,
/// patience 10, last 10 % of windows for validation); scaling, window and
/// seed members are Headroom's own defaults.
package struct LSTMSettings: Codable, Sendable, Equatable {
    /// How counts are scaled before they enter the network.
    package enum Scaling: String, Codable, Sendable, CaseIterable {
        /// `log(1 + y) − log(1 + mean of the input window)`: scale free, so one model fits series of any size.
        case logWindowMean = "log-window-mean"
        /// `y / mean of the input window`.
        case windowMean = "window-mean"
        /// `log(1 + y) − log(1 + last value of the input window)`: an output of 0 is the naive forecast.
        case logLast = "log-last"
    }

    /// Input window in intervals.
    package var window: Int
    /// Forecast horizon in intervals (the head predicts all steps at once).
    package var horizon: Int
    /// LSTM hidden units (a multiple of 8).
    package var hiddenSize = 64
    /// Quantile levels of the outputs, ascending; the first 0.5 is the point forecast.
    package var quantiles: [Double] = [0.5, 0.9, 0.99]
    /// Sequences per Adam step.
    package var batchSize = 64
    /// Adam step size.
    package var learningRate = 1e-3
    /// Epoch limit.
    package var maxEpochs = 150
    /// Epochs without a better validation loss before training stops.
    package var patience = 10
    /// Share of each series' windows (the latest) held out for early stopping.
    package var validationFraction = 0.1
    /// Networks trained with different seeds whose outputs are averaged.
    package var members = 5
    /// Seed for initialisation and shuffling.
    package var seed: UInt64 = 0
    /// Count scaling.
    package var scaling: Scaling = .logLast
    /// At most this many training windows, taken evenly from all of them (and validation windows
    /// in the same proportion); `nil` = every window. Dense histories (5-minute counts over weeks)
    /// hold thousands of nearly identical neighbouring windows: an even subsample keeps every
    /// part of the history and bounds an epoch's time.
    package var maxTrainingWindows: Int?
    /// Adds the series' own seasonal profile `horizon` steps ahead as an input feature (see
    /// `FeatureEncoder`); `nil` (model files written before it existed) = no.
    package var seasonalProfile: Bool?

    /// Settings for a window and horizon, other fields at their defaults.
    package init(window: Int, horizon: Int) {
        self.window = window
        self.horizon = horizon
    }

    /// The default input window for a season length `m`: one season, at least 8 and at most 168 intervals.
    package static func defaultWindow(season: Int) -> Int {
        max(8, min(season, 168))
    }

    /// The default cap on training windows: 1,024 windows of 168 steps, or as many window-steps
    /// for shorter windows (7,168 windows of 24 hourly steps).
    package static func defaultMaxTrainingWindows(window: Int) -> Int {
        max(1024, 172_032 / max(window, 1))
    }

    /// Checks ranges; throws ``ForecastingError/invalidSetting(name:value:expected:)``.
    /// The limits (``ModelLimits``) come before anything is allocated: the
    /// network holds 4·hidden² recurrent weights and its workspace
    /// window × batch × 7·hidden floats.
    package func validate() throws {
        if let p = firstProblem() { throw ForecastingError.invalidSetting(name: p.name, value: p.value, expected: p.expected) }
    }

    /// ``validate()`` for the settings read from a model file: the error
    /// names the file and the key (`prefix` + its snake_case name).
    func validate(prefix: String, file: String) throws {
        if let p = firstProblem() {
            throw ForecastingError.invalidModelFile(file: file, reason: "key '\(prefix)\(p.key)': expected \(p.expected), got \(p.value)")
        }
    }

    /// The first setting out of range: its option name, model-file key, value and what was expected.
    func firstProblem() -> (name: String, key: String, value: String, expected: String)? {
        let checks: [(Bool, String, String, Any, String)] = [
            ((1...ModelLimits.maxWindow).contains(window), "window", "window", window, "an integer from 1 to \(ModelLimits.maxWindow)"),
            ((1...ModelLimits.maxHorizon).contains(horizon), "horizon", "horizon", horizon, "an integer from 1 to \(ModelLimits.maxHorizon)"),
            ((8...ModelLimits.maxHidden).contains(hiddenSize) && hiddenSize % 8 == 0, "hidden", "hidden_size", hiddenSize,
             "a multiple of 8 from 8 to \(ModelLimits.maxHidden)"),
            (!quantiles.isEmpty && quantiles.count <= ModelLimits.maxLevels && quantiles.allSatisfy { $0 > 0 && $0 < 1 }
                && quantiles == quantiles.sorted(), "quantiles", "quantiles", quantiles, "ascending levels in (0, 1)"),
            ((1...65_536).contains(batchSize), "batch", "batch_size", batchSize, "an integer from 1 to 65536"),
            (learningRate > 0 && learningRate.isFinite, "learning rate", "learning_rate", learningRate, "a finite number > 0"),
            (maxEpochs >= 1, "epochs", "max_epochs", maxEpochs, "an integer >= 1"),
            ((1...ModelLimits.maxMembers).contains(members), "members", "members", members, "an integer from 1 to \(ModelLimits.maxMembers)"),
            (patience >= 1, "patience", "patience", patience, "an integer >= 1"),
            ((maxTrainingWindows ?? 2) >= 2, "max training windows", "max_training_windows", maxTrainingWindows ?? 2, "an integer >= 2"),
            (validationFraction > 0 && validationFraction < 1, "validation fraction", "validation_fraction", validationFraction,
             "a number in (0, 1)"),
        ]
        for (ok, name, key, value, expected) in checks where !ok { return (name, key, "\(value)", expected) }
        return nil
    }
}
