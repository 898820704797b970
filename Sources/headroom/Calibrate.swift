import ArgumentParser
import Calibration
import Foundation
import Report
import Scenario
import ServingModel
import Workload

/// `headroom calibrate`: fit a hardware profile to a user's own
/// measurements, either per-iteration times (`ITERATIONS.csv`) or serving
/// latencies at several loads (`--observed`), and write it as
/// `headroom-hardware/1` YAML.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a hardware profile to measured iteration times or observed serving latencies.",
        discussion: """
            From iterations: headroom calibrate ITERATIONS.csv --out P.yaml [--base B.yaml | --gpu G --model M \
            --price-per-gpu-hour P --kv-cache-tokens N]
            From serving observations: headroom calibrate --observed SERVING.csv --scenario S.yaml --base B.yaml --out P.yaml
            """
    )

    @Argument(help: "Measured iterations: prefill_tokens,decode_sequences,kv_tokens,prefill_pairs,iteration_seconds.")
    var iterations: String?
    @Option(help: "Observed serving latencies: offered_rps,ttft_p50,tpot_p50[,ttft_p90,tpot_p90,...] (seconds).")
    var observed: String?
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
        guard (iterations == nil) != (observed == nil) else {
            throw ValidationError("give either ITERATIONS.csv or --observed SERVING.csv (exactly one)")
        }
        if observed != nil {
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
        } else if let observed, let scenario, let base, let baseProfile {
            try fitObservations(observed, scenario: scenario, basePath: base, base: baseProfile)
        }
    }

    /// The profile's name: `--name`, else the output file's stem.
    var profileName: String {
        fields.name ?? URL(fileURLWithPath: out).deletingPathExtension().lastPathComponent
    }

    // MARK: from iterations

    /// What `--format json` prints for a fit from iterations.
    struct IterationReport: Encodable {
        var profile: String
        var name: String
        var rows: Int
        var coefficients: Coefficients
        var kneeTokens: Double
        var errors: IterationTimeFit.Errors
        var errorsByKind: [String: IterationTimeFit.Errors]
        var unconstrained: [String]
    }

    /// The six coefficients, as the profile names them.
    struct Coefficients: Encodable {
        var fixed, linearFloor, perToken, perKvToken, perPrefillPair, perTokenComm: Double

        init(_ m: IterationTimeModel) {
            fixed = m.fixed
            linearFloor = m.linearFloor
            perToken = m.perToken
            perKvToken = m.perKVToken
            perPrefillPair = m.perPrefillPair
            perTokenComm = m.perTokenComm
        }
    }

    func fitIterations(_ path: String, base: HardwareProfile?) throws {
        let samples = try CalibrationCSV.iterations(path: path)
        let tp = fields.tensorParallel ?? base?.tensorParallel ?? 1
        let pp = fields.pipelineParallel ?? base?.pipelineParallel ?? 1
        let fit = try IterationTimeFit.fit(samples, fitsCommunication: tp * pp > 1)
        var iteration = fit.model
        iteration.pipelineStages = pp
        let profile = fields.profile(name: profileName, base: base, tensorParallel: tp, pipelineParallel: pp, iteration: iteration)
        let text = HardwareProfileWriter.yaml(profile, source: "calibrated by headroom calibrate from \(path)",
                                              fit: .init(rows: fit.errors.rows, mape: fit.errors.mape,
                                                         p95APE: fit.errors.p95APE, maxAPE: fit.errors.maxAPE))
        try AtomicFile.write(text, to: out)
        for coefficient in fit.unconstrained {
            FileHandle.standardError.write(Data("headroom: warning: no row constrains \(coefficient); it is 0 in \(out)\n".utf8))
        }
        switch output.format {
        case .json:
            let report = IterationReport(
                profile: out, name: profile.name, rows: fit.errors.rows, coefficients: Coefficients(fit.model),
                kneeTokens: fit.knee, errors: fit.errors,
                errorsByKind: Dictionary(uniqueKeysWithValues: fit.errorsByKind.map { ($0.key.rawValue, $0.value) }),
                unconstrained: fit.unconstrained)
            print(try JSONOutput.encode(report))
        case .table:
            print("\(out): \(profile.name), fitted to \(fit.errors.rows) iterations of \(path)")
            var c = TextTable(header: ["coefficient", "value"])
            let m = fit.model
            for (name, value) in [("fixed", m.fixed), ("linear_floor", m.linearFloor), ("per_token", m.perToken),
                                  ("per_kv_token", m.perKVToken), ("per_prefill_pair", m.perPrefillPair),
                                  ("per_token_comm", m.perTokenComm)] {
                c.append([name, String(format: "%.4g s", value)])
            }
            c.append(["knee (linear_floor/per_token)", NumberFormatting.significant(fit.knee, digits: 4) + " tokens"])
            print(c.render())
            print()
            var e = TextTable(header: ["iterations", "rows", "MAPE", "p95 APE", "max APE"])
            func percent(_ v: Double) -> String { NumberFormatting.fixed(100 * v, decimals: 2) + "%" }
            func add(_ label: String, _ x: IterationTimeFit.Errors) {
                e.append([label, NumberFormatting.grouped(x.rows), percent(x.mape), percent(x.p95APE), percent(x.maxAPE)])
            }
            add("all", fit.errors)
            for kind in IterationTimeFit.Kind.allCases { if let x = fit.errorsByKind[kind] { add(kind.rawValue, x) } }
            print(e.render())
        }
    }

    // MARK: from serving observations

    /// What `--format json` prints for a fit from serving observations.
    struct ObservationReport: Encodable {
        var profile: String
        var name: String
        var mode: ServingCalibration.Mode
        var factors: ServingCalibration.Factors
        var evaluations: Int
        var simulations: Int
        var atBound: Bool
        var mape: Double
        var maxApe: Double
        var rows: [Row]

        struct Row: Encodable {
            var offeredRps: Double
            var completed: Int
            var targets: [Target]
        }

        struct Target: Encodable {
            var name: String
            var observed: Double
            var simulated: Double
            var relativeError: Double
        }
    }

    func fitObservations(_ path: String, scenario: String, basePath: String, base: HardwareProfile) throws {
        let observations = try CalibrationCSV.observations(path: path)
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
        let text = HardwareProfileWriter.yaml(
            fit.profile, source: "calibrated by headroom calibrate from \(path) with scenario \(scenario) on base \(basePath)",
            fit: .init(rows: observations.count, mape: fit.mape, maxAPE: fit.maxAPE))
        try AtomicFile.write(text, to: out)
        if fit.atBound {
            FileHandle.standardError.write(Data("headroom: warning: a factor stopped at its bound (1/8 or 8): the observations lie outside what scaling \(basePath) can reproduce\n".utf8))
        }
        switch output.format {
        case .json:
            let rows = fit.rows.map { r in
                ObservationReport.Row(offeredRps: r.offeredRate, completed: r.completed, targets: r.comparisons.map {
                    .init(name: $0.target.name, observed: $0.target.seconds, simulated: $0.simulated, relativeError: $0.relativeError)
                })
            }
            print(try JSONOutput.encode(ObservationReport(
                profile: out, name: fit.profile.name, mode: searchMode, factors: fit.factors, evaluations: fit.evaluations,
                simulations: fit.evaluations * observations.count, atBound: fit.atBound,
                mape: fit.mape, maxApe: fit.maxAPE, rows: rows)))
        case .table:
            let factors = searchMode == .single
                ? "iteration time × \(NumberFormatting.significant(fit.factors.prefill, digits: 4))"
                : "prefill side × \(NumberFormatting.significant(fit.factors.prefill, digits: 4)), decode side × \(NumberFormatting.significant(fit.factors.decode, digits: 4))"
            print("\(out): \(fit.profile.name), \(factors) on \(basePath)")
            print("\(fit.evaluations) candidates × \(observations.count) row\(observations.count == 1 ? "" : "s") simulated; MAPE \(NumberFormatting.fixed(100 * fit.mape, decimals: 1))%, max \(NumberFormatting.fixed(100 * fit.maxAPE, decimals: 1))%")
            print()
            var t = TextTable(header: ["offered_rps", "target", "observed", "simulated", "error"])
            for r in fit.rows {
                for c in r.comparisons {
                    let sign = c.relativeError >= 0 ? "+" : ""
                    t.append([NumberFormatting.significant(r.offeredRate, digits: 4), c.target.name,
                              NumberFormatting.duration(c.target.seconds), NumberFormatting.duration(c.simulated),
                              sign + NumberFormatting.fixed(100 * c.relativeError, decimals: 1) + "%"])
                }
            }
            print(t.render())
        }
    }
}

