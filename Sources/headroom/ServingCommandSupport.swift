import Forecasting
import Foundation
import Report
import Scenario
import Workload
import ServingModel

/// Shared steps of the commands that run a serving simulation.
enum ServingCommandSupport {
    /// Loads a scenario, building a predictive scaler's forecaster from its
    /// model file.
    static func loadScenario(_ path: String) throws -> ServingConfiguration {
        try loadScenarioWarned(path).config
    }

    /// ``loadScenario(_:)``, also returning the warnings it printed, for a
    /// command that repeats them in its output.
    static func loadScenarioWarned(_ path: String) throws -> (config: ServingConfiguration, warnings: [String]) {
        let config = try ScenarioLoader.load(path: path, forecasters: ModelLoadForecaster.factory)
        let found = ProfileCoverage.warnings(config)
        for warning in found {
            FileHandle.standardError.write(Data("headroom: warning: \(path): \(warning)\n".utf8))
        }
        return (config, found)
    }

    /// Runs a configuration, with a progress bar on stderr when it is a terminal.
    static func run(_ config: ServingConfiguration) throws -> (result: ServingResult, metrics: ServingMetrics) {
        let run = try ServingRun(configuration: config)
        guard isatty(STDERR_FILENO) != 0 else { return try run.execute() }
        let outcome = try run.execute { fraction in
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(Int(fraction * 100))%".utf8))
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        return outcome
    }

    /// Prints a result in the chosen format and writes the time series.
    static func emit(_ outcome: (result: ServingResult, metrics: ServingMetrics), config: ServingConfiguration,
                     format: OutputFormat, timeseries: String?) throws {
        // Write the file first: a failure leaves neither file nor summary.
        if let timeseries {
            try AtomicFile.write(ServingReport.timeSeriesCSV(outcome.metrics, duration: config.duration), to: timeseries)
        }
        switch format {
        case .json: print(try JSONOutput.encode(outcome.result))
        case .table: print(ServingReport.table(outcome.result))
        case .csv: print(ServingReport.timeSeriesCSV(outcome.metrics, duration: config.duration), terminator: "")
        }
    }
}
