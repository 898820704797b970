import ArgumentParser
import Foundation
import Scenario
import ServingModel

/// `headroom validate`: check a scenario and report every problem at once.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a scenario file and report every problem in it at once."
    )

    @Argument(help: "The scenario file (YAML; docs/scenario-reference.md).")
    var scenario: String

    func run() throws {
        do {
            let config = try ServingCommandSupport.loadScenario(scenario)
            _ = try ServingRun(configuration: config)  // the combinations the model does not simulate
            var trace = ""
            if case .trace(let replay) = config.arrivals { trace = ", trace of \(try ServingRun.checkTrace(replay)) requests" }
            print("\(scenario): ok (\(config.name): \(config.replicas.count) replicas, policy \(config.replicas.batching.name), \(config.duration) s\(trace))")
        } catch let error as ScenarioError {
            for issue in error.issues { FileHandle.standardError.write(Data("\(issue)\n".utf8)) }
            FileHandle.standardError.write(Data("\(scenario): \(error.issues.count) problem\(error.issues.count == 1 ? "" : "s")\n".utf8))
            throw ExitCode(65)
        }
    }
}
