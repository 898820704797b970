import ArgumentParser
import Forecasting
import Foundation
import Report
import Workload

/// `headroom forecast evaluate HISTORY --horizon H --holdout N --step S --season M`:
/// the rolling-origin protocol of the forecasting benchmark, every method
/// side by side, and the method selected without seeing the test part.
struct ForecastEvaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Rolling-origin evaluation of every forecasting method on a history."
    )

    @Argument(help: "History CSV.")
    var historyPath: String
    @Option(help: "Test part at the end, in intervals (default: 7 days from 5 weeks of history, else ceil(20% of the days) days).")
    var holdout: Int?
    @Option(help: "Step between forecast origins, in intervals (default: one hour of intervals).")
    var step: Int?
    @Option(name: .customLong("also"), help: "An extra history for the global LSTM's training (repeatable); cut before the test part; on a finer interval that divides the history's, its sums at every phase.")
    var auxiliaryPaths: [String] = []
    @Option(help: "Also write per-origin forecasts (method,origin,h,y,yhat,p90) to this CSV.")
    var forecastsOut: String?
    @OptionGroup var forecast: ForecastOptions
    @OptionGroup var history: ForecastHistoryOptions
    @OptionGroup var output: OutputFormatOptions

    /// The JSON the issue specifies, plus the protocol's context.
    struct Result: Encodable {
        var series: String
        var intervals: Int
        var t0: Int
        var horizon: Int
        var step: Int
        var season: Int
        var origins: Int
        var maseScale: Double
        var methods: [Method]
        var selected: String
        var selectionSeconds: Double
        struct Method: Encodable {
            var name: String
            var mae: Double
            var smape: Double
            var mase: Double
            var peakRatioMean: Double
            var peakRatioMin: Double
            var peakCovered: Double
            var peakCoveredP90: Double
            var peakRatioP90Mean: Double
            var quantileCoverageP90: Double
            var validationMase: Double
            var trainSeconds: Double
            var predictSeconds: Double
        }
    }

    func run() throws {
        if let forecastsOut { try AtomicFile.checkFile(forecastsOut, option: "--forecasts-out") }
        let series = try history.read(historyPath)
        let perDay = series.intervalsPerDay
        let options = try forecast.options(defaultHorizon: perDay)
        let holdout = self.holdout ?? RollingOrigin.defaultHoldout(count: series.count, perDay: perDay)
        let step = self.step ?? RollingOrigin.defaultStep(perDay: perDay)
        let auxiliary = try auxiliaryPaths.map { try history.read($0) }
        let e = try RollingOriginEvaluation.run(series, auxiliary: auxiliary, holdout: holdout, step: step, options: options) { line in
            FileHandle.standardError.write(Data(("headroom: " + line + "\n").utf8))
        }
        if let forecastsOut {
            var text = "method,origin,h,y,yhat,p90\n"
            for m in e.methods {
                for (i, o) in e.origins.enumerated() {
                    let f = e.forecasts[m.name]![i]
                    let p90 = f.quantile(0.9) ?? f.point
                    for h in 0..<e.horizon {
                        text += "\(m.name),\(o),\(h + 1),\(series.values[o + h]),\(f.point[h]),\(p90[h])\n"
                    }
                }
            }
            try AtomicFile.write(text, to: forecastsOut)
        }
        let result = Result(
            series: e.series, intervals: e.count, t0: e.t0, horizon: e.horizon, step: e.step, season: e.season, origins: e.origins.count,
            maseScale: e.maseScale,
            methods: e.methods.map {
                .init(name: $0.name, mae: $0.metrics.mae, smape: $0.metrics.smape, mase: $0.metrics.mase,
                      peakRatioMean: $0.metrics.peakRatioMean, peakRatioMin: $0.metrics.peakRatioMin, peakCovered: $0.metrics.peakCovered,
                      peakCoveredP90: $0.metrics.peakCoveredP90, peakRatioP90Mean: $0.metrics.peakRatioP90Mean,
                      quantileCoverageP90: $0.metrics.quantileCoverageP90,
                      validationMase: $0.validationMase, trainSeconds: $0.trainSeconds, predictSeconds: $0.predictSeconds)
            },
            selected: e.selected, selectionSeconds: e.selectionSeconds)
        switch output.format {
        case .json:
            print(try JSONOutput.encode(result))
        case .csv:
            print("method,mae,smape,mase,peak_ratio_mean,peak_covered,peak_covered_p90,peak_ratio_p90_mean,quantile_coverage_p90,validation_mase,train_seconds,predict_seconds,selected")
            for m in result.methods {
                print([m.name, "\(m.mae)", "\(m.smape)", "\(m.mase)", "\(m.peakRatioMean)", "\(m.peakCovered)", "\(m.peakCoveredP90)", "\(m.peakRatioP90Mean)",
                       "\(m.quantileCoverageP90)", "\(m.validationMase)", "\(m.trainSeconds)", "\(m.predictSeconds)",
                       "\(m.name == result.selected)"].joined(separator: ","))
            }
        case .table:
            print("\(result.series): \(result.intervals) intervals, test from \(result.t0), \(result.origins) origins, "
                  + "horizon \(result.horizon), step \(result.step), season \(result.season), MASE scale "
                  + NumberFormatting.grouped(Int(result.maseScale.rounded())))
            var t = TextTable(header: ["method", "MAE", "sMAPE %", "MASE", "peak ratio", "peak cov %", "p90 peak cov %", "p90 peak ratio",
                                       "p90 cov %", "val MASE", "train s", "predict s", ""])
            for m in result.methods {
                t.append([m.name, NumberFormatting.grouped(Int(m.mae.rounded())), NumberFormatting.fixed(m.smape, decimals: 1),
                          NumberFormatting.fixed(m.mase, decimals: 3), NumberFormatting.fixed(m.peakRatioMean, decimals: 3),
                          NumberFormatting.fixed(100 * m.peakCovered, decimals: 0), NumberFormatting.fixed(100 * m.peakCoveredP90, decimals: 0),
                          NumberFormatting.fixed(m.peakRatioP90Mean, decimals: 2),
                          NumberFormatting.fixed(100 * m.quantileCoverageP90, decimals: 0), NumberFormatting.fixed(m.validationMase, decimals: 3),
                          NumberFormatting.fixed(m.trainSeconds, decimals: 2), NumberFormatting.fixed(m.predictSeconds, decimals: 4),
                          m.name == result.selected ? "selected" : ""])
            }
            print(t.render())
        }
    }
}
