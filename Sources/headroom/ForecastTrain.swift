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

    @Argument(help: "History CSV files or folders of them (every *.csv; all on the same interval): several make one global LSTM.")
    var histories: [String]
    @Option(name: .customLong("also"), help: "An extra history that only adds LSTM training windows (repeatable); on a finer interval that divides the model's, its sums at every phase.")
    var auxiliaryPaths: [String] = []
    @Option(help: "Model file to write (JSON).")
    var out: String
    @OptionGroup var forecast: ForecastOptions
    @OptionGroup var history: ForecastHistoryOptions
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
        var selectionReason: String
        var seconds: Double
        var lstmSeconds: Double
        struct Method: Encodable {
            var name: String
            var validationMase: Double
            var validationSmape: Double
            var validationPeakCoveredP90: Double
            var validationP90Coverage: Double
            var calibration: QuantileCalibration.ErrorScale
        }
    }

    /// The history files: each path, or every `*.csv` of a folder (sorted by name).
    static func expand(_ paths: [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".csv") }.sorted()
            guard !files.isEmpty else { throw ValidationError("\(path): a folder without *.csv files") }
            return files.map { (path as NSString).appendingPathComponent($0) }
        }
    }

    func run() throws {
        try AtomicFile.checkFile(out, option: "--out")
        let series = try Self.expand(histories).map { try history.read($0) }
        let perDay = series[0].intervalsPerDay
        let options = try forecast.options(defaultHorizon: perDay)
        let auxiliary = try auxiliaryPaths.map { try history.read($0) }
        let progress = CommandProgress(stages: 14 + (options.useLSTM ? 2 * options.members : 0))
        let trained: (ForecasterModel, ForecasterTrainingReport)
        do {
            // On a terminal a log line first clears the progress line it would otherwise run into.
            let clear = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
            trained = try ForecasterModel.train(histories: series, auxiliary: auxiliary, options: options, log: { line in
                FileHandle.standardError.write(Data((clear + "headroom: " + line + "\n").utf8))
            }, progress: { progress.stage($0) }, epochs: { progress.finished($0, of: $1) })
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        let (model, report) = trained
        try model.save(path: out)
        let result = Result(
            model: out, selected: model.selected, horizon: model.horizon, season: model.season,
            methods: model.methods.map { .init(name: $0.name, validationMase: $0.validationMase, validationSmape: $0.validation.smape,
                                               validationPeakCoveredP90: $0.validation.peakCoveredP90,
                                               validationP90Coverage: $0.validation.quantileCoverageP90,
                                               calibration: $0.calibration.errorScale) },
            skipped: report.skipped, selectionReason: model.selectionReason, seconds: report.seconds, lstmSeconds: report.lstmSeconds)
        switch output.format {
        case .json:
            print(try JSONOutput.encode(result))
        case .table, .csv:
            var t = TextTable(header: ["method", "validation MASE", "validation sMAPE %", "p90 covered %", "p90 peak covered %",
                                       "p90 calibration", ""])
            for m in result.methods {
                t.append([m.name, NumberFormatting.fixed(m.validationMase, decimals: 3), NumberFormatting.fixed(m.validationSmape, decimals: 1),
                          NumberFormatting.fixed(100 * m.validationP90Coverage, decimals: 0),
                          NumberFormatting.fixed(100 * m.validationPeakCoveredP90, decimals: 0),
                          m.calibration == .log ? "log scale" : "series noise",
                          m.name == model.selected ? "selected" : ""])
            }
            if output.format == .csv {
                print("method,validation_mase,validation_smape,validation_p90_coverage,validation_peak_covered_p90,calibration,selected")
                for m in result.methods {
                    print("\(m.name),\(m.validationMase),\(m.validationSmape),\(m.validationP90Coverage),\(m.validationPeakCoveredP90),"
                          + "\(m.calibration.rawValue),\(m.name == model.selected)")
                }
            } else {
                print(t.render())
                for s in report.skipped { print("skipped " + s) }
                print(model.selectionReason)
                print("wrote \(out) (\(NumberFormatting.fixed(report.seconds, decimals: 1)) s)")
            }
        }
    }
}
