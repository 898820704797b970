import ArgumentParser
import Report
import ServingModel
import Workload

/// `headroom explain`: run a scenario with attribution on and say where the
/// slowest requests spent their time and why the others failed.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a scenario's latency and errors: where the p50 and p99 requests spent their time, errors by cause, "
            + "a one-line diagnosis and the lever that moves it."
    )

    @Argument(help: "The scenario file (YAML; docs/scenario-reference.md).")
    var scenario: String
    @Option(help: "Override the scenario's random seed (an integer).")
    var seed: UInt64?
    @Option(help: "Override the simulated duration, with a unit: 30m, 2h.")
    var duration: String?
    @OptionGroup var output: ReportFormatOptions

    func validate() throws {
        if let duration { try ServingRunOptions.checkDuration(duration) }
    }

    func run() throws {
        var config = try ServingCommandSupport.loadScenario(scenario)
        if let seed { config.seed = seed }
        if let d = duration.flatMap(Units.duration) {
            guard d > config.warmup else {
                throw ValidationError("--duration \(duration!) must exceed the scenario's warm-up (\(config.warmup) s)")
            }
            config.duration = d
        }
        config.attribution = true
        let outcome = try ServingCommandSupport.run(config)
        let explanation = ExplainReport.explain(outcome.result, metrics: outcome.metrics, configuration: config)
        switch output.format {
        case .json: print(try JSONOutput.encode(explanation))
        case .table: print(ExplainReport.text(explanation), terminator: "")
        }
    }
}
