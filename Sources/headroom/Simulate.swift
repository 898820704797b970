import ArgumentParser
import Scenario
import ServingModel

/// `headroom simulate`: run a scenario file.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate an LLM service described by a scenario file (YAML or JSON)."
    )

    @Argument(help: "The scenario file.")
    var scenario: String
    @Option(help: "Override the scenario's seed.")
    var seed: UInt64?
    @Option(help: "Override the simulated duration (e.g. 30m, 2h).")
    var duration: String?
    @OptionGroup var output: OutputFormatOptions
    @Option(help: "Write the per-interval time series to this CSV file.")
    var timeseries: String?

    func validate() throws {
        if let duration, (Units.duration(duration) ?? 0) <= 0 {
            throw ValidationError("--duration: expected a duration > 0 such as 30m or 2h, got '\(duration)'")
        }
    }

    func run() throws {
        var config = try ScenarioLoader.load(path: scenario)
        if let seed { config.seed = seed }
        if let duration, let d = Units.duration(duration) {
            guard d > config.warmup else {
                throw ValidationError("--duration \(duration) must exceed the scenario's warm-up (\(config.warmup) s)")
            }
            config.duration = d
        }
        let outcome = try ServingCommandSupport.run(config)
        try ServingCommandSupport.emit(outcome, config: config, format: output.format, timeseries: timeseries)
    }
}
