import ArgumentParser
import Scenario
import ServingModel
import Workload

/// `headroom replay`: drive a scenario's service with a recorded trace.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a request trace against the service of a scenario."
    )

    @Argument(help: "The trace (Azure CSV, Mooncake JSONL, or timestamp,prompt_tokens,output_tokens CSV).")
    var trace: String
    @Option(help: "The scenario whose replicas, batching and SLO to use.")
    var scenario: String
    @Option(name: .customLong("trace-format"), help: "azure, mooncake or csv (default: detected).")
    var traceFormat: String?
    @Option(name: .customLong("rate-scale"), help: "Multiply the request rate on the same timeline, e.g. 2x.")
    var rateScale: String = "1"
    @Option(name: .customLong("time-scale"), help: "Multiply every timestamp by this factor (2 = half speed).")
    var timeScale: String = "1"
    @Option(name: .customLong("max-total-tokens"), help: "Cap prompt + output at this many tokens (the excess removed from both in proportion).")
    var maxTotalTokens: Int?
    /// `--duration` defaults to the trace's span here.
    @OptionGroup var options: ServingRunOptions

    func validate() throws {
        if let traceFormat, TraceFormat(rawValue: traceFormat) == nil {
            throw ValidationError("--trace-format: expected azure, mooncake or csv, got '\(traceFormat)'")
        }
        try ServingRunOptions.checkFactor(rateScale, flag: "--rate-scale")
        try ServingRunOptions.checkFactor(timeScale, flag: "--time-scale")
        if let maxTotalTokens, !(2...(2 * RequestSize.maxTokens)).contains(maxTotalTokens) {
            throw ValidationError("--max-total-tokens: expected an integer from 2 to \(2 * RequestSize.maxTokens), got \(maxTotalTokens)")
        }
    }

    func run() throws {
        try options.checkOutputs()
        var config = try ServingCommandSupport.loadScenario(scenario)
        let format = try traceFormat.flatMap(TraceFormat.init(rawValue:)) ?? TraceFormat.detect(path: trace)
        let replay = TraceReplay(path: trace, format: format, timeScale: Units.multiplier(timeScale)!,
                                 rateScale: Units.multiplier(rateScale)!, maxTotalTokens: maxTotalTokens)
        config.arrivals = .trace(replay)
        if let seed = options.seed { config.seed = seed }
        if let d = options.durationSeconds {
            config.duration = d
        } else {
            // The trace's span (one streaming pass), plus time to drain.
            let reader = try TraceReader(path: trace, format: format)
            var last = 0.0
            while let r = try reader.next() { last = r.time }
            config.duration = last * replay.timeScale + 1
            if config.duration > ServingLimits.maxDuration {
                throw ValidationError("--time-scale: the trace's span of \(last) s × \(timeScale) is \(config.duration) s, "
                                      + "above the 365-day limit; give --duration to replay part of it")
            }
        }
        if config.warmup >= config.duration { config.warmup = 0 }
        let outcome = try ServingCommandSupport.run(config)
        try ServingCommandSupport.emit(outcome, config: config, format: options.output.format, timeseries: options.timeseries)
    }
}
