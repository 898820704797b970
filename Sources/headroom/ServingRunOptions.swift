import ArgumentParser
import Scenario
import ServingModel
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
        if let duration {
            try Self.checkDuration(duration)
        }
    }

    /// Checks that `--timeseries` can be written, before the run starts.
    func checkOutputs() throws {
        if let timeseries { try AtomicFile.checkFile(timeseries, option: "--timeseries") }
    }

    /// Refuses a `--duration` that is not a duration > 0 and at most 365
    /// days (``ServingLimits/maxDuration``), before any conversion.
    static func checkDuration(_ text: String, flag: String = "--duration") throws {
        guard let d = Units.duration(text), d > 0, d <= ServingLimits.maxDuration else {
            throw ValidationError("\(flag): expected a duration > 0 and at most 365d such as 30m or 2h, got '\(text)'")
        }
    }

    /// Refuses a multiplier flag that is not finite, > 0 and at most
    /// ``ServingLimits/maxFactor``.
    static func checkFactor(_ text: String, flag: String) throws {
        guard let f = Units.multiplier(text), f > 0, f <= ServingLimits.maxFactor else {
            throw ValidationError("\(flag): expected a multiplier > 0 and at most 1000000x such as 2x, got '\(text)'")
        }
    }

    /// `--duration` in seconds, when given (validated above).
    var durationSeconds: Double? { duration.flatMap(Units.duration) }
}
