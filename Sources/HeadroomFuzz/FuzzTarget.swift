import CapacityPlanning
import Calibration
import Forecasting
import Foundation
import Scenario
import ServingModel
import Sweep
import Workload

/// One parser under fuzzing: where its seeds are, the file name extension
/// its inputs take, and what is done with an input (parse it, and use what
/// parses as the product would: a short simulation, a forecast, a replay).
/// Throwing is the expected outcome for a bad input; a crash, a hang or a
/// runaway allocation is a finding.
enum FuzzTarget: String, CaseIterable {
    case scenario, profile, history, traceAzure = "trace-azure", traceMooncake = "trace-mooncake", traceCSV = "trace-csv"
    case model, sla, iterations, observations, prometheus, grafana, part

    /// Folders of seeds, relative to the repository root.
    var seedFolders: [String] {
        switch self {
        case .scenario: return ["examples"]
        case .profile: return ["models/hardware"]
        default: return ["fuzz/corpus/\(rawValue)"]
        }
    }

    /// The extension of the target's input files.
    var fileExtension: String {
        switch self {
        case .scenario, .profile: return "yaml"
        case .traceMooncake: return "jsonl"
        case .model, .prometheus, .part: return "json"
        case .sla: return "txt"
        default: return "csv"
        }
    }

    /// Whether a file in a seed folder is one of this target's seeds.
    func isSeed(_ path: String) -> Bool {
        guard path.hasSuffix("." + fileExtension) else { return false }
        if self == .scenario { return !path.hasSuffix("claims.yaml") }
        return true
    }

    /// Runs one input. `path` holds `bytes`; `seedPath` is the seed it was
    /// mutated from (a scenario's relative paths resolve against it).
    func run(bytes: [UInt8], path: String, seedPath: String) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .scenario:
            var config = try ScenarioLoader.parse(text: text, file: seedPath, forecasters: ModelLoadForecaster.factory)
            // What `simulate --duration 1m` does with it.
            config.duration = min(config.duration, 60)
            config.warmup = min(config.warmup, config.duration / 5)
            _ = try ServingRun(configuration: config).execute()
        case .profile:
            _ = try HardwareProfileLoader.load(path: path)
        case .history:
            let series = try LoadSeriesCSV.read(path: path)
            _ = series.imputed(season: series.intervalsPerDay)
        case .traceAzure, .traceMooncake, .traceCSV:
            let format: TraceFormat = self == .traceAzure ? .azure : self == .traceMooncake ? .mooncake : .csv
            _ = try TraceReader(path: path, format: format).readAll()
            _ = try RequestSizes.fromTrace(path: path, format: format, maxTotalTokens: 4096)
        case .model:
            let model = try ForecasterModel.load(path: path)
            let history = try LoadSeriesCSV.read(path: FuzzTarget.root + "/fuzz/corpus/history/hourly-week.csv")
            _ = try? LoadForecast(model: model, history: history, horizon: model.horizon, level: 0.5)
        case .sla:
            _ = try SLA(parsing: text)
        case .iterations:
            _ = try CalibrationCSV.iterations(path: path)
        case .observations:
            _ = try CalibrationCSV.observations(path: path)
        case .prometheus, .grafana:
            // As `--history` reads it: each meaning forced, resampled to the
            // hour and imputed; then the meaning inferred, whose refusal
            // counts the input as refused.
            for values in HistoryValues.allCases {
                var options = HistoryFile.Options()
                options.values = values
                if let loaded = try? HistoryFile.read(path: path, options: options) {
                    _ = loaded.series.imputed(season: loaded.series.intervalsPerDay)
                }
            }
            _ = try HistoryFile.read(path: path)
        case .part:
            // What `headroom merge` does with one part (a whole split), and
            // what a shard does with a measured curve.
            let file = try PartFile.read(path)
            switch file.format {
            case PlanPart.currentFormat:
                let part = try PlanPart.read(file)
                let (first, outcomes) = try PlanPart.merged([(path, part)], version: part.headroomVersion)
                for o in outcomes { for v in o.verifications { try v.check(intervals: first.rates.count, targets: v.targets.count) } }
            case PlanCurvePart.currentFormat:
                _ = try PlanCurvePart.read(path: path, fingerprint: "", rates: [], version: "")
            default:
                let part = try SweepPart.read(file)
                let outcome = try SweepMerge.outcome(of: [(path, part)], version: part.header.headroomVersion)
                _ = (SweepReport.table(outcome), try SweepReport.json(outcome), SweepReport.csv(outcome))
            }
        }
    }

    /// The repository root: the working directory `make fuzz` runs in.
    nonisolated(unsafe) static var root = FileManager.default.currentDirectoryPath
}
