import ArgumentParser
import Foundation
import Report
import SimulationCore

/// `headroom bench engine`: M/M/c through the event engine, timed, with the
/// Erlang C mean wait beside the simulated one.
struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time the event engine on an M/M/c queue against Erlang C."
    )

    @Option(help: "Measured customers (count).")
    var customers = 1_000_000
    @Option(help: "Warm-up customers excluded from the statistics (count).")
    var warmup = 10_000
    @Option(help: "Servers, c (count).")
    var servers = 8
    @Option(help: "Utilisation ρ = λ/(cμ), a fraction in (0, 1).")
    var utilization = 0.9
    @Option(help: "Random seed (an integer).")
    var seed: UInt64 = 1
    @OptionGroup var output: ReportFormatOptions

    func validate() throws {
        // Bounded so that warm-up + customers cannot overflow nor the servers exhaust memory.
        guard (1...1_000_000_000).contains(customers) else { throw ValidationError("--customers: expected from 1 to 1000000000, got \(customers)") }
        guard (0...1_000_000_000).contains(warmup) else { throw ValidationError("--warmup: expected from 0 to 1000000000, got \(warmup)") }
        guard (1...100_000).contains(servers) else { throw ValidationError("--servers: expected from 1 to 100000, got \(servers)") }
        guard utilization > 0 && utilization < 1 else {
            throw ValidationError("--utilization must lie in (0, 1) for a stable queue (got \(utilization))")
        }
    }

    /// The benchmark's result, printed as a table or JSON.
    struct Result: Encodable {
        var customers: Int
        var servers: Int
        var utilization: Double
        var events: Int
        var cpuSeconds: Double
        var eventsPerCpuSecond: Double
        var meanWait: Double
        var meanWaitCiHalfWidth: Double
        var erlangCMeanWait: Double
        var peakRssBytes: Int
    }

    func run() throws {
        let mu = 1.0
        let lambda = utilization * Double(servers) * mu
        let station = QueueingStation(servers: servers, interarrival: .exponential(mean: 1 / lambda),
                                      service: .exponential(mean: 1 / mu), seed: seed,
                                      warmupCustomers: warmup, measuredCustomers: customers)
        var sim = Simulation(model: station)
        sim.schedule(.arrival, at: 0)
        let start = CPUClock.threadSeconds()
        sim.run(until: .infinity)
        let cpu = CPUClock.threadSeconds() - start
        let ci = sim.model.waitBatches.confidenceInterval(level: 0.95)
        let result = Result(
            customers: customers, servers: servers, utilization: utilization,
            events: sim.eventCount, cpuSeconds: cpu, eventsPerCpuSecond: Double(sim.eventCount) / cpu,
            meanWait: sim.model.waits.mean, meanWaitCiHalfWidth: ci.halfWidth,
            erlangCMeanWait: QueueingTheory.mmcMeanWait(arrivalRate: lambda, serviceRate: mu, servers: servers),
            peakRssBytes: CPUClock.peakResidentBytes())
        switch output.format {
        case .json:
            print(try JSONOutput.encode(result))
        case .table:
            var t = TextTable(header: ["metric", "value"])
            t.append(["model", "M/M/\(servers), ρ = \(utilization), μ = 1/s"])
            t.append(["customers", NumberFormatting.grouped(customers)])
            t.append(["events", NumberFormatting.grouped(result.events)])
            t.append(["cpu seconds", NumberFormatting.fixed(cpu, decimals: 3)])
            t.append(["events per cpu-second", NumberFormatting.grouped(Int(result.eventsPerCpuSecond))])
            t.append(["simulated mean wait", NumberFormatting.significant(result.meanWait, digits: 4)
                        + " s ± " + NumberFormatting.significant(ci.halfWidth, digits: 2) + " (95%)"])
            t.append(["Erlang C mean wait", NumberFormatting.significant(result.erlangCMeanWait, digits: 4) + " s"])
            t.append(["peak RSS", NumberFormatting.fixed(Double(result.peakRssBytes) / 1_048_576, decimals: 1) + " MiB"])
            print(t.render())
        }
    }
}
