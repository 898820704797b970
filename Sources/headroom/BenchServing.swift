import ArgumentParser
import Foundation
import Report
import Scenario
import ServingModel
import Workload

/// `headroom bench serving`: the serving model's speed and fidelity runs —
/// side by side with Vidur's reference predictions, a simulated day of a
/// 32-replica cluster, and the M/M/c example's event rate.
struct BenchServing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serving",
        abstract: "Time the serving model against Vidur's reference runs and a simulated day."
    )

    @Option(help: "Which runs: vidur, day, mmc or all.")
    var suite: Suite = .all
    @Option(help: "Folder of the bundled traces (the repository's data/traces).")
    var traces = "data/traces"
    @OptionGroup var output: ReportFormatOptions

    enum Suite: String, ExpressibleByArgument { case vidur, day, mmc, all }

    /// Vidur 0.0.26's predictions for Llama-2-70B on 4×A100 (TP2×PP2), vLLM
    /// scheduler, batch cap 128, Azure conversation lengths capped at 4,096
    /// tokens, Poisson arrivals (`models/hardware/vidur-reference.csv`, whose header says how they were run).
    struct VidurReference: Encodable {
        var requests: Int
        var qps: Double
        var ttftP50: Double
        var ttftP99: Double
        var tpotP50: Double
        var tpotP99: Double
        var e2eP50: Double
        var e2eP99: Double
        var throughput: Double
        var wallSeconds: Double
    }

    /// The reference runs, from `models/hardware/vidur-reference.csv`.
    static func vidurReferences(path: String = "models/hardware/vidur-reference.csv") throws -> [VidurReference] {
        var refs: [VidurReference] = []
        let columns = ["requests", "qps", "ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99", "e2e_p50", "e2e_p99", "throughput", "wall_seconds"]
        try CSVTable.read(path: path, required: columns, optional: []) { row in
            let v = columns.dropFirst().map { row.number($0) }
            guard let n = row.count("requests"), v.allSatisfy({ $0 != nil }) else { return }
            let x = v.map { $0! }
            refs.append(.init(requests: n, qps: x[0], ttftP50: x[1], ttftP99: x[2], tpotP50: x[3], tpotP99: x[4],
                              e2eP50: x[5], e2eP99: x[6], throughput: x[7], wallSeconds: x[8]))
        }
        return refs
    }

    /// One Headroom run beside its reference.
    struct VidurRow: Encodable {
        var vidur: VidurReference
        var headroom: VidurReference
        var chunkedPrefill: Bool
        var wallRatio: Double
        var eventsPerSecond: Double
        /// CPU time of the simulating thread (wall time is inflated when the machine is shared).
        var cpuSeconds: Double
    }

    struct DayResult: Encodable {
        var requests: Int
        var replicas: Int
        var simulatedSeconds: Double
        var wallSeconds: Double
        var events: Int
        var eventsPerSecond: Double
        var peakRssBytes: Int
        var ttftP99: Double
        var tpotP99: Double
    }

    struct MMcResult: Encodable {
        var requests: Int
        var events: Int
        var cpuSeconds: Double
        var eventsPerCpuSecond: Double
        var meanWait: Double
        var erlangCMeanWait: Double
    }

    struct Output: Encodable {
        var vidur: [VidurRow]?
        var sarathi: [VidurRow]?
        var day: DayResult?
        var mmc: MMcResult?
    }

    func run() throws {
        var out = Output()
        let traces = URL(fileURLWithPath: traces)
        let conv = traces.appendingPathComponent("AzureLLMInferenceTrace_conv.csv").path
        if suite == .vidur || suite == .all {
            let profile = try HardwareProfileLoader.load(path: "models/hardware/a100-llama2-70b-tp2-pp2.yaml")
            let references = try Self.vidurReferences()
            out.vidur = try references.map { try vidurRun($0, profile: profile, chunked: false) }
            out.sarathi = try references.filter { $0.requests == 1000 }.map { try vidurRun($0, profile: profile, chunked: true) }
        }
        if suite == .day || suite == .all {
            let profile = try HardwareProfileLoader.load(path: "models/hardware/a100-llama2-7b.yaml")
            let sizes = try RequestSizes.fromTrace(path: conv, format: .azure, maxTotalTokens: 4096)
            let config = ServingConfiguration(
                name: "day", seed: 1, duration: 86_400, warmup: 0, arrivals: .processes([.poisson(rate: 100)]), sizes: sizes,
                replicas: ReplicaConfiguration(count: 32, batching: .continuous(ContinuousBatching(maxNumSeqs: 256, maxNumBatchedTokens: 4096)),
                                               hardware: profile, dispatch: .roundRobin),
                timeSeriesInterval: 60)
            let (r, _) = try ServingRun(configuration: config).execute()
            out.day = DayResult(requests: r.requests.offered, replicas: 32, simulatedSeconds: r.simulatedSeconds, wallSeconds: r.wallSeconds,
                                events: r.events, eventsPerSecond: Double(r.events) / r.wallSeconds,
                                peakRssBytes: CPUClock.peakResidentBytes(), ttftP99: r.latencySeconds.ttft.p99, tpotP99: r.latencySeconds.tpot.p99)
        }
        if suite == .mmc || suite == .all {
            let config = try ServingCommandSupport.loadScenario("examples/mmc-check.yaml")
            let cpu = CPUClock.threadSeconds()
            let (r, _) = try ServingRun(configuration: config).execute()
            let spent = CPUClock.threadSeconds() - cpu
            out.mmc = MMcResult(requests: r.requests.offered, events: r.events, cpuSeconds: spent,
                                eventsPerCpuSecond: Double(r.events) / spent, meanWait: r.latencySeconds.queueWait.mean,
                                erlangCMeanWait: 0.008769162376828213)
        }
        switch output.format {
        case .json: print(try JSONOutput.encode(out))
        case .table: print(render(out))
        }
    }

    /// Vidur's own request stream (`tools/vidur_requests.py`): its clipped
    /// Poisson intervals at QPS 1 and its shuffled, capped trace lengths;
    /// a run at QPS q replays it with every timestamp divided by q.
    static let vidurRequests = "models/hardware/vidur-conv-requests.csv"

    func vidurRun(_ ref: VidurReference, profile: HardwareProfile, chunked: Bool) throws -> VidurRow {
        var config = ServingConfiguration(
            name: "vidur-qps-\(ref.qps)", seed: 1, duration: 1e7, warmup: 0,
            arrivals: .trace(TraceReplay(path: Self.vidurRequests, format: .csv, timeScale: 1 / ref.qps)),
            sizes: RequestSizes(.fixed(RequestSize(prompt: 1, output: 1))),  // unused: the trace carries the sizes
            replicas: ReplicaConfiguration(count: 1, batching: .continuous(ContinuousBatching(
                maxNumSeqs: 128, maxNumBatchedTokens: chunked ? 512 : 4096, chunkedPrefill: chunked, watermark: 0.01,
                paddedPrefill: true)),
                hardware: profile, dispatch: .roundRobin),
            timeSeriesInterval: 1e6)
        config.requestLimit = ref.requests
        config.drain = true
        let start = CPUClock.wallSeconds()
        let cpu = CPUClock.threadSeconds()
        let (r, _) = try ServingRun(configuration: config).execute()
        let spent = CPUClock.threadSeconds() - cpu
        let wall = CPUClock.wallSeconds() - start
        let l = r.latencySeconds
        let mine = VidurReference(requests: r.requests.completed, qps: ref.qps, ttftP50: l.ttft.p50, ttftP99: l.ttft.p99,
                                  tpotP50: l.tpot.p50, tpotP99: l.tpot.p99, e2eP50: l.e2e.p50, e2eP99: l.e2e.p99,
                                  throughput: r.throughput.requestsPerSecond, wallSeconds: wall)
        return VidurRow(vidur: ref, headroom: mine, chunkedPrefill: chunked, wallRatio: ref.wallSeconds / wall,
                        eventsPerSecond: Double(r.events) / wall, cpuSeconds: spent)
    }

    func render(_ out: Output) -> String {
        var parts: [String] = []
        func f(_ x: Double) -> String { NumberFormatting.significant(x, digits: 3) }
        func rows(_ rs: [VidurRow], title: String) {
            var t = TextTable(header: ["QPS", "requests", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99", "E2E p50", "E2E p99", "req/s", "wall", "CPU", "speed-up"])
            for r in rs {
                let v = r.vidur, h = r.headroom
                t.append([f(v.qps), NumberFormatting.grouped(v.requests),
                          "\(f(h.ttftP50)) (\(f(v.ttftP50)))", "\(f(h.ttftP99)) (\(f(v.ttftP99)))",
                          "\(f(h.tpotP50 * 1000))ms (\(f(v.tpotP50 * 1000)))", "\(f(h.tpotP99 * 1000))ms (\(f(v.tpotP99 * 1000)))",
                          "\(f(h.e2eP50)) (\(f(v.e2eP50)))", "\(f(h.e2eP99)) (\(f(v.e2eP99)))",
                          "\(f(h.throughput)) (\(f(v.throughput)))", NumberFormatting.duration(h.wallSeconds), NumberFormatting.duration(r.cpuSeconds), f(r.wallRatio) + "x"])
            }
            parts.append(title + "\n" + t.render())
        }
        if let v = out.vidur { rows(v, title: "Llama-2-70B, 4×A100 TP2×PP2, vLLM scheduler — Headroom (Vidur), seconds unless marked") }
        if let s = out.sarathi { rows(s, title: "Same with chunked prefill, 512-token chunks (Sarathi) — Vidur figures are its vLLM runs") }
        if let d = out.day {
            var t = TextTable(header: ["one simulated day", "value"], alignNumbers: false)
            t.append(["replicas × requests", "\(d.replicas) × \(NumberFormatting.grouped(d.requests)) (100 req/s, Llama-2-7B A100, Azure conv lengths)"])
            t.append(["wall", NumberFormatting.fixed(d.wallSeconds, decimals: 2) + " s (" + NumberFormatting.grouped(d.events) + " events, "
                        + NumberFormatting.grouped(Int(d.eventsPerSecond)) + "/s)"])
            t.append(["peak RSS", NumberFormatting.fixed(Double(d.peakRssBytes) / 1_048_576, decimals: 1) + " MiB"])
            t.append(["TTFT p99 / TPOT p99", NumberFormatting.duration(d.ttftP99) + " / " + NumberFormatting.duration(d.tpotP99)])
            parts.append(t.render())
        }
        if let m = out.mmc {
            var t = TextTable(header: ["examples/mmc-check.yaml", "value"], alignNumbers: false)
            t.append(["requests / events", NumberFormatting.grouped(m.requests) + " / " + NumberFormatting.grouped(m.events)])
            t.append(["events per CPU-second", NumberFormatting.grouped(Int(m.eventsPerCpuSecond))])
            t.append(["mean wait (Erlang C)", NumberFormatting.duration(m.meanWait) + " (" + NumberFormatting.duration(m.erlangCMeanWait) + ")"])
            parts.append(t.render())
        }
        return parts.joined(separator: "\n\n")
    }
}
