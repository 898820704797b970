/// How ``ForecasterModel/train(histories:auxiliary:options:log:)`` trains, validates and selects.
public struct ForecasterOptions: Sendable, Equatable {
    /// Longest horizon, in intervals.
    public var horizon: Int
    /// Season length in intervals; `nil` = one day of intervals.
    public var season: Int?
    /// Origin step of the validation windows; `nil` = hourly (see ``RollingOrigin/defaultStep(perDay:)``).
    public var step: Int?
    /// Validation intervals at the end of each history; `nil` = ``RollingOrigin/defaultValidationHoldout(count:perDay:horizon:)``.
    public var validationHoldout: Int?
    /// Quantile levels (must include 0.5).
    public var levels: [Double] = [0.5, 0.9, 0.99]
    /// Train the LSTM as a candidate.
    public var useLSTM = true
    /// LSTM hidden units.
    public var hiddenSize = 64
    /// LSTM input window; `nil` = ``LSTMSettings/defaultWindow(season:)``.
    public var window: Int?
    /// LSTM epoch limit.
    public var maxEpochs = 150
    /// LSTM Adam step size.
    public var learningRate = 1e-3
    /// Count scaling of the LSTM.
    public var scaling: LSTMSettings.Scaling = .logLast
    /// LSTM member networks (seeds) averaged.
    public var members = 5
    /// Ensembles `Ensemble2 … EnsembleK` average the 2 … K methods with the best validation MASE.
    public var ensembleSize = 3
    /// How `selected` is chosen.
    public var selection: Selection = .combination
    /// Seed of the LSTM's initialisation and shuffling.
    public var seed: UInt64 = 0

    /// How training picks the method `predict` uses.
    public enum Selection: String, Sendable, Equatable, CaseIterable {
        /// `Combination` (the fixed rule of ``ForecastMethod/combinationRule(horizon:season:)``)
        /// when at least one of its members was trained, else the lowest validation MASE.
        case combination
        /// The lowest validation MASE among all methods and ensembles.
        case validation
    }

    /// Options for a horizon, other fields at their defaults.
    public init(horizon: Int) {
        self.horizon = horizon
    }
}
