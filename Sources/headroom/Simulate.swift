import ArgumentParser
import Scenario
import ServingModel

/// `headroom simulate`: run a scenario file.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate an LLM service described by a scenario file (YAML or JSON)."
    )

    @Argument(help: "The scenario file (YAML; docs/scenario-reference.md).")
    var scenario: String
    @OptionGroup var options: ServingRunOptions

    func run() throws {
        try options.checkOutputs()
        var config = try ServingCommandSupport.loadScenario(scenario)
        if let seed = options.seed { config.seed = seed }
        if let d = options.durationSeconds {
            guard d > config.warmup else {
                throw ValidationError("--duration \(options.duration!) must exceed the scenario's warm-up (\(config.warmup) s)")
            }
            config.duration = d
        }
        let outcome = try ServingCommandSupport.run(config)
        try ServingCommandSupport.emit(outcome, config: config, format: options.output.format, timeseries: options.timeseries)
    }
}
