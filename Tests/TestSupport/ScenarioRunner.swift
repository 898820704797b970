import Scenario
import ServingModel
import Workload

/// Runs a scenario written inline, as `headroom simulate` would run its
/// file: the Scenario loader reads the YAML, ``ServingRun`` simulates it.
/// The one runner the behaviour tests share.
package enum ScenarioRunner {
    /// The name a scenario text is read under: relative paths in it
    /// resolve against its folder, `/tmp`.
    package static let file = "/tmp/scenario-test.yaml"

    /// Parses `yaml` and runs it; `forecasters` builds a predictive
    /// scaler's forecaster (pass `ModelLoadForecaster.factory` for one).
    ///
    /// - Throws: ``ScenarioError`` when the scenario does not load, or what
    ///   the run throws.
    package static func run(_ yaml: String, forecasters: LoadForecasterFactory? = nil) throws
        -> (result: ServingResult, metrics: ServingMetrics) {
        let config = try ScenarioLoader.parse(text: yaml, file: file, forecasters: forecasters)
        return try ServingRun(configuration: config).execute()
    }
}
