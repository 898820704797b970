import ArgumentParser
import Calibration
import Foundation
import Report
import Scenario
import ServingModel
import Workload

/// `headroom calibrate`: fit a hardware profile to a user's own
/// measurements, either per-iteration times (`ITERATIONS.csv`) or serving
/// latencies at several loads (`--observed`: Headroom's CSV, vLLM
/// benchmark_serving JSON, a GuideLLM report or an inference-perf folder),
/// and write it as `headroom-hardware/1` YAML. A fit whose error exceeds
/// ``FitAcceptance`` writes nothing and exits 3, unless `--accept-error`.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a hardware profile to measured iteration times or observed serving latencies.",
        discussion: """
            From iterations: headroom calibrate ITERATIONS.csv --out P.yaml [--base B.yaml | --gpu G --model M \
            --price-per-gpu-hour P --kv-cache-tokens N]
            From serving observations: headroom calibrate --observed RESULT [--observed RESULT ...] --scenario S.yaml --base B.yaml --out P.yaml
            RESULT: an observations CSV, a vLLM benchmark_serving/`vllm bench serve` --save-result JSON, a GuideLLM report JSON,
            or an inference-perf experiment folder (detected from content).
            A fit with MAPE above 15% or any error above 30% writes nothing and exits 3, unless --accept-error.
            """
    )

    @Argument(help: "Measured iterations: prefill_tokens,decode_sequences,kv_tokens,prefill_pairs,iteration_seconds.")
    var iterations: String?
    @Option(help: "Observed serving latencies (repeatable): a CSV offered_rps,ttft_p50,tpot_p50[,...], vLLM benchmark_serving JSON, a GuideLLM report, or an inference-perf folder.")
    var observed: [String] = []
    @Flag(help: "Write the profile even when the fit's error exceeds the threshold (MAPE 15%, max 30%), marked as such.")
    var acceptError = false
    @Option(help: "With --observed: the scenario whose workload and batching describe the deployment.")
    var scenario: String?
    @Option(help: "With --observed: scale the whole iteration (single) or prefill and decode apart (split).")
    var mode: String?
    @Option(help: "With --observed: simulated time per row, with a unit, e.g. 10m (default: the scenario's duration).")
    var duration: String?
    @Option(help: "Starting profile: fields not given are taken from it (required with --observed).")
    var base: String?
    @Option(help: "Where to write the fitted profile (YAML).")
    var out: String
    @OptionGroup var fields: ProfileFieldOptions
    @OptionGroup var output: ReportFormatOptions

    func validate() throws {
        guard (iterations == nil) != observed.isEmpty else {
            throw ValidationError("give either ITERATIONS.csv or --observed RESULT (exactly one)")
        }
        if !observed.isEmpty {
            guard scenario != nil else { throw ValidationError("--observed needs --scenario S.yaml (the deployment's workload and batching)") }
            guard base != nil else { throw ValidationError("--observed needs --base PROFILE.yaml (the profile to scale)") }
            if let mode, ServingCalibration.Mode(rawValue: mode) == nil {
                throw ValidationError("--mode: expected single or split, got '\(mode)'")
            }
            if let duration { try ServingRunOptions.checkDuration(duration) }
        } else {
            for (flag, value) in [("--scenario", scenario), ("--mode", mode), ("--duration", duration)] where value != nil {
                throw ValidationError("\(flag) applies only with --observed")
            }
        }
        try fields.validate(hasBase: base != nil)
    }

    func run() throws {
        try AtomicFile.checkFile(out, option: "--out")
        let baseProfile = try base.map { try HardwareProfileLoader.load(path: $0) }
        if let iterations {
            try fitIterations(iterations, base: baseProfile)
        } else if let scenario, let base, let baseProfile {
            try fitObservations(observed, scenario: scenario, basePath: base, base: baseProfile)
        }
    }

    /// Refuses a fitted profile faster than its model can run on its GPU
    /// (nothing written, exit 65), or says it could not be checked.
    func checkFloor(_ profile: HardwareProfile) throws {
        do {
            if try !HardwareProfileLoader.checkFloor(profile, path: out) {
                FileHandle.standardError.write(Data("headroom: note: not checked against the roofline floor: gpu '\(profile.gpu)' or model '\(profile.model)' is not bundled (headroom profile --list; models/configs/NAME.json)\n".utf8))
            }
        } catch let e as ScenarioError {
            for issue in e.issues { FileHandle.standardError.write(Data("headroom: error: \(issue.message)\n".utf8)) }
            FileHandle.standardError.write(Data("headroom: nothing written to \(out)\n".utf8))
            throw ExitCode(65)
        }
    }

    /// The profile's name: `--name`, else the output file's stem.
    var profileName: String {
        fields.name ?? URL(fileURLWithPath: out).deletingPathExtension().lastPathComponent
    }

    /// Fits measured iterations and writes the profile.
    func fitIterations(_ path: String, base: HardwareProfile?) throws {
        let samples = try CalibrationCSV.iterations(path: path)
        let tp = fields.tensorParallel ?? base?.tensorParallel ?? 1
        let pp = fields.pipelineParallel ?? base?.pipelineParallel ?? 1
        let fit = try IterationTimeFit.fit(samples, fitsCommunication: tp * pp > 1)
        var iteration = fit.model
        iteration.pipelineStages = pp
        let profile = fields.profile(name: profileName, base: base, tensorParallel: tp, pipelineParallel: pp, iteration: iteration)
        let summary = CalibrationSummary.iterations(fit, out: out, name: profile.name, input: path)
        try checkFloor(profile)
        let warning = try accept(mape: fit.errors.mape, maxAPE: fit.errors.maxAPE, summary: summary)
        let text = HardwareProfileWriter.yaml(profile, source: "calibrated by headroom calibrate from \(path)",
                                              fit: .init(rows: fit.errors.rows, mape: fit.errors.mape,
                                                         p95APE: fit.errors.p95APE, maxAPE: fit.errors.maxAPE))
        try AtomicFile.write(Self.marked(text, warning: warning), to: out)
        for coefficient in fit.unconstrained {
            FileHandle.standardError.write(Data("headroom: warning: no row constrains \(coefficient); it is 0 in \(out)\n".utf8))
        }
        switch output.format {
        case .json: print(try JSONOutput.encode(IterationFitReport(profile: out, name: profile.name, fit: fit)))
        case .table: print((warning.map { "warning: \($0)\n" } ?? "") + summary)
        }
    }

    /// Scales `base` until simulating `scenario` gives the observed latencies, and writes the profile.
    func fitObservations(_ paths: [String], scenario: String, basePath: String, base: HardwareProfile) throws {
        let measured = try MeasuredObservations.read(paths: paths)
        let observations = measured.observations
        let path = paths.joined(separator: ", ")
        for note in measured.notes {
            FileHandle.standardError.write(Data("headroom: note: \(note)\n".utf8))
        }
        var config = try ServingCommandSupport.loadScenario(scenario)
        if let duration, let d = Units.duration(duration) {
            guard d > config.warmup else {
                throw ValidationError("--duration \(duration) must exceed the scenario's warm-up (\(config.warmup) s)")
            }
            config.duration = d
        }
        let searchMode = mode.flatMap(ServingCalibration.Mode.init(rawValue:)) ?? .single
        let pp = fields.pipelineParallel ?? base.pipelineParallel
        var iteration = base.iteration
        iteration.pipelineStages = pp
        let startProfile = fields.profile(name: profileName, base: base, tensorParallel: fields.tensorParallel ?? base.tensorParallel,
                                          pipelineParallel: pp, iteration: iteration)
        let fit = try ServingCalibration.fit(configuration: config, base: startProfile, observations: observations, mode: searchMode)
        let summary = CalibrationSummary.observations(fit, mode: searchMode, out: out, base: basePath, observations: observations.count)
        try checkFloor(fit.profile)
        let warning = try accept(mape: fit.mape, maxAPE: fit.maxAPE, summary: summary)
        var calibrated = fit.profile
        calibrated.fittedSequenceTokens = ProfileCoverage.fittedRange(base: base.fittedSequenceTokens, calibratedOn: config)
        let text = HardwareProfileWriter.yaml(
            calibrated, source: "calibrated by headroom calibrate from \(measured.format.title) \(path) with scenario \(scenario) on base \(basePath)",
            fit: .init(rows: observations.count, mape: fit.mape, maxAPE: fit.maxAPE))
        try AtomicFile.write(Self.marked(text, warning: warning), to: out)
        if fit.atBound {
            FileHandle.standardError.write(Data("headroom: warning: a factor stopped at its bound (1/8 or 8): the observations lie outside what scaling \(basePath) can reproduce\n".utf8))
        }
        switch output.format {
        case .json: print(try JSONOutput.encode(ObservationFitReport(profile: out, mode: searchMode, fit: fit, observations: observations.count)))
        case .table: print((warning.map { "warning: \($0)\n" } ?? "") + summary)
        }
    }

    /// Checks a fit's error against ``FitAcceptance``: nil when within it;
    /// the warning to write when beyond it and `--accept-error` is given;
    /// otherwise prints the error table and why on stderr and exits 3
    /// without writing anything.
    func accept(mape: Double, maxAPE: Double, summary: String) throws -> String? {
        guard let problem = FitAcceptance.problem(mape: mape, maxAPE: maxAPE) else { return nil }
        let warning = "fit error above the threshold: \(problem); accepted with --accept-error"
        if acceptError {
            FileHandle.standardError.write(Data("headroom: warning: \(warning)\n".utf8))
            return warning
        }
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        FileHandle.standardError.write(Data("headroom: error: the fit is too far from the measurements (\(problem)); nothing written to \(out). Check the scenario and base profile, or pass --accept-error to write it anyway\n".utf8))
        throw ExitCode(3)
    }

    /// `text` with the `--accept-error` warning as a comment in its `fit:`
    /// block (the profile format has no key for it), when there is one.
    static func marked(_ text: String, warning: String?) -> String {
        guard let warning, let range = text.range(of: "\nfit:\n") else { return text }
        return text.replacingCharacters(in: range, with: "\nfit:\n  # warning: \(warning)\n")
    }
}
