import ArgumentParser
import Calibration
import Fidelity
import Foundation
import ModelProfiles
import Scenario
import Workload

/// `headroom bench fidelity`: measured vLLM runs against Headroom's
/// predictions from generated profiles.
struct BenchFidelity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fidelity",
        abstract: "Compare Headroom's predictions with measured vLLM runs (inference-perf experiment folders).",
        discussion: """
        Each folder holds exp-config.yaml, profile.yaml and results/stage_K_lifecycle_metrics.json (a folder of such \
        folders is expanded). The model's config is looked up in --model-configs as NAME.json, NAME being the part of \
        exp-config.yaml's model after the '/', lower-cased; its profile is generated on --gpu, never taken from a \
        bundled profile. The summary's medians and maxima are over the stages not in overload (no failed request).
        """
    )

    @Argument(help: "Experiment folders (or folders of them).")
    var experiments: [String]

    @Option(name: .customLong("model-configs"), help: "Folder of Hugging Face config.json files named NAME.json.")
    var modelConfigs: String

    @Option(help: "The GPU the runs used (headroom profile --list).")
    var gpu: String

    @OptionGroup var output: ReportFormatOptions

    @Option(help: "Simulation seed.")
    var seed: UInt64 = 1

    @Flag(help: "Refit the GPU family's efficiencies: compute from --iteration-tables, memory and overheads from the runs (tools/fit_gpu_efficiency.sh).")
    var fit = false

    @Option(name: .customLong("fit-on"), parsing: .upToNextOption,
            help: "With --fit: fit on these experiment folders (or folders of them) and compare on the arguments: a held-out check.")
    var fitOn: [String] = []

    @Option(name: .customLong("iteration-tables"), parsing: .upToNextOption,
            help: "With --fit: hardware profiles (YAML) whose NAME_iterations.csv holds measured iterations on --gpu.")
    var iterationTables: [String] = []

    @Option(name: .customLong("write-scenarios"), help: "Also write each stage's replay scenario (YAML) into this folder.")
    var writeScenarios: String?

    func validate() throws {
        if !fitOn.isEmpty && !fit { throw ValidationError("--fit-on needs --fit") }
        if !iterationTables.isEmpty && !fit { throw ValidationError("--iteration-tables needs --fit") }
    }

    func run() throws {
        var options = FidelityBenchmark.Options(modelConfigs: modelConfigs, gpu: gpu)
        options.seed = seed
        let folders = try Self.expand(experiments)
        if let dir = writeScenarios {
            try AtomicFile.checkDirectory(dir, option: "--write-scenarios")
            var files: [(text: String, path: String)] = []
            for folder in folders {
                let e = try InferencePerfExperiment.read(folder: folder)
                let config = try FidelityBenchmark.modelConfig(for: e, in: modelConfigs)
                for k in e.stages.indices {
                    files.append((try FidelityBenchmark.scenario(e, stage: k, configPath: config, gpu: gpu, seed: seed),
                                  (dir as NSString).appendingPathComponent("\((folder as NSString).lastPathComponent)-stage-\(k).yaml")))
                }
            }
            try AtomicFile.write(files)
        }
        let report: FidelityBenchmark.Report
        do {
            if fit { options.efficiency = try refit(folders: fitOn.isEmpty ? folders : try Self.expand(fitOn), options: options) }
            report = try FidelityBenchmark.run(experiments: folders, options: options)
        } catch let e as ModelProfileError {
            throw ValidationError(e.description)
        }
        switch output.format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .table:
            print(FidelityTable.render(report), terminator: "")
        }
    }

    /// Fits the efficiencies and prints them (stderr: progress).
    func refit(folders: [String], options: FidelityBenchmark.Options) throws -> GPUEfficiency {
        let gpuSpec = try GPUCatalog.named(gpu)
        var start = GPUEfficiency.of(gpuSpec.family)
        var tables: [EfficiencyFit.Table] = []
        for path in iterationTables {
            let profile = try HardwareProfileLoader.load(path: path)
            let csv = String(path.dropLast(5)) + "_iterations.csv"
            let config = try FidelityBenchmark.modelConfig(named: profile.model, in: modelConfigs, file: path)
            tables.append(.init(modelConfig: config, tensorParallel: profile.tensorParallel, pipelineParallel: profile.pipelineParallel,
                                samples: try CalibrationCSV.iterations(path: csv)))
        }
        let log: (String) -> Void = { FileHandle.standardError.write(Data("fit: \($0)\n".utf8)) }
        if !tables.isEmpty {
            let (e, rows, mape) = try EfficiencyFit.fitCompute(tables: tables, gpu: gpuSpec, start: start)
            start = e
            log(String(format: "compute %.2f, attention %.2f from %d prefill rows, MAPE %.1f%%", e.compute, e.attention, rows, mape * 100))
        }
        var (e, before, after, n) = try EfficiencyFit.fitRuns(experiments: folders, options: options, start: start, progress: log)
        e.basis = "refit by --fit on " + folders.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        log(String(format: "objective (mean APE of TTFT p50, p90, E2E mean, step over calm stages) %.4f -> %.4f in %d replays", before, after, n))
        print("fitted \(gpuSpec.family.rawValue) efficiencies: " + String(format: "bandwidth %.4f, kv_bandwidth %.4f, compute %.4f, attention %.4f, overhead %.6f s, per_sequence %.7f s, all_reduce_latency %.7f s, link %.2f, request_overhead %.6f s",
                     e.bandwidth, e.kvBandwidth, e.compute, e.attention, e.overhead, e.perSequence, e.allReduceLatency, e.link, e.requestOverhead)
              + (e.fittedSequenceTokens.map { "; fitted on sequences of at most \($0) tokens (prompt + output)" } ?? ""))
        return e
    }

    /// Experiment folders, with a folder of experiments expanded (sorted).
    static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("\(p): no such folder")
            }
            if InferencePerfExperiment.recognises(folder: p) {
                out.append(p)
                continue
            }
            let children = (try? fm.contentsOfDirectory(atPath: p))?.sorted() ?? []
            let found = children.map { (p as NSString).appendingPathComponent($0) }.filter { InferencePerfExperiment.recognises(folder: $0) }
            guard !found.isEmpty else {
                throw ValidationError("\(p): not an inference-perf experiment folder (exp-config.yaml, profile.yaml, results/) nor a folder of them")
            }
            out += found
        }
        return out
    }
}
