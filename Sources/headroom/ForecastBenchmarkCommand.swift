import ArgumentParser
import Forecasting
import Foundation
import Report
import Workload

/// `headroom forecast benchmark DIR --horizon H --test-days D --origin-step S`: every method on
/// every series of a folder, rolling origins over the last D days, pooled as paired ratios to a
/// reference (the best anchor) with two-way bootstrap intervals.
struct ForecastBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Score every forecasting method on every series of a folder, relative to the best anchor."
    )

    @Argument(help: "Folder of history CSVs (every *.csv; all on one interval).")
    var directory: String
    @Option(help: "Steps ahead, in intervals.")
    var horizon: Int
    @Option(help: "Days at the end of each series that are tested (count).")
    var testDays: Int
    @Option(help: "Intervals between forecast origins.")
    var originStep: Int
    @Option(help: "Comma-separated methods to score (default: all); anchors' names included.")
    var methods: String?
    @Option(help: "Per-origin forecasts of other tools (tools/forecast_anchors.py --out), repeatable.")
    var anchors: [String] = []
    @Option(help: "Method the relative figures divide by (default: the anchor with the lowest geometric-mean MAE, else SeasonalNaive of one season).")
    var reference: String?
    @Option(help: "Also write every method's per-series scores to this CSV.")
    var perSeriesOut: String?
    @Option(help: "Also write every method's forecast of every scored window to this CSV, in the anchors' format (--anchors reads it).")
    var forecastsOut: String?
    @Option(help: "Season length in intervals (default: one day of intervals).")
    var season: Int?
    @Option(help: "LSTM hidden units (a multiple of 8).")
    var hidden = 32
    @Option(help: "LSTM member networks averaged (count).")
    var members = 5
    @Option(help: "LSTM epoch limit (count).")
    var epochs = 150
    @Option(help: "LSTM training windows at most, an even subsample (default: 1,024 windows of 168 steps or as many window-steps).")
    var maxWindows: Int?
    @Option(help: "Seed of the LSTM's initialisation and shuffling.")
    var seed: UInt64 = 0
    @Flag(help: "Leave the series' seasonal profile out of the LSTM's inputs.")
    var noSeasonalProfile = false
    @Flag(help: "Leave the LSTM out.")
    var noLstm = false
    @Flag(help: "Raise each p90 until it covers the forecast window's busiest interval in 90% of validation windows.")
    var coverPeaks = false
    @OptionGroup var output: OutputFormatOptions

    /// The JSON document (keys as issue 24 specifies them).
    struct Result: Encodable {
        var methods: [Method]
        var reference: String
        var series: Int
        var origins: Int
        var selected: String
        struct Method: Encodable {
            var name: String
            var relativeMae: Double
            var relativeMaeCi: [Double]
            var relativePinball90: Double
            var relativePinball90Ci: [Double]
            var p90Coverage: Double
            var peakCoverage: Double
            var fitSeconds: Double
        }
    }

    func run() throws {
        if let perSeriesOut { try AtomicFile.checkFile(perSeriesOut, option: "--per-series-out") }
        if let forecastsOut { try AtomicFile.checkFile(forecastsOut, option: "--forecasts-out") }
        if let perSeriesOut, let forecastsOut, perSeriesOut == forecastsOut {
            throw ValidationError("--per-series-out and --forecasts-out name the same file, \(forecastsOut)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(directory): expected a folder of history CSVs")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".csv") }.sorted()
        guard !files.isEmpty else { throw ValidationError("\(directory): no *.csv files") }
        let histories = try files.map { file -> LoadSeries in
            var s = try LoadSeriesCSV.read(path: (directory as NSString).appendingPathComponent(file))
            s.name = String(file.dropLast(4))
            return s
        }
        var options = ForecasterOptions(horizon: horizon)
        options.season = season
        options.hiddenSize = hidden
        options.members = members
        options.maxEpochs = epochs
        options.maxTrainingWindows = maxWindows
        options.seed = seed
        options.useLSTM = !noLstm
        options.seasonalProfile = !noSeasonalProfile
        options.coverPeaks = coverPeaks
        let anchorFiles = try anchors.map { try AnchorForecasts.read(path: $0) }
        let wanted = methods.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let progress = CommandProgress(stages: (wanted?.count ?? 14) + 2)
        progress.stage("training on the data before the test days")
        let b: ForecastBenchmark
        do {
            b = try ForecastBenchmark.run(histories, testDays: testDays, originStep: originStep, options: options, methods: wanted,
                                          anchors: anchorFiles, reference: reference) { line in
                if line.hasPrefix("forecasting the test days with ") {
                    progress.stage(String(line.dropFirst("forecasting the test days with ".count)) + " on the test days")
                }
            }
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        var outputs: [(text: String, path: String)] = []
        if let perSeriesOut {
            var text = "series,method,mae,mase,pinball50,pinball90,pinball99,p90_coverage,peak_coverage\n"
            for m in b.methods {
                for s in m.perSeries {
                    text += "\(s.series),\(m.name),\(s.mae),\(s.mase),\(s.pinball[0]),\(s.pinball[1]),\(s.pinball[2]),"
                        + "\(s.p90Coverage),\(s.peakCoverage)\n"
                }
            }
            outputs.append((text, perSeriesOut))
        }
        if let forecastsOut { outputs.append((b.forecastsCSV(histories: histories), forecastsOut)) }
        // Both or neither.
        if !outputs.isEmpty { try AtomicFile.write(outputs) }
        switch output.format {
        case .json:
            let result = Result(
                methods: b.methods.map {
                    .init(name: $0.name, relativeMae: $0.relativeMAE, relativeMaeCi: $0.relativeMAECI,
                          relativePinball90: $0.relativePinball90, relativePinball90Ci: $0.relativePinball90CI,
                          p90Coverage: $0.p90Coverage, peakCoverage: $0.peakCoverage, fitSeconds: $0.fitSeconds)
                },
                reference: b.reference, series: b.series.count, origins: b.originCount, selected: b.selected)
            print(try JSONOutput.encode(result))
        case .csv:
            print("method,anchor,relative_mae,relative_mae_lo,relative_mae_hi,relative_pinball90,relative_pinball90_lo,relative_pinball90_hi,p90_coverage,peak_coverage,mean_mase,fit_seconds,selected,reference")
            for m in b.methods {
                print([m.name, "\(m.anchor)", "\(m.relativeMAE)", "\(m.relativeMAECI[0])", "\(m.relativeMAECI[1])",
                       "\(m.relativePinball90)", "\(m.relativePinball90CI[0])", "\(m.relativePinball90CI[1])",
                       "\(m.p90Coverage)", "\(m.peakCoverage)", "\(m.meanMASE)", "\(m.fitSeconds)",
                       "\(m.name == b.selected)", "\(m.name == b.reference)"].joined(separator: ","))
            }
        case .table:
            print("\(b.series.count) series, \(b.originCount) origins, horizon \(b.horizon), \(b.testDays) test days, "
                  + "origin every \(b.originStep) intervals, season \(b.season); relative to \(b.reference) "
                  + "(geometric mean over series, 95% two-way bootstrap interval)")
            var t = TextTable(header: ["method", "rel MAE", "95% interval", "rel pinball 0.9", "95% interval", "p90 cov %",
                                       "peak cov %", "mean MASE", "fit s", ""])
            func interval(_ ci: [Double]) -> String {
                NumberFormatting.fixed(ci[0], decimals: 3) + "–" + NumberFormatting.fixed(ci[1], decimals: 3)
            }
            for m in b.methods {
                let marks = [m.anchor ? "anchor" : nil, m.name == b.reference ? "reference" : nil, m.name == b.selected ? "selected" : nil]
                t.append([m.name, NumberFormatting.fixed(m.relativeMAE, decimals: 3), interval(m.relativeMAECI),
                          NumberFormatting.fixed(m.relativePinball90, decimals: 3), interval(m.relativePinball90CI),
                          NumberFormatting.fixed(100 * m.p90Coverage, decimals: 1), NumberFormatting.fixed(100 * m.peakCoverage, decimals: 1),
                          NumberFormatting.fixed(m.meanMASE, decimals: 3), NumberFormatting.fixed(m.fitSeconds, decimals: 1),
                          marks.compactMap { $0 }.joined(separator: ", ")])
            }
            print(t.render())
            print(b.selectionReason)
        }
    }
}
