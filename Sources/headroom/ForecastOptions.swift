import ArgumentParser
import Forecasting

/// Training settings shared by `forecast train` and `forecast evaluate`.
struct ForecastOptions: ParsableArguments {
    @Option(help: "Horizon in intervals (default: one day of intervals for train).")
    var horizon: Int?
    @Option(help: "Season length in intervals (default: one day of intervals).")
    var season: Int?
    @Option(name: .customLong("validation-step"), help: "Step between validation origins, in intervals (default: one hour of intervals).")
    var validationStep: Int?
    @Option(help: "Comma-separated quantile levels in (0, 1), including 0.5.")
    var quantiles = "0.5,0.9,0.99"
    @Option(help: "LSTM hidden units (count, a multiple of 8).")
    var hidden = 64
    @Option(help: "LSTM input window in intervals (default: one season, 8 to 168).")
    var window: Int?
    @Option(help: "LSTM epoch limit (count).")
    var epochs = 150
    @Option(help: "LSTM Adam learning rate (a step size, e.g. 0.003).")
    var learningRate = 1e-3
    @Option(help: "Seed of the LSTM's initialisation and shuffling (an integer).")
    var seed: UInt64 = 0
    @Option(help: "LSTM count scaling: log-last, log-window-mean or window-mean.")
    var scaling: LSTMSettings.Scaling = .logLast
    @Option(help: "LSTM member networks (count; each with its own seed) whose outputs are averaged.")
    var members = 5
    @Option(help: "How the method that predict uses is chosen: validation (lowest validation MASE on your series) or combination (a fixed combination rule).")
    var selection: ForecasterOptions.Selection = .validation
    @Option(name: .customLong("max-windows"), help: "LSTM training windows at most, an even subsample (default: 1,024 windows of 168 steps, or as many window-steps).")
    var maxWindows: Int?
    @Flag(help: "Leave the series' seasonal profile out of the LSTM's inputs.")
    var noSeasonalProfile = false
    @Flag(help: "Leave the LSTM out (baselines only).")
    var noLstm = false
    @Flag(help: "Raise each p90 until it covers the forecast window's busiest interval in 90% of validation windows (a bound for the peak, no longer a per-interval p90).")
    var coverPeaks = false

    /// The library options these flags describe.
    func options(defaultHorizon: Int) throws -> ForecasterOptions {
        var o = ForecasterOptions(horizon: horizon ?? defaultHorizon)
        o.season = season
        o.step = validationStep
        let levels = quantiles.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !levels.isEmpty, levels.allSatisfy({ $0 != nil }) else {
            throw ForecastingError.invalidSetting(name: "--quantiles", value: quantiles, expected: "comma-separated numbers in (0, 1)")
        }
        o.levels = levels.map { $0! }
        o.hiddenSize = hidden
        o.window = window
        o.maxEpochs = epochs
        o.learningRate = learningRate
        o.seed = seed
        o.useLSTM = !noLstm
        o.scaling = scaling
        o.members = members
        o.maxTrainingWindows = maxWindows
        o.seasonalProfile = !noSeasonalProfile
        o.selection = selection
        o.coverPeaks = coverPeaks
        return o
    }
}

extension LSTMSettings.Scaling: ExpressibleByArgument {}
extension ForecasterOptions.Selection: ExpressibleByArgument {}
