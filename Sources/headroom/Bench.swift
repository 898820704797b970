import ArgumentParser

/// `headroom bench`: speed measurements of the engine and the models.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the speed of Headroom's engine and models.",
        subcommands: [BenchEngine.self, BenchServing.self, BenchToolbox.self, BenchForecast.self, BenchFidelity.self, BenchSweep.self]
    )
}
