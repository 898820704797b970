import ArgumentParser

/// `headroom forecast`: train, use and evaluate load forecasters.
struct Forecast: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forecast load from a history CSV: train, predict, evaluate, benchmark.",
        subcommands: [ForecastTrain.self, ForecastPredict.self, ForecastEvaluate.self, ForecastBenchmarkCommand.self]
    )
}
