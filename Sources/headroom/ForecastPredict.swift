import ArgumentParser
import Forecasting
import Foundation
import Report
import Workload

/// `headroom forecast predict --model MODEL --history HISTORY --horizon H`:
/// the next H intervals after the history, by the model's selected method.
struct ForecastPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the intervals after a history with a trained model."
    )

    @Option(help: "Model file written by 'forecast train'.")
    var model: String
    @Option(name: .customLong("history"), help: "History CSV.")
    var historyPath: String
    @Option(help: "How far to forecast, in intervals (at most the model's horizon).")
    var horizon: Int
    @Option(help: "Comma-separated quantile levels in (0, 1) to print (each one the model produces).")
    var quantiles = "0.5,0.9,0.99"
    @Option(help: "Method to use instead of the model's selected one.")
    var method: String?
    @Option(help: "Also write the forecast (CSV) to this file.")
    var out: String?
    @OptionGroup var history: ForecastHistoryOptions
    @OptionGroup var output: OutputFormatOptions

    func validate() throws {
        guard horizon >= 1 else { throw ValidationError("--horizon must be >= 1 (got \(horizon))") }
    }

    /// The printed forecast.
    struct Result: Encodable {
        var model: String
        var method: String
        var history: String
        var horizon: Int
        var steps: [Step]
        struct Step: Encodable {
            var step: Int
            var timestamp: String
            var forecast: Double
            var quantiles: [String: Double]
        }
    }

    func run() throws {
        if let out { try AtomicFile.checkFile(out, option: "--out") }
        let loaded = try ForecasterModel.load(path: model)
        let read = try history.load(historyPath, interval: loaded.intervalSeconds)
        let series = read.series
        let levels = try quantiles.split(separator: ",").map { text -> Double in
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), loaded.levels.contains(where: { abs($0 - v) < 1e-9 }) else {
                throw ForecastingError.invalidSetting(name: "--quantiles", value: String(text),
                                                      expected: "one of the model's levels " + loaded.levels.map { "\($0)" }.joined(separator: ", "))
            }
            return v
        }
        let f = try loaded.forecast(series, horizon: horizon, method: method)
        let steps = (0..<horizon).map { h in
            Result.Step(step: h + 1, timestamp: read.zone.format(series.timestamp(series.count + h)), forecast: f.point[h],
                        quantiles: Dictionary(uniqueKeysWithValues: levels.map { (label($0), f.quantile($0)![h]) }))
        }
        let result = Result(model: model, method: method ?? loaded.selected, history: historyPath, horizon: horizon, steps: steps)
        let csv = csvText(result, levels: levels)
        if let out { try AtomicFile.write(csv, to: out) }
        switch output.format {
        case .json: print(try JSONOutput.encode(result))
        case .csv: print(csv, terminator: "")
        case .table:
            var t = TextTable(header: ["step", "timestamp", "forecast"] + levels.map { "p" + label($0) })
            for s in steps {
                t.append(["\(s.step)", s.timestamp, NumberFormatting.grouped(Int(s.forecast.rounded()))]
                         + levels.map { NumberFormatting.grouped(Int(s.quantiles[label($0)]!.rounded())) })
            }
            print("method: \(result.method)")
            print(t.render())
        }
    }

    /// `0.9` → `"90"`, `0.995` → `"99.5"`.
    func label(_ level: Double) -> String {
        let pct = level * 100
        return pct == pct.rounded() ? String(Int(pct)) : String(format: "%g", pct)
    }

    func csvText(_ r: Result, levels: [Double]) -> String {
        var text = (["step", "timestamp", "forecast"] + levels.map { "p" + label($0) }).joined(separator: ",") + "\n"
        for s in r.steps {
            text += (["\(s.step)", s.timestamp, "\(s.forecast)"] + levels.map { "\(s.quantiles[label($0)]!)" }).joined(separator: ",") + "\n"
        }
        return text
    }
}