/// The profile fields `headroom calibrate` writes besides the coefficients:
/// given on the command line, else taken from `--base`.
struct ProfileFieldOptions: ParsableArguments {
    @Option(help: "Profile name (default: the output file's name without extension).")
    var name: String?
    @Option(help: "GPU type, e.g. A100-80GB.")
    var gpu: String?
    @Option(help: "Model served, e.g. Llama-2-7b-hf.")
    var model: String?
    @Option(name: .customLong("tensor-parallel"), help: "Tensor-parallel degree, GPUs (default 1).")
    var tensorParallel: Int?
    @Option(name: .customLong("pipeline-parallel"), help: "Pipeline-parallel degree, stages (default 1); give per-stage times.")
    var pipelineParallel: Int?
    @Option(name: .customLong("gpus-per-replica"), help: "GPUs per replica (default tensor × pipeline parallel).")
    var gpusPerReplica: Int?
    @Option(name: .customLong("price-per-gpu-hour"), help: "Price in USD per GPU-hour.")
    var pricePerGPUHour: Double?
    @Option(name: .customLong("kv-cache-tokens"), help: "KV-cache capacity of one replica, in tokens.")
    var kvCacheTokens: Int?
    @Option(name: .customLong("kv-block-size"), help: "KV-cache block size in tokens (default 16).")
    var kvBlockSize: Int?
    @Option(name: .customLong("max-model-len"), help: "Longest prompt + output the model accepts, in tokens (default 4096).")
    var maxModelLength: Int?

