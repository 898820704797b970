import ArgumentParser
import Foundation
import Report
import Scenario
import ServingModel

/// `headroom bench toolbox`: what the client and gateway layer costs, in
/// events per CPU second of the simulating thread, against the plain model.
struct BenchToolbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toolbox",
        abstract: "Events per CPU second with every client and gateway mechanism on, against the plain model."
    )

    @Option(help: "The plain scenario file (YAML).")
    var plain = "examples/toolbox/plain.yaml"
    @Option(name: .customLong("everything-on"), help: "The same scenario with every client and gateway mechanism on (YAML).")
    var everythingOn = "examples/toolbox/everything-on.yaml"
    @OptionGroup var output: ReportFormatOptions

    /// One measured run.
    struct Run: Encodable {
        var scenario: String
        var events: Int
        var cpuSeconds: Double
        var eventsPerCpuSecond: Double
        var requestsPerCpuSecond: Double
    }

    /// What `--format json` prints.
    struct Output: Encodable {
        var plain: Run
        var everythingOn: Run
        /// Plain events per second over everything-on events per second.
        var costFactor: Double
    }

    func measure(_ path: String) throws -> Run {
        let config = try ServingCommandSupport.loadScenario(path)
        let run = try ServingRun(configuration: config)
        let start = CPUClock.threadSeconds()
        let (r, _) = try run.execute()
        let spent = CPUClock.threadSeconds() - start
        let users = r.clients?.userRequests ?? r.requests.offered
        return Run(scenario: config.name, events: r.events, cpuSeconds: spent,
                   eventsPerCpuSecond: Double(r.events) / spent, requestsPerCpuSecond: Double(users) / spent)
    }

    func run() throws {
        let p = try measure(plain)
        let e = try measure(everythingOn)
        let out = Output(plain: p, everythingOn: e, costFactor: p.eventsPerCpuSecond / e.eventsPerCpuSecond)
        switch output.format {
        case .json: print(try JSONOutput.encode(out))
        case .table:
            var t = TextTable(header: ["scenario", "events", "CPU s", "M events/CPU-s", "k requests/CPU-s"])
            for r in [p, e] {
                t.append([r.scenario, NumberFormatting.grouped(r.events), NumberFormatting.fixed(r.cpuSeconds, decimals: 2),
                          NumberFormatting.fixed(r.eventsPerCpuSecond / 1e6, decimals: 2),
                          NumberFormatting.fixed(r.requestsPerCpuSecond / 1e3, decimals: 1)])
            }
            print(t.render())
            print("cost factor (plain events/s ÷ everything-on events/s): " + NumberFormatting.fixed(out.costFactor, decimals: 2) + " (bar: at most 2)")
        }
    }
}
