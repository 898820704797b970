import ArgumentParser
import CapacityPlanning
import Foundation
import Report
import Scenario
import ServingModel
import Workload

/// `headroom plan [size]`: static, scheduled and autoscaled plans that
/// meet an SLA, each verified by simulation.
struct PlanSize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Size a cluster for SLA targets at a design load, verified by simulation (the default)."
    )

    @Option(help: "The scenario whose workload shape, replicas and batching to plan.")
    var scenario: String
    @Option(name: .customLong("peak-rate"), help: "Peak arrival rate to plan for, e.g. 240/s or 3200/min.")
    var peakRate: String?
    @Option(help: "A history CSV of counts per interval; its peak rate is planned for.")
    var history: String?
    @Option(help: "Factor applied to the load (the seeds' rule: 3x).")
    var headroom: String = "3x"
    @Option(help: "Targets, e.g. \"p99_ttft<=2s,p99_tpot<=150ms,error_rate<=0.1%\", or \"default\".")
    var sla: String = "default"
    @Option(help: "One-sided confidence that each target holds.")
    var confidence: Double = 0.95
    @Option(help: "Independent replications per candidate (common random numbers).")
    var replications: Int = 4
    @Option(help: "Simulated time per replication (default: the scenario's duration).")
    var duration: String?
    @OptionGroup var output: OutputFormatOptions

    func validate() throws {
        guard (peakRate == nil) != (history == nil) else {
            throw ValidationError("give exactly one of --peak-rate and --history")
        }
        if let peakRate, (Units.rate(peakRate) ?? 0) <= 0 {
            throw ValidationError("--peak-rate: expected a rate > 0 such as 240/s, got '\(peakRate)'")
        }
        guard let h = Units.multiplier(headroom), h > 0 else {
            throw ValidationError("--headroom: expected a multiplier > 0 such as 3x, got '\(headroom)'")
        }
        guard confidence > 0.5 && confidence < 1 else { throw ValidationError("--confidence must lie in (0.5, 1), got \(confidence)") }
        guard replications >= 2 else { throw ValidationError("--replications must be >= 2, got \(replications)") }
        if let duration, (Units.duration(duration) ?? 0) <= 0 { throw ValidationError("--duration: expected a duration > 0, got '\(duration)'") }
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
        var config = try ScenarioLoader.load(path: scenario)
        if let duration { config.duration = Units.duration(duration)!; config.warmup = min(config.warmup, config.duration / 5) }
        let targets = try SLA(parsing: sla)
        let peak: Double
        if let peakRate {
            peak = Units.rate(peakRate)!
        } else {
            let series = try LoadSeriesCSV.read(path: history!)
            let known = zip(series.values, series.missing).filter { !$0.1 }.map(\.0)
            guard let top = known.max() else { throw PlanningError("--history", "\(history!) has no observed interval") }
            peak = top / series.interval
        }
        let factor = Units.multiplier(headroom)!
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
        case .json: print(try JSONOutput.encode(out))
        case .table, .csv: print(render(out))
        }
        if plan.replicas == nil { throw ExitCode(3) }
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