    /// Checks ranges, and that fields without a default are given when there is no base.
    func validate(hasBase: Bool) throws {
        // The ranges a hardware profile file accepts (HardwareProfileLoader).
        for (flag, value, limit) in [("--tensor-parallel", tensorParallel, 1024), ("--pipeline-parallel", pipelineParallel, 1024),
                                     ("--gpus-per-replica", gpusPerReplica, 4096),
                                     ("--kv-cache-tokens", kvCacheTokens, HardwareProfileLoader.maxKVCacheTokens),
                                     ("--kv-block-size", kvBlockSize, 4096), ("--max-model-len", maxModelLength, RequestSize.maxTokens)] {
            if let value, !(1...limit).contains(value) { throw ValidationError("\(flag): expected an integer from 1 to \(limit), got \(value)") }
        }
        if let pricePerGPUHour, !(pricePerGPUHour >= 0 && pricePerGPUHour <= 1e6) {
            throw ValidationError("--price-per-gpu-hour: expected a number from 0 to 1000000, got \(pricePerGPUHour)")
        }
        if !hasBase {
            let missing = [("--gpu", gpu == nil), ("--model", model == nil), ("--price-per-gpu-hour", pricePerGPUHour == nil),
                           ("--kv-cache-tokens", kvCacheTokens == nil)].filter(\.1).map(\.0)
            if !missing.isEmpty {
                throw ValidationError("missing \(missing.joined(separator: ", ")): give \(missing.count == 1 ? "it" : "them"), or --base PROFILE.yaml to take them from")
            }
        }
    }

    /// The profile: each field from its flag, else from `base`, else its
    /// default (`validate` made sure the fields without one are given).
    func profile(name: String, base: HardwareProfile?, tensorParallel tp: Int, pipelineParallel pp: Int,
                 iteration: IterationTimeModel) -> HardwareProfile {
        HardwareProfile(
            name: name, gpu: gpu ?? base?.gpu ?? "", model: model ?? base?.model ?? "",
            tensorParallel: tp, pipelineParallel: pp,
            gpusPerReplica: gpusPerReplica ?? base?.gpusPerReplica ?? tp * pp,
            pricePerGPUHour: pricePerGPUHour ?? base?.pricePerGPUHour ?? 0,
            kvCacheTokens: kvCacheTokens ?? base?.kvCacheTokens ?? 0,
            kvBlockSize: kvBlockSize ?? base?.kvBlockSize ?? 16,
            maxModelLength: maxModelLength ?? base?.maxModelLength ?? 4096,
            iteration: iteration)
    }
}
