/// How ``ForecasterModel/train(histories:auxiliary:options:log:)`` trains, validates and selects.
package struct ForecasterOptions: Sendable, Equatable {
    /// Longest horizon, in intervals.
    package var horizon: Int
    /// Season length in intervals; `nil` = one day of intervals.
    package var season: Int?
    /// Origin step of the validation windows; `nil` = hourly (see ``RollingOrigin/defaultStep(perDay:)``).
    package var step: Int?
    /// Validation intervals at the end of each history; `nil` = ``RollingOrigin/defaultValidationHoldout(count:perDay:horizon:)``.
    package var validationHoldout: Int?
    /// Quantile levels (must include 0.5).
    package var levels: [Double] = [0.5, 0.9, 0.99]
    /// Train the LSTM as a candidate.
    package var useLSTM = true
    /// LSTM hidden units.
    package var hiddenSize = 64
    /// LSTM input window; `nil` = ``LSTMSettings/defaultWindow(season:)``.
    package var window: Int?
    /// LSTM epoch limit.
    package var maxEpochs = 150
    /// LSTM Adam step size.
    package var learningRate = 1e-3
    /// Count scaling of the LSTM.
    package var scaling: LSTMSettings.Scaling = .logLast
    /// LSTM member networks (seeds) averaged.
    package var members = 5
    /// Give the LSTM the series' own seasonal profile as a feature (``LSTMSettings/seasonalProfile``).
    package var seasonalProfile = true
    /// LSTM training windows at most (an even subsample); `nil` = ``LSTMSettings/defaultMaxTrainingWindows(window:)``.
    package var maxTrainingWindows: Int?
    /// Ensembles `Ensemble2 … EnsembleK` average the 2 … K methods with the best validation MASE.
    package var ensembleSize = 3
    /// Raise each method's p90 until it covers the window's busiest interval in 90% of validation
    /// windows (``QuantileCalibration/peakCorrection``) instead of 90% of validation intervals.
    package var coverPeaks = false
    /// How `selected` is chosen.
    package var selection: Selection = .validation
    /// Seed of the LSTM's initialisation and shuffling.
    package var seed: UInt64 = 0

    /// How training picks the method `predict` uses.
    package enum Selection: String, Sendable, Equatable, CaseIterable {
        /// `Combination` (the fixed rule of ``ForecastMethod/combinationRule(horizon:season:)``)
        /// when at least one of its members was trained, else the lowest validation MASE.
        case combination
        /// The lowest validation MASE among all methods and ensembles, on the user's own series (the default).
        case validation
    }

    /// Options for a horizon, other fields at their defaults.
    package init(horizon: Int) {
        self.horizon = horizon
    }

    /// Checks every range (``ModelLimits``) before training allocates
    /// anything: `--hidden 1000000` is refused here, not after trying to
    /// allocate 4·10¹² weights.
    ///
    /// - Throws: ``ForecastingError/invalidSetting(name:value:expected:)``.
    package func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
            if !ok { throw ForecastingError.invalidSetting(name: name, value: "\(value)", expected: expected) }
        }
        try check((1...ModelLimits.maxHorizon).contains(horizon), "--horizon", horizon, "an integer from 1 to \(ModelLimits.maxHorizon)")
        if let season {
            try check((2...ModelLimits.maxSeason).contains(season), "--season", season, "an integer from 2 to \(ModelLimits.maxSeason)")
        }
        if let step { try check(step >= 1, "--validation-step", step, "an integer >= 1") }
        if let validationHoldout { try check(validationHoldout >= 1, "validation holdout", validationHoldout, "an integer >= 1") }
        try check(levels.count <= ModelLimits.maxLevels && levels.contains(0.5) && levels == levels.sorted()
                    && levels.allSatisfy { $0 > 0 && $0 < 1 },
                  "--quantiles", levels.map { "\($0)" }.joined(separator: ","), "ascending levels in (0, 1) including 0.5")
        try check(ensembleSize >= 0, "ensemble size", ensembleSize, "an integer >= 0")
        guard useLSTM else { return }
        try check((8...ModelLimits.maxHidden).contains(hiddenSize) && hiddenSize % 8 == 0, "--hidden", hiddenSize,
                  "a multiple of 8 from 8 to \(ModelLimits.maxHidden) (the network holds 4·hidden² weights)")
        if let window { try check((1...ModelLimits.maxWindow).contains(window), "--window", window, "an integer from 1 to \(ModelLimits.maxWindow)") }
        try check(maxEpochs >= 1, "--epochs", maxEpochs, "an integer >= 1")
        try check(learningRate.isFinite && learningRate > 0, "--learning-rate", learningRate, "a finite number > 0")
        if let maxTrainingWindows { try check(maxTrainingWindows >= 2, "--max-windows", maxTrainingWindows, "an integer >= 2") }
        try check((1...ModelLimits.maxMembers).contains(members), "--members", members, "an integer from 1 to \(ModelLimits.maxMembers)")
    }
}
