import ArgumentParser
import Scenario
import Workload

/// Flags shared by the commands that run a serving simulation
/// (`simulate`, `replay`).
struct ServingRunOptions: ParsableArguments {
    @Option(help: "Override the scenario's random seed (an integer).")
    var seed: UInt64?
    @Option(help: "Override the simulated duration, with a unit: 30m, 2h.")
    var duration: String?
    @OptionGroup var output: OutputFormatOptions
    @Option(help: "Write the per-interval time series to this CSV file.")
    var timeseries: String?

    func validate() throws {
        if let duration, (Units.duration(duration) ?? 0) <= 0 {
            throw ValidationError("--duration: expected a duration > 0 such as 30m or 2h, got '\(duration)'")
        }
    }

    /// Checks that `--timeseries` can be written, before the run starts.
    func checkOutputs() throws {
        if let timeseries { try AtomicFile.checkFile(timeseries, option: "--timeseries") }
    }

    /// `--duration` in seconds, when given (validated above).
    var durationSeconds: Double? { duration.flatMap(Units.duration) }
}
