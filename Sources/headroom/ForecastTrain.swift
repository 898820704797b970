import ArgumentParser
import Forecasting
import Foundation
import Report
import Workload

/// `headroom forecast train HISTORY... --out MODEL`: trains every method on
/// the histories (a global LSTM when there are several), selects one on
/// validation data and writes the model file.
struct ForecastTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a forecaster on one or more history CSVs and write the model file."
    )

    @Argument(help: "History CSV files (all on the same interval).")
    var histories: [String]
    @Option(name: .customLong("also"), help: "An extra history that only adds LSTM training windows (repeatable).")
    var auxiliaryPaths: [String] = []
    @Option(help: "Model file to write (JSON).")
    var out: String
    @OptionGroup var forecast: ForecastOptions
    @OptionGroup var history: HistoryOptions
    @OptionGroup var output: OutputFormatOptions

    func validate() throws {
        guard !histories.isEmpty else { throw ValidationError("give at least one history CSV") }
    }

    /// What training reports.
    struct Result: Encodable {
        var model: String
        var selected: String
        var horizon: Int
        var season: Int
        var methods: [Method]
        var skipped: [String]
        var seconds: Double
        struct Method: Encodable {
            var name: String
            var validationMase: Double
            var validationSmape: Double
            var validationPeakCoveredP90: Double
        }
    }

    func run() throws {
        let series = try histories.map { try history.read($0) }
        let perDay = series[0].intervalsPerDay
        let options = try forecast.options(defaultHorizon: perDay)
        let auxiliary = try auxiliaryPaths.map { try history.read($0) }
        let (model, report) = try ForecasterModel.train(histories: series, auxiliary: auxiliary, options: options) { line in
            FileHandle.standardError.write(Data(("headroom: " + line + "\n").utf8))
        }
        try model.save(path: out)
        let result = Result(
            model: out, selected: model.selected, horizon: model.horizon, season: model.season,
            methods: model.methods.map { .init(name: $0.name, validationMase: $0.validationMase, validationSmape: $0.validation.smape,
                                               validationPeakCoveredP90: $0.validation.peakCoveredP90) },
            skipped: report.skipped, seconds: report.seconds)
        switch output.format {
        case .json:
            print(try JSONOutput.encode(result))
        case .table, .csv:
            var t = TextTable(header: ["method", "validation MASE", "validation sMAPE %", "p90 peak covered %", ""])
            for m in result.methods {
                t.append([m.name, NumberFormatting.fixed(m.validationMase, decimals: 3), NumberFormatting.fixed(m.validationSmape, decimals: 1),
                          NumberFormatting.fixed(100 * m.validationPeakCoveredP90, decimals: 0),
                          m.name == model.selected ? "selected" : ""])
            }
            if output.format == .csv {
                print("method,validation_mase,validation_smape,validation_peak_covered_p90,selected")
                for m in result.methods {
                    print("\(m.name),\(m.validationMase),\(m.validationSmape),\(m.validationPeakCoveredP90),\(m.name == model.selected)")
                }
            } else {
                print(t.render())
                for s in report.skipped { print("skipped " + s) }
                print("wrote \(out) (\(NumberFormatting.fixed(report.seconds, decimals: 1)) s)")
            }
        }
    }
}

/// Training settings shared by `forecast train` and `forecast evaluate`.
struct ForecastOptions: ParsableArguments {
    @Option(help: "Horizon in intervals (default: one day of intervals for train).")
    var horizon: Int?
    @Option(help: "Season length in intervals (default: one day of intervals).")
    var season: Int?
    @Option(name: .customLong("validation-step"), help: "Origin step of the validation windows (default: hourly).")
    var validationStep: Int?
    @Option(help: "Comma-separated quantile levels, including 0.5.")
    var quantiles = "0.5,0.9,0.99"
    @Option(help: "LSTM hidden units (a multiple of 8).")
    var hidden = 64
    @Option(help: "LSTM input window in intervals (default: one season, 8 to 168).")
    var window: Int?
    @Option(help: "LSTM epoch limit.")
    var epochs = 150
    @Option(help: "Seed of the LSTM's initialisation and shuffling.")
    var seed: UInt64 = 0
    @Option(help: "LSTM count scaling: log-last, log-window-mean or window-mean.")
    var scaling: LSTMSettings.Scaling = .logLast
    @Option(help: "LSTM member networks (seeds) whose outputs are averaged.")
    var members = 5
    @Flag(help: "Leave the LSTM out (baselines only).")
    var noLstm = false

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
        o.seed = seed
        o.useLSTM = !noLstm
        o.scaling = scaling
        o.members = members
        return o
    }
}

extension LSTMSettings.Scaling: ExpressibleByArgument {}
