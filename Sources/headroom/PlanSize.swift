import ArgumentParser
import CapacityPlanning
import Forecasting
import Foundation
import Report
import Scenario
import ServingModel
import Workload

/// `headroom plan` (`plan size`, the default subcommand): static, scheduled
/// and autoscaled plans that meet an SLA, each verified by simulation.
/// `headroom plan --help` shows this command's help (see ``Headroom/main()``).
struct PlanSize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Size a cluster for SLA targets at a design load, verified by simulation.",
        usage: """
            headroom plan --scenario S.yaml (--peak-rate R | --history H.csv [--forecast M.json]) [<options>]
              headroom plan backtest H.csv --scenario S.yaml --forecast M.json [<options>]
            """,
        discussion: """
            Give the load as a peak rate (--peak-rate 240/s) or as a history of request counts \
            (--history H.csv, optionally with --forecast MODEL.json to plan the forecast). The design \
            load is that load times --headroom. Exit status 3 when no plan meets the SLA. \
            'headroom plan backtest --help' describes the back-test.
            """
    )

    @Option(help: "The scenario file (YAML) whose request sizes, replicas and batching to plan.")
    var scenario: String
    @Option(name: .customLong("peak-rate"), help: "Peak arrival rate to plan for, with a unit: 240/s, 3200/min.")
    var peakRate: String?
    @Option(help: "History CSV of request counts per interval: plans its last --horizon intervals, or with --forecast the forecast after it.")
    var history: String?
    @Option(help: "Forecaster model (models/forecasters/*.json) applied to --history; the plan covers the forecast.")
    var forecast: String?
    @Option(help: "Forecast quantile planned for, in (0, 1) (a level the model produces).")
    var quantile: Double = 0.9
    @Option(help: "Forecasting method instead of the model's selected one.")
    var method: String?
    @Option(help: "How much to plan, in intervals of the history (default: the model's horizon with --forecast, else one day).")
    var horizon: Int?
    @Option(name: .customLong("output"), help: "Directory for plan.json, schedule.csv, timeseries.csv and report.html.")
    var outputDirectory: String?
    @Option(help: "Simulated time per replication, with a unit, e.g. 30m (default: the scenario's duration).")
    var duration: String?
    /// Headroom, SLA, confidence, replications and load scale.
    @OptionGroup var judgement: PlanJudgementOptions
    @OptionGroup var output: ReportFormatOptions

    func validate() throws {
        guard (peakRate == nil) != (history == nil) else {
            throw ValidationError("give exactly one of --peak-rate and --history")
        }
        if let peakRate {
            guard let r = Units.rate(peakRate), r > 0, r <= ServingLimits.maxRate else {
                throw ValidationError("--peak-rate: expected a rate > 0 and at most 10000000/s such as 240/s, got '\(peakRate)'")
            }
        }
        if let duration { try ServingRunOptions.checkDuration(duration) }
        if forecast != nil && history == nil { throw ValidationError("--forecast needs --history (the series the model forecasts from)") }
        guard quantile > 0 && quantile < 1 else { throw ValidationError("--quantile: expected a level in (0, 1), got \(quantile)") }
        if let horizon, !(1...1_000_000).contains(horizon) {
            throw ValidationError("--horizon: expected from 1 to 1000000 intervals, got \(horizon)")
        }
        if outputDirectory != nil && history == nil { throw ValidationError("--output needs --history: the files describe a horizon") }
    }

    /// What `--format json` prints.
    struct Output: Encodable {
        var scenario: String
        var sla: String
        var peakRate: Double
        var headroom: Double
        var designRate: Double
        var `static`: Static?
        var method: String
        var verification: Verification
        var cost: Cost?
        var evaluations: [StaticPlanner.Evaluation]

        struct Static: Encodable { var replicas: Int; var gpus: Int }
        struct Verification: Encodable {
            var slaMet: Bool
            var confidence: Double
            var replications: Int
            var attainment: [StaticPlanner.TargetValue]
        }
        struct Cost: Encodable {
            var currency: String
            var staticGpuHoursPerDay: Double
            var staticCostPerDay: Double
        }
    }

    func run() throws {
        if let outputDirectory { try PlanFiles.checkDirectory(outputDirectory) }
        var config = try ServingCommandSupport.loadScenario(scenario)
        if let duration { config.duration = Units.duration(duration)!; config.warmup = min(config.warmup, config.duration / 5) }
        let targets = try SLA(parsing: judgement.sla)
        let factor = judgement.factor
        let (confidence, replications) = (judgement.confidence, judgement.replications)
        guard let peakRate else { return try planHorizon(config, targets: targets, headroom: factor) }
        let peak = Units.rate(peakRate)!
        let planner = try StaticPlanner(base: config, designRate: peak * factor, sla: targets,
                                        confidence: confidence, replications: replications)
        let plan = try planner.plan()
        let final = plan.evaluations.first { $0.replicas == plan.replicas }
        let price = config.replicas.hardware?.pricePerGPUHour
        let out = Output(
            scenario: config.name, sla: targets.description, peakRate: peak, headroom: factor, designRate: plan.designRate,
            static: plan.replicas.map { .init(replicas: $0, gpus: plan.gpus ?? $0) }, method: plan.method,
            verification: .init(slaMet: final?.met ?? false, confidence: confidence, replications: replications,
                                attainment: final?.targets ?? plan.unreachable),
            cost: plan.gpus.flatMap { gpus in price.map { .init(currency: "USD", staticGpuHoursPerDay: Double(gpus) * 24,
                                                                 staticCostPerDay: Double(gpus) * 24 * $0) } },
            evaluations: plan.evaluations)
        switch output.format {
        case .json:
            let doc = PlanDocument(designRate: out.designRate, static: out.static.map { .init(replicas: $0.replicas, gpus: $0.gpus) },
                                   verification: .init(slaMet: out.verification.slaMet, attainment: ["static": out.verification.slaMet ? 1 : 0],
                                                       worstInterval: nil),
                                   cost: out.cost.map { .init(staticGpuHours: $0.staticGpuHoursPerDay, scheduleGpuHours: $0.staticGpuHoursPerDay,
                                                              autoscaledGpuHours: $0.staticGpuHoursPerDay, currency: $0.currency,
                                                              staticCost: $0.staticCostPerDay, scheduleCost: $0.staticCostPerDay) })
            print(try JSONOutput.encode(doc))
        case .table: print(render(out))
        }
        if plan.replicas == nil { throw ExitCode(3) }
    }

    /// Plans the horizon of a history or its forecast: static, schedule and
    /// HPA (or the scenario's Knative KPA), each verified over the horizon.
    func planHorizon(_ config: ServingConfiguration, targets: SLA, headroom factor: Double) throws {
        let (confidence, replications, loadScale) = (judgement.confidence, judgement.replications, judgement.loadScale)
        let series = try LoadSeriesCSV.read(path: history!)
        let perSecond = loadScale / series.interval
        let load: PlanLoad
        if let forecast {
            let model = try ForecasterModel.load(path: forecast)
            let f = try LoadForecast(model: model, history: series, horizon: horizon ?? model.horizon, level: quantile, method: method)
            load = PlanLoad(interval: series.interval, origin: f.origin,
                            source: "forecast \(f.method) p\(PlanSummary.f(quantile * 100)) of \((history! as NSString).lastPathComponent) × \(PlanSummary.f(loadScale))",
                            expected: f.point.map { $0 * perSecond }, planned: f.planned.map { $0 * perSecond },
                            band: (f.bandLow.map { $0 * perSecond }, f.bandHigh.map { $0 * perSecond }), headroom: factor)
        } else {
            let n = min(horizon ?? series.intervalsPerDay, series.count)
            let values = series.imputed(season: series.intervalsPerDay).suffix(n).map { max(0, $0) * perSecond }
            load = PlanLoad(interval: series.interval, origin: series.timestamp(series.count - n),
                            source: "the last \(n) intervals of \((history! as NSString).lastPathComponent) × \(PlanSummary.f(loadScale))",
                            expected: values, planned: values, headroom: factor)
        }
        let planner = try HorizonPlanner(base: config, sla: targets, interval: series.interval, confidence: confidence, replications: replications)
        let result = try planner.plan(rates: load.designRates)
        let gpus = config.replicas.hardware?.gpusPerReplica ?? 1
        let doc = PlanDocument(result, sla: targets, origin: load.origin, gpusPerReplica: gpus, pricePerGPUHour: config.replicas.hardware?.pricePerGPUHour)
        if let outputDirectory {
            try PlanFiles.write(to: outputDirectory, document: doc, result: result, load: load, sla: targets, scenario: config.name)
        }
        switch output.format {
        case .json: print(try JSONOutput.encode(doc))
        case .table: print(PlanSummary.horizon(doc, result: result, load: load, sla: targets, scenario: config.name, output: outputDirectory))
        }
        if !doc.verification.slaMet { throw ExitCode(3) }
    }

    func render(_ o: Output) -> String {
        func f(_ x: Double) -> String { NumberFormatting.significant(x, digits: 4) }
        var head = TextTable(header: ["plan", o.scenario], alignNumbers: false)
        head.append(["design load", "\(f(o.designRate)) req/s = peak \(f(o.peakRate)) req/s × \(f(o.headroom))"])
        head.append(["SLA", o.sla])
        if let s = o.static {
            head.append(["replicas", "\(s.replicas) (\(s.gpus) GPUs), by \(o.method == "erlang_c" ? "Erlang C, verified by simulation" : "simulation")"])
            head.append(["verified", o.verification.slaMet
                ? "every target holds at \(f(o.verification.confidence * 100))% confidence over \(o.verification.replications) replications"
                : "NOT met by simulation at this size (see the targets below)"])
        } else {
            let largest = o.evaluations.map(\.replicas).max() ?? 0
            head.append(["replicas", "UNREACHABLE: adding replicas stopped improving the targets below; their best values (at \(largest) replicas) are shown"])
        }
        if let c = o.cost {
            head.append(["cost", "\(f(c.staticGpuHoursPerDay)) GPU-hours/day, \(c.currency) \(f(c.staticCostPerDay))/day"])
        }
        var t = TextTable(header: ["target", "mean", "bound", "met"])
        for v in o.verification.attainment {
            t.append([v.target, f(v.mean), f(v.bound), v.met ? "yes" : "no"])
        }
        var tried = TextTable(header: ["replicas tried", "met"])
        for e in o.evaluations { tried.append([String(e.replicas), e.met ? "yes" : "no"]) }
        return head.render() + "\n\n" + t.render() + "\n\n" + tried.render()
    }
}
