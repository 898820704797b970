import ArgumentParser
import CapacityPlanning
import Forecasting
import Foundation
import Report
import Scenario
import ServingModel
import Sweep
import Workload

/// `headroom plan` (`plan size`, the default subcommand): static, scheduled
/// and autoscaled plans that meet an SLA, each verified by simulation.
/// `headroom plan --help` shows this command's help (see ``Headroom/main()``).
struct PlanSize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Size a cluster for SLA targets at a design load, verified by simulation.",
        usage: """
            headroom plan --scenario S.yaml (--peak-rate R | --history H [--forecast M.json | --from T [--to T]]) [<options>]
              headroom plan backtest H.csv --scenario S.yaml --forecast M.json [<options>]
            """,
        discussion: """
            Give the load as a peak rate (--peak-rate 240/s) or as a history (--history: a history CSV \
            of request counts, a Prometheus query_range response or a Grafana CSV export). Without \
            --forecast the plan covers the history's busiest day (or --from/--to); with --forecast \
            MODEL.json, the forecast after the history. The design load is that load times --headroom. Exit status 3 when no plan meets the SLA. \
            'headroom plan backtest --help' describes the back-test.
            """
    )

    @Option(help: "The scenario file (YAML) whose request sizes, replicas and batching to plan.")
    var scenario: String
    @Option(name: .customLong("peak-rate"), help: "Peak arrival rate to plan for, with a unit: 240/s, 3200/min.")
    var peakRate: String?
    @Option(help: "History (CSV of counts, Prometheus query_range JSON or Grafana CSV): plans its busiest day, --from/--to, or with --forecast the forecast after it.")
    var history: String?
    @Option(help: "Start of the period of --history to plan (2024-01-09 or an ISO-8601 time; no offset: the history's zone) instead of its busiest day.")
    var from: String?
    @Option(help: "End (exclusive) of the --from period (default: --horizon intervals, one day, after --from).")
    var to: String?
    /// `--history-values` and `--timezone`.
    @OptionGroup var historyOptions: HistoryOptions
    @Option(help: "Forecaster model (models/forecasters/*.json) applied to --history; the plan covers the forecast.")
    var forecast: String?
    @Option(help: "Forecast quantile planned for, in (0, 1) (a level the model produces).")
    var quantile: Double = 0.9
    @Option(help: "Forecasting method instead of the model's selected one.")
    var method: String?
    @Option(help: "How much to plan, in intervals of the history (default: one day: the day after the history with --forecast, else from the start of the busiest day or --from).")
    var horizon: Int?
    @Option(name: .customLong("output"), help: "Directory for plan.json, schedule.csv, timeseries.csv and report.html.")
    var outputDirectory: String?
    @Option(help: "Simulated time per replication, with a unit, e.g. 30m (default: the scenario's duration).")
    var duration: String?
    @Option(name: .customLong("min-step"), help: "Shortest schedule step, with a unit (shorter steps merge into a neighbour at the larger count; 0s: one step per change).")
    var minStep: String = "15m"
    @Option(name: .customLong("gpu-price"), help: "Price of one GPU-hour in USD, instead of the hardware profile's price_per_gpu_hour.")
    var gpuPrice: Double?
    @Option(name: .customLong("emit"), parsing: .upToNextOption,
            help: ArgumentHelp("Also write the Kubernetes manifests of the verified plans (Deployment patch, HPA, KEDA, Knative) into DIR.",
                               valueName: "kubernetes DIR"))
    var emit: [String] = []
    @Option(help: "The Deployment the --emit manifests scale.")
    var deployment: String = ManifestOptions.defaultDeployment
    @Option(help: "Its namespace.")
    var namespace: String = ManifestOptions.defaultNamespace
    @Option(help: "Run shard K of N of a horizon plan's verification (0 <= K < N) and write a part file instead of the plan; 'env' or 'env/N' reads K (and N) from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID/_COUNT or AWS_BATCH_JOB_ARRAY_INDEX. headroom merge PARTS then prints and writes the plan.")
    var shard: String?
    @Option(help: "With --shard: the part file, or a directory to write plan-part-K-of-N.json in (created when written with a trailing /); with --curve-only, the curve's file or a directory for plan-curve.json.")
    var part: String?
    @Flag(name: .customLong("curve-only"), help: "Measure the capacity curve once and write it (--part) for the shards' --curve, instead of every shard measuring it.")
    var curveOnly = false
    @Option(help: "With --shard: read the capacity curve from this file (written by --curve-only with the same arguments) instead of measuring it.")
    var curve: String?
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
        guard let step = Units.duration(minStep), step >= 0, step <= 86_400 else {
            throw ValidationError("--min-step: expected a duration from 0s to 24h such as 15m, got '\(minStep)'")
        }
        if let gpuPrice, !(gpuPrice >= 0 && gpuPrice <= 1e6) {
            throw ValidationError("--gpu-price: expected USD per GPU-hour from 0 to 1000000, got \(gpuPrice)")
        }
        if forecast != nil && history == nil { throw ValidationError("--forecast needs --history (the series the model forecasts from)") }
        guard quantile > 0 && quantile < 1 else { throw ValidationError("--quantile: expected a level in (0, 1), got \(quantile)") }
        if let horizon, !(1...1_000_000).contains(horizon) {
            throw ValidationError("--horizon: expected from 1 to 1000000 intervals, got \(horizon)")
        }
        if (from != nil || to != nil) && (history == nil || forecast != nil) {
            throw ValidationError("--from/--to name a period of --history to plan; they take no --forecast (which plans the days after the history)")
        }
        if to != nil && from == nil { throw ValidationError("--to needs --from") }
        if outputDirectory != nil && history == nil { throw ValidationError("--output needs --history: the files describe a horizon") }
        if !emit.isEmpty {
            guard emit.count == 2, emit[0] == "kubernetes" else {
                throw ValidationError("--emit: expected 'kubernetes DIR', got '\(emit.joined(separator: " "))'")
            }
            if history == nil { throw ValidationError("--emit needs --history: the manifests apply a horizon's plans") }
        }
        if (shard != nil || curveOnly) && part == nil { throw ValidationError("--shard and --curve-only need --part (the file to write, or a directory for it)") }
        if part != nil && shard == nil && !curveOnly { throw ValidationError("--part needs --shard K/N or --curve-only") }
        if shard != nil && curveOnly { throw ValidationError("--curve-only measures the curve for the shards; give it without --shard") }
        if curve != nil && shard == nil { throw ValidationError("--curve gives the shards a measured curve; it needs --shard K/N") }
        if (shard != nil || curveOnly) && history == nil { throw ValidationError("--shard and --curve-only split a horizon plan's verification; they need --history (a --peak-rate plan is one search)") }
        if let shard { _ = try Self.shardSpec(shard) }
        if let p = ManifestOptions.problem(name: deployment, limit: 54) { throw ValidationError("--deployment: \(p)") }
        if let p = ManifestOptions.problem(name: namespace, limit: 63) ?? (namespace.contains(".") ? "expected no '.' in a namespace" : nil) {
            throw ValidationError("--namespace: \(p)")
        }
    }

    /// `--emit kubernetes DIR`'s directory.
    var manifestDirectory: String? { emit.count == 2 ? emit[1] : nil }

    /// How a horizon plan's tracks are run: all here, this shard's share
    /// into a part file, or none (their outcomes come from merged parts).
    enum Tracks {
        case all
        case shard(SweepShard, part: String, curve: String?)
        case curveOnly(part: String)
        case merged(PlanPart, [HorizonPlanner.TrackOutcome])
    }

    /// `--shard`'s value as a shard, from the environment for `env`.
    static func shardSpec(_ text: String) throws -> SweepShard {
        do {
            return try SweepShard(parsing: text, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        guard let part else { return try run(tracks: .all) }
        guard let shard else {
            let path = try SweepCommand.partPath(part, fileName: PlanCurvePart.fileName)
            try AtomicFile.checkFile(path, option: "--part")
            return try run(tracks: .curveOnly(part: path))
        }
        let spec = try Self.shardSpec(shard)
        let path = try SweepCommand.partPath(part, fileName: "plan-part-\(spec.index)-of-\(spec.count).json")
        try AtomicFile.checkFile(path, option: "--part")
        try run(tracks: .shard(spec, part: path, curve: curve))
    }

    /// `headroom merge` of a plan's parts: the plan run again where its
    /// shards ran, with every track's outcome from the parts, printing and
    /// writing what the unsharded plan does.
    static func merge(_ parts: [(path: String, part: PlanPart)]) throws {
        let (first, outcomes) = try PlanPart.merged(parts, version: Headroom.configuration.version)
        guard FileManager.default.changeCurrentDirectoryPath(first.workingDirectory) else {
            throw ValidationError("merge: the plan's shards ran in \(first.workingDirectory), which is not a directory here; merge where their relative paths resolve")
        }
        let command = try PlanSize.parse(first.arguments)
        try command.validate()
        guard try command.fingerprint(arguments: first.arguments) == first.fingerprint else {
            throw ValidationError("merge: the plan's inputs (\(command.inputFiles.joined(separator: ", "))) changed since its shards ran; rerun the shards")
        }
        try command.run(tracks: .merged(first, outcomes))
    }

    /// The files the plan reads directly, whose bytes its parts' fingerprint covers.
    var inputFiles: [String] { [scenario] + [history, forecast].compactMap { $0 } }

    /// ``PlanPart/fingerprint(arguments:files:)`` of this plan, run with
    /// `arguments` (as ``PlanPart/recordedArguments(_:)`` gives them).
    func fingerprint(arguments: [String]) throws -> String {
        let files = try inputFiles.map { path -> [UInt8] in
            do { return Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw ValidationError("\(path): \(FileProblem.reading(path, error))")
            }
        }
        return PlanPart.fingerprint(arguments: arguments, files: files)
    }

    func run(tracks: Tracks) throws {
        if let outputDirectory { try PlanFiles.checkDirectory(outputDirectory) }
        if let manifestDirectory { try KubernetesManifests.checkDirectory(manifestDirectory) }
        var (config, warnings) = try ServingCommandSupport.loadScenarioWarned(scenario)
        if let duration { config.duration = Units.duration(duration)!; config.warmup = min(config.warmup, config.duration / 5) }
        let targets = try SLA(parsing: judgement.sla)
        let factor = judgement.factor
        let (confidence, replications) = (judgement.confidence, judgement.replications)
        guard let peakRate else { return try planHorizon(config, warnings: warnings, targets: targets, headroom: factor, tracks: tracks) }
        let peak = Units.rate(peakRate)!
        let planner = try StaticPlanner(base: config, designRate: peak * factor, sla: targets,
                                        confidence: confidence, replications: replications)
        let plan = try planner.plan()
        let report = StaticPlanReport(plan, scenario: config.name, sla: targets, peakRate: peak, headroom: factor, confidence: confidence,
                                      replications: replications, pricePerGPUHour: gpuPrice ?? config.replicas.hardware?.pricePerGPUHour)
        switch output.format {
        case .json: print(try JSONOutput.encode(report.document))
        case .table: print(PlanSummary.staticPlan(report, warnings: warnings))
        }
        if plan.replicas == nil { throw ExitCode(3) }
    }

    /// Plans the horizon of a history or its forecast: static, schedule and
    /// HPA (or the scenario's Knative KPA), each verified over the horizon.
    func planHorizon(_ config: ServingConfiguration, warnings: [String], targets: SLA, headroom factor: Double, tracks: Tracks) throws {
        let (confidence, replications, loadScale) = (judgement.confidence, judgement.replications, judgement.loadScale)
        let model = try forecast.map { try ForecasterModel.load(path: $0) }
        let loaded = try historyOptions.load(history!, interval: model?.intervalSeconds)
        let series = loaded.series
        let file = (history! as NSString).lastPathComponent
        let perSecond = loadScale / series.interval
        let load: PlanLoad
        let period: PlanPeriod
        if let model {
            let f = try LoadForecast(model: model, history: series, horizon: horizon ?? series.intervalsPerDay, level: quantile, method: method)
            if let note = f.spreadNote { FileHandle.standardError.write(Data("headroom: note: \(note)\n".utf8)) }
            period = PlanPeriod.forecast(after: series, count: f.point.count, origin: f.origin, zone: loaded.zone)
            let level = NumberFormatting.short(quantile * 100), scale = NumberFormatting.short(loadScale)
            let forecastSource = "forecast \(f.method) p\(level) of \(file) for \(period.label) × \(scale)"
            load = PlanLoad(interval: series.interval, origin: f.origin,
                            source: forecastSource,
                            expected: f.point.map { $0 * perSecond }, planned: f.planned.map { $0 * perSecond },
                            band: (f.bandLow.map { $0 * perSecond }, f.bandHigh.map { $0 * perSecond }), headroom: factor, zone: loaded.zone)
        } else {
            if let from {
                guard let start = PlanPeriod.parseTime(from, zone: loaded.zone) else {
                    throw ValidationError("--from: expected a date (2024-01-09) or an ISO-8601 time, got '\(from)'")
                }
                let end: Double
                if let to {
                    guard let t = PlanPeriod.parseTime(to, zone: loaded.zone) else {
                        throw ValidationError("--to: expected a date (2024-01-10) or an ISO-8601 time, got '\(to)'")
                    }
                    end = t
                } else {
                    end = start + Double(horizon ?? series.intervalsPerDay) * series.interval
                }
                period = try PlanPeriod.named(from: start, to: end, in: series, zone: loaded.zone)
            } else {
                period = PlanPeriod.busiestDay(of: series, load: series.imputed(season: series.intervalsPerDay), zone: loaded.zone, horizon: horizon)
            }
            load = PlanLoad.history(series, period: period, scale: loadScale, scaleLabel: NumberFormatting.short(loadScale),
                                    headroom: factor, file: file)
        }
        var planner = try HorizonPlanner(base: config, sla: targets, interval: series.interval, confidence: confidence, replications: replications)
        planner.minStep = Units.duration(minStep)!
        let result: HorizonPlanner.Result
        switch tracks {
        case .all:
            FileHandle.standardError.write(Data("headroom: planning \(load.source)\n".utf8))
            let progress = CommandProgress(stages: 3)
            planner.progress = { progress.stage($0) }
            planner.finished = { progress.finished($0, of: $1) }
            result = try planner.plan(rates: load.designRates)
            progress.finish()
        case .curveOnly(let path):
            let fingerprint = try fingerprint(arguments: PlanPart.recordedArguments(CommandLine.arguments))
            FileHandle.standardError.write(Data("headroom: planning \(load.source), its capacity curve only\n".utf8))
            let progress = CommandProgress(stages: 1)
            planner.progress = { progress.stage($0) }
            let prepared = try planner.prepare(rates: load.designRates, splitTargets: true)
            progress.finish()
            let part = PlanCurvePart(headroomVersion: Headroom.configuration.version, fingerprint: fingerprint, rates: load.designRates, curve: prepared.curve)
            try AtomicFile.write(try part.encoded(), to: path)
            FileHandle.standardError.write(Data("headroom: capacity curve written to \(path); give it to every shard with --curve\n".utf8))
            return
        case .shard(let spec, let path, let curvePath):
            let arguments = PlanPart.recordedArguments(CommandLine.arguments)
            let fingerprint = try fingerprint(arguments: arguments)
            let given = try curvePath.map {
                try PlanCurvePart.read(path: $0, fingerprint: fingerprint, rates: load.designRates, version: Headroom.configuration.version)
            }
            FileHandle.standardError.write(Data("headroom: planning \(load.source), shard \(spec.index) of \(spec.count)\((curvePath.map { ", the capacity curve from \($0)" }) ?? "")\n".utf8))
            let progress = CommandProgress(stages: given == nil ? 2 : 1)
            planner.progress = { progress.stage($0) }
            planner.finished = { progress.finished($0, of: $1) }
            let prepared = try planner.prepare(rates: load.designRates, curve: given, splitTargets: true)
            let owned = PlanPart.owned(tracks: prepared.trackCount, by: spec)
            let outcomes = try planner.outcomes(of: prepared, tracks: owned)
            progress.finish()
            let part = PlanPart(headroomVersion: Headroom.configuration.version, fingerprint: fingerprint,
                                arguments: arguments,
                                workingDirectory: FileManager.default.currentDirectoryPath, shard: spec,
                                rates: load.designRates, curve: prepared.curve, tracks: prepared.trackCount, outcomes: outcomes)
            try AtomicFile.write(try part.encoded(), to: path)
            let note = owned.isEmpty ? " (none: the plan has \(prepared.trackCount) tracks)" : ""
            FileHandle.standardError.write(Data("headroom: shard \(spec.index) of \(spec.count): \(owned.count) of \(prepared.trackCount) tracks\(note) written to \(path); headroom merge the parts for the plan\n".utf8))
            return
        case .merged(let part, let outcomes):
            guard part.rates == load.designRates else {
                throw ValidationError("merge: the design load differs from the one the shards verified (\(part.rates.count) intervals in the parts, \(load.designRates.count) now); rerun the shards")
            }
            FileHandle.standardError.write(Data("headroom: planning \(load.source), merged from \(part.shards) shard\(part.shards == 1 ? "" : "s")\n".utf8))
            let prepared = try planner.prepare(rates: load.designRates, curve: part.curve, splitTargets: true)
            guard prepared.trackCount == part.tracks else {
                throw ValidationError("merge: the parts hold \(part.tracks) tracks; this plan has \(prepared.trackCount); rerun the shards")
            }
            result = try planner.assemble(prepared, outcomes: outcomes)
        }
        let gpus = config.replicas.hardware?.gpusPerReplica ?? 1
        var doc = PlanDocument(result, sla: targets, origin: load.origin, zone: load.zone, gpusPerReplica: gpus, pricePerGPUHour: gpuPrice ?? config.replicas.hardware?.pricePerGPUHour,
                               priceSource: gpuPrice == nil ? PlanDocument.profilePriceSource : "--gpu-price", meanPromptTokens: config.sizes.meanSize.prompt)
        doc.period = period.document
        let manifests = try manifestDirectory.map { _ in
            try KubernetesManifests(result, base: config, sla: targets, period: period,
                                    options: ManifestOptions(deployment: deployment, namespace: namespace),
                                    version: Headroom.configuration.version)
        }
        if let outputDirectory {
            try PlanFiles.write(to: outputDirectory, document: doc, result: result, load: load, sla: targets, scenario: config.name,
                                warnings: warnings)
        }
        if let manifestDirectory, let manifests {
            try manifests.write(to: manifestDirectory)
            FileHandle.standardError.write(Data(manifests.note(directory: manifestDirectory).utf8))
        }
        switch output.format {
        case .json: print(try JSONOutput.encode(doc))
        case .table: print(PlanSummary.horizon(doc, result: result, load: load, sla: targets, scenario: config.name, output: outputDirectory,
                                               warnings: warnings))
        }
        if !doc.verification.slaMet { throw ExitCode(3) }
    }
}
