import ArgumentParser
import Calibration
import Fidelity
import Foundation
import ModelProfiles

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

    func run() throws {
        var options = FidelityBenchmark.Options(modelConfigs: modelConfigs, gpu: gpu)
        options.seed = seed
        let folders = try Self.expand(experiments)
        let report: FidelityBenchmark.Report
        do {
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
