import ArgumentParser
import CapacityPlanning
import Forecasting
import Foundation
import Report
import Scenario
import ServingModel
import Workload

/// `headroom plan backtest HISTORY`: plan a schedule from the first days of
/// a history, replay the days after them against it, and compare with the
/// oracle.
struct PlanBacktest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Plan from the first days of a history and replay the last days against the schedule."
    )

    @Argument(help: "History: a CSV of counts (e.g. data/traces/servegen_m-large_per_hour.csv), a Prometheus query_range response or a Grafana CSV export.")
    var history: String
    /// `--history-values` and `--timezone`.
    @OptionGroup var historyOptions: HistoryOptions
    @Option(help: "The scenario whose replicas, batching, sizes and cold start are planned.")
    var scenario: String
    @Option(help: "Forecaster model file (models/forecasters/*.json).")
    var forecast: String
    @Option(help: "Forecast quantile planned for, in (0, 1) (a level the model produces); the default is plan's.")
    var quantile: Double = 0.9
    @Option(help: "Forecasting method instead of the model's selected one (the one plan uses), fitted on the training days only.")
    var method: String?
    @Option(name: .customLong("train-days"), help: "Days of history planned from (count).")
    var trainDays: Int = 11
    @Option(name: .customLong("test-days"), help: "Days replayed after them (count).")
    var testDays: Int = 3
    /// Headroom (applied to the forecast and to the oracle's actual load),
    /// SLA, confidence, replications and load scale.
    @OptionGroup var judgement: PlanJudgementOptions
    @OptionGroup var output: ReportFormatOptions

    func validate() throws {
        guard (1...3650).contains(trainDays) else { throw ValidationError("--train-days: expected from 1 to 3650 days, got \(trainDays)") }
        guard (1...3650).contains(testDays) else { throw ValidationError("--test-days: expected from 1 to 3650 days, got \(testDays)") }
        guard quantile > 0 && quantile < 1 else { throw ValidationError("--quantile: expected a level in (0, 1), got \(quantile)") }
    }

    func run() throws {
        let start = Date()
        let config = try ServingCommandSupport.loadScenario(scenario)
        let model = try ForecasterModel.load(path: forecast)
        let loaded = try historyOptions.load(history, interval: model.intervalSeconds)
        var test = try Backtest(base: config, sla: try SLA(parsing: judgement.sla), headroom: judgement.factor, scale: judgement.loadScale,
                                confidence: judgement.confidence, replications: judgement.replications)
        test.zone = loaded.zone
        let progress = CommandProgress(stages: 5)
        test.progress = { progress.stage($0) }
        test.finished = { progress.finished($0, of: $1) }
        let r = try test.run(series: loaded.series, model: model, trainDays: trainDays, testDays: testDays, quantile: quantile, method: method)
        progress.finish()
        for note in r.notes { FileHandle.standardError.write(Data("headroom: note: \(note)\n".utf8)) }
        let seconds = Date().timeIntervalSince(start)
        switch output.format {
        case .json: print(try JSONOutput.encode(BacktestReport(history: history, result: r)))
        case .table:
            print(PlanSummary.backtest(r, history: history, trainDays: trainDays, testDays: testDays, seconds: seconds))
        }
    }
}
