import Foundation
import ServingModel
import SimulationCore
import Workload
import Yams

/// Reads a scenario file (YAML or JSON) into a validated
/// ``ServingConfiguration``. Every problem in the file is reported at once,
/// each with its line, key path, bad value and what was expected. Relative
/// paths inside a scenario resolve against the scenario file's folder.
///
/// ```yaml
/// name: mmc-check
/// seed: 7
/// duration: 2h
/// warmup: 10m
/// workload:
///   arrivals: {process: poisson, rate: 720/s}
/// replicas:
///   count: 8
///   batching: {policy: none}
///   service: {distribution: exponential, mean: 10ms}
/// ```
package enum ScenarioLoader {
    /// Loads and validates the scenario at `path`. `forecasters` builds the
    /// forecaster of `cluster.predictive` from its model file (without one,
    /// such a scenario is refused).
    package static func load(path: String, forecasters: LoadForecasterFactory? = nil) throws -> ServingConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(file: path, line: nil, key: "", message: "cannot read the scenario: \(FileProblem.reading(path, error))")])
        }
        return try parse(text: text, file: path, forecasters: forecasters)
    }

    /// Parses scenario text; `file` names it in errors and anchors relative
    /// paths; `forecasters` as for ``load(path:forecasters:)``.
    package static func parse(text: String, file: String, forecasters: LoadForecasterFactory? = nil) throws -> ServingConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError(issues: [ScenarioIssue(file: file, line: nil, key: "", message: "not valid YAML/JSON: \(error)")])
        }
        return try parse(document: root, file: file, forecasters: forecasters)
    }

    /// Parses a composed scenario document (nil: an empty file), e.g. one
    /// whose keys ``ScenarioKeyPath`` has set; `file` as for
    /// ``parse(text:file:forecasters:)``.
    package static func parse(document root: Node?, file: String, forecasters: LoadForecasterFactory? = nil) throws -> ServingConfiguration {
        let reader = NodeReader(file: file)
        guard let root, let f = reader.mapping(root, "") else {
            throw ScenarioError(issues: reader.issues.isEmpty ? [ScenarioIssue(file: file, line: nil, key: "", message: "the scenario is empty")] : reader.issues)
        }
        reader.root = root
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        let config = ScenarioParser(reader: reader, base: base, forecasters: forecasters).parse(f)
        if !reader.issues.isEmpty { throw ScenarioError(issues: reader.issues) }
        guard let config else {
            // Every path that gives no configuration names its problem; this is the net under them.
            throw ScenarioError(issues: [ScenarioIssue(file: file, line: nil, key: "", message: "the scenario could not be read, and no key was blamed (a bug: please report it with the file)")])
        }
        return config
    }

    /// The key paths that parsing `text` looks up, present in it or not
    /// (see ``ConsultedKeyLog``), and the paths looked up in each hardware
    /// profile it reads, by the profile's path; `error` is what the parse
    /// threw (nil: the scenario is valid). The scenario reference's test
    /// compares these with the keys `docs/scenario-reference.md` documents.
    package static func consultedKeys(text: String, file: String, forecasters: LoadForecasterFactory? = nil)
        -> (keys: Set<String>, profiles: [String: Set<String>], error: (any Error)?) {
        let log = ConsultedKeyLog()
        let error = ConsultedKeyLog.$current.withValue(log) { () -> (any Error)? in
            do {
                _ = try parse(text: text, file: file, forecasters: forecasters)
                return nil
            } catch {
                return error
            }
        }
        var profiles = log.files
        let keys = profiles.removeValue(forKey: file) ?? []
        return (keys, profiles, error)
    }
}

/// The scenario grammar, one method per section.
struct ScenarioParser {
    let reader: NodeReader
    let base: URL
    /// Builds a predictive scaler's forecaster (nil: none can be built).
    let forecasters: LoadForecasterFactory?

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path
    }

    func parse(_ f: Fields) -> ServingConfiguration? {
        let name = f.string("name") ?? URL(fileURLWithPath: reader.file).deletingPathExtension().lastPathComponent
        let seed = f.value("seed", "an integer >= 0") { UInt64($0) } ?? ServingConfiguration.defaultSeed
        var duration = f.duration("duration", min: 0, allowEqual: false)
        let warmup = f.duration("warmup") ?? ServingConfiguration.defaultWarmup
        var arrivals: ServingConfiguration.Arrivals?
        var sizes: RequestSizes?
        var tenants = TenantMix.single
        var sharedPrefix: SharedPrefixPrompts?
        if let node = f.required("workload", "a mapping with arrivals (and sizes)"), let w = reader.mapping(node, "workload") {
            arrivals = parseArrivals(w)
            if let sp = w.node("shared_prefix") {
                sharedPrefix = parseSharedPrefix(sp, "workload.shared_prefix")
                if w.has("sizes") {
                    reader.fail(w.node("sizes"), "workload.sizes", "shared_prefix sets every request's size; give one or the other")
                }
                if case .trace? = arrivals {
                    reader.fail(sp, "workload.shared_prefix", "a trace replay carries its own prompts; use an arrival process")
                }
            }
            // Without sizes every request is one token in, one out (queueing
            // models; trace replay carries its own sizes).
            sizes = sharedPrefix.map { RequestSizes(.fixed($0.size)) } ?? w.node("sizes").map { parseSizes($0, "workload.sizes") }
                ?? RequestSizes(.fixed(RequestSize(prompt: 1, output: 1)))
            if let t = w.node("tenants") { tenants = parseTenants(t, "workload.tenants") ?? tenants }
            w.finish()
        }
        if duration == nil && !reader.issues.contains(where: { $0.key == "duration" }) {
            if case .processes(let ps)? = arrivals, ps.count == 1, case .constantStages(let c) = ps[0] {
                // Constant stages: the run lasts the stages and their gaps
                // (so the last stage's last request, at its end, arrives).
                duration = c.end + c.gap
            } else {
                reader.fail(nil, "duration", "missing; expected a duration > 0 such as 1h (optional only with constant load stages)")
            }
        }
        if let duration, warmup >= duration {
            reader.fail(f.node("warmup"), "warmup", "must be shorter than duration (\(warmup)s >= \(duration)s)")
        }
        var replicas: ReplicaConfiguration?
        if let node = f.required("replicas", "a mapping with count and batching"), let r = reader.mapping(node, "replicas") {
            replicas = parseReplicas(r)
        }
        var dynamics: ClusterDynamics?
        if let node = f.node("cluster"), let c = reader.mapping(node, "cluster") {
            dynamics = parseCluster(c, initial: replicas?.count)
        }
        var client: ClientConfiguration?
        if let node = f.node("client"), let c = reader.mapping(node, "client") { client = parseClient(c) }
        var gateway: GatewayConfiguration?
        if let node = f.node("gateway"), let g = reader.mapping(node, "gateway") {
            gateway = parseGateway(g, slots: max(replicas?.count ?? 1, dynamics?.maxReplicas ?? 0))
        }
        var slo: SLOTargets?
        if let node = f.node("slo"), let s = reader.mapping(node, "slo") {
            slo = SLOTargets(ttft: s.duration("ttft", min: 0, allowEqual: false), tpot: s.duration("tpot", min: 0, allowEqual: false),
                             e2e: s.duration("e2e", min: 0, allowEqual: false))
            s.finish()
        }
        let alerts = f.node("alerts").map { parseAlerts($0, "alerts") } ?? []
        var interval = ServingConfiguration.defaultTimeSeriesInterval
        if let node = f.node("output"), let o = reader.mapping(node, "output") {
            interval = o.interval("interval") ?? interval
            o.finish()
        }
        f.finish()
        guard let duration, let arrivals, let sizes, var replicas else { return nil }
        replicas.dynamics = dynamics
        if replicas.disaggregation != nil && dynamics != nil {
            reader.fail(f.node("cluster"), "replicas.disaggregation", "not with a cluster section (the prefill and decode pools are fixed)")
        }
        if case .continuous = replicas.batching, replicas.hardware == nil, !reader.issues.contains(where: { $0.key.hasPrefix("replicas.hardware") }) {
            reader.fail(f.node("replicas"), "replicas.hardware", "continuous batching needs a hardware profile (e.g. hardware: models/hardware/a100-llama2-7b.yaml)")
        }
        var config = ServingConfiguration(name: name, seed: seed, duration: duration, warmup: warmup, arrivals: arrivals,
                                          sizes: sizes, tenants: tenants, replicas: replicas, slo: slo, timeSeriesInterval: interval)
        config.client = client
        config.gateway = gateway
        config.sharedPrefix = sharedPrefix
        if case .continuous(let cb) = replicas.batching, cb.asyncScheduling {
            if !cb.chunkedPrefill {
                reader.fail(f.node("replicas"), "replicas.batching.async_scheduling", "needs chunked_prefill: true (vLLM V1's scheduler)")
            } else if let pp = replicas.hardware?.pipelineParallel, pp > 1 {
                reader.fail(f.node("replicas"), "replicas.batching.async_scheduling", "is modelled for one pipeline stage; the profile has pipeline_parallel \(pp)")
            }
        }
        if case .continuous(let cb) = replicas.batching, cb.prefixCaching, replicas.disaggregation != nil {
            reader.fail(f.node("replicas"), "replicas.batching.prefix_caching",
                        "prefix caching with a prefill/decode split is not modelled; turn one of them off")
        }
        config.alerts = alerts
        do {
            // The run's expected size, before anything runs: a rate or a
            // duration that would mean billions of arrivals is refused here.
            try ServingLimits.checkScale(config)
        } catch {
            reader.fail(error)
        }
        // The model's own checks, each error naming the file's key: what
        // no single key's range can say (a per-try timeout beyond the
        // deadline, a cap below its base, a budget without retries).
        do {
            try client?.validate()
        } catch {
            reader.fail(error)
        }
        do {
            if let gateway {
                var prefixes = false
                if case .trace(let t) = arrivals { prefixes = t.format == .mooncake }
                try gateway.validate(replicaSlots: max(replicas.count, dynamics?.maxReplicas ?? 0),
                                     sharedQueue: replicas.dispatch == .sharedQueue && gateway.balancer == nil,
                                     traceHasPrefixes: prefixes)
            }
        } catch {
            reader.fail(error)
        }
        let continuous: Bool = { if case .continuous = replicas.batching { return true } else { return false } }()
        if client?.cancelOnGiveUp == .running, !continuous {
            reader.fail(f.node("client"), "client.cancel_on_give_up", "running needs replicas.batching: continuous (an engine that aborts sequences)")
        }
        if case .closed? = client?.loop, case .trace = arrivals {
            reader.fail(f.node("client"), "client.loop", "closed-loop users make their own arrivals; use a workload process, not a trace replay")
        }
        return config
    }

    // MARK: workload

    func parseArrivals(_ w: Fields) -> ServingConfiguration.Arrivals? {
        if let clients = w.node("clients") {
            guard let list = reader.sequence(clients, "workload.clients") else { return nil }
            let ps = list.enumerated().compactMap { i, n -> ArrivalProcess? in
                guard let c = reader.mapping(n, "workload.clients[\(i)]") else { return nil }
                defer { c.finish() }
                guard let a = c.required("arrivals", "an arrival process") else { return nil }
                let path = "workload.clients[\(i)].arrivals"
                switch parseProcess(a, path) {
                case .processes(let p)? where p.count == 1:
                    return p[0]
                case .processes?:
                    reader.fail(a, path, "a servegen process brings its own clients; give it as workload.arrivals, not as one of workload.clients")
                case .trace?:
                    reader.fail(a, path, "a trace replays its own timeline; give it as workload.arrivals, not as one of workload.clients")
                case nil:
                    break
                }
                return nil
            }
            return ps.count == list.count ? .processes(ps) : nil
        }
        guard let node = w.required("arrivals", "an arrival process such as {process: poisson, rate: 720/s}") else { return nil }
        return parseProcess(node, "workload.arrivals")
    }

    func parseProcess(_ node: Node, _ path: String) -> ServingConfiguration.Arrivals? {
        guard let a = reader.mapping(node, path) else { return nil }
        defer { a.finish() }
        // One grammar for workload.arrivals and workload.clients[].arrivals.
        a.logKeys(as: "workload.arrivals")
        let kinds = ["poisson", "renewal", "curve", "onoff", "mmpp", "servegen", "trace", "constant"]
        guard let kind = a.value("process", "one of \(kinds.joined(separator: ", "))", { kinds.contains($0) ? $0 : nil }) else {
            if !a.has("process") { reader.fail(node, a.child("process"), "missing; expected one of \(kinds.joined(separator: ", "))") }
            return nil
        }
        let scale = a.quantity("scale", .multiplier, .factor) ?? 1
        var process: ArrivalProcess?
        switch kind {
        case "poisson":
            if let rate = a.quantity("rate", .rate, .positiveRate, required: true) { process = .poisson(rate: rate) }
        case "renewal":
            if let node = a.required("interarrival", "a distribution of inter-arrival times"),
               let d = parseDistribution(node, a.child("interarrival"), time: true) {
                if d.mean >= ServingLimits.minInterval / 1000 {
                    process = .renewal(interarrival: d)
                } else {
                    // No gaps: every arrival at one instant, without end.
                    reader.fail(node, a.child("interarrival"), "expected a mean gap >= 1us, got \(NodeReaderText.duration(d.mean))")
                }
            }
        case "curve":
            let period = a.interval("period")
            if let history = a.string("history") {
                do {
                    let loaded = try RateCurve.fromHistory(path: resolve(history))
                    var curve = loaded.curve
                    curve.period = period
                    process = .rateCurve(curve)
                } catch {
                    reader.fail(a.node("history"), a.child("history"), "\(error)")
                }
            } else if let pointsNode = a.required("points", "a list of [start, rate] pairs, or history: FILE.csv"),
                      let points = reader.sequence(pointsNode, a.child("points")) {
                var starts: [Double] = [], rates: [Double] = []
                for (i, p) in points.enumerated() {
                    let pp = "\(a.child("points"))[\(i)]"
                    guard let pair = reader.sequence(p, pp), pair.count == 2 else {
                        reader.fail(p, pp, "expected a pair [start, rate] such as [1h, 300/s]")
                        continue
                    }
                    if let s = reader.quantity(pair[0], pp, .duration, Bounds(0, ServingLimits.maxDuration)),
                       let r = reader.quantity(pair[1], pp, .rate, Bounds(0, ServingLimits.maxRate)) {
                        // Segments shorter than 1 ms would stall the clock
                        // at a segment end (s + 1e-12 == s at an hour).
                        if let last = starts.last, s > last, s - last < ServingLimits.minInterval {
                            reader.fail(p, pp, "expected segment starts at least 1ms apart, got \(NodeReaderText.duration(s - last))")
                        }
                        starts.append(s)
                        rates.append(r)
                    }
                }
                if let period, let last = starts.last, period > last, period - last < ServingLimits.minInterval {
                    reader.fail(a.node("period"), a.child("period"), "expected a period at least 1ms past the last segment start")
                }
                if starts.count == points.count {
                    do { process = .rateCurve(try RateCurve(starts: starts, rates: rates, period: period)) } catch let e as WorkloadError {
                        reader.fail(pointsNode, a.child("points"), e.message)
                    } catch {}
                }
            }
        case "onoff", "mmpp":
            if let statesNode = a.required("states", "a list of {rate, mean_holding}"), let states = reader.sequence(statesNode, a.child("states")) {
                var out: [ArrivalProcess.ModulatedState] = []
                for (i, sNode) in states.enumerated() {
                    guard let s = reader.mapping(sNode, "\(a.child("states"))[\(i)]") else { continue }
                    let rate = s.quantity("rate", .rate, Bounds(0, ServingLimits.maxRate), required: true)
                    let hold = s.interval("mean_holding", required: true)
                    s.finish()
                    if let rate, let hold { out.append(.init(rate: rate, meanHolding: hold)) }
                }
                if states.count < 2 { reader.fail(statesNode, a.child("states"), "expected at least 2 states") }
                if out.count == states.count, !out.contains(where: { $0.rate > 0 }) {
                    reader.fail(statesNode, a.child("states"), "expected a state with a rate > 0 (with none, no request ever arrives)")
                }
                if out.count == states.count && out.count >= 2 { process = .modulated(out) }
            }
        case "constant":
            if let stagesNode = a.required("stages", "a list of {rate, duration} such as [{rate: 5/s, duration: 10m}]"),
               let list = reader.sequence(stagesNode, a.child("stages")) {
                var stages: [ConstantStages.Stage] = []
                for (i, sNode) in list.enumerated() {
                    guard let s = reader.mapping(sNode, "\(a.child("stages"))[\(i)]") else { continue }
                    let rate = s.quantity("rate", .rate, .positiveRate, required: true)
                    let d = s.duration("duration", min: 0, allowEqual: false, required: true)
                    s.finish()
                    if let rate, let d { stages.append(.init(rate: rate, duration: d)) }
                }
                if list.isEmpty { reader.fail(stagesNode, a.child("stages"), "expected at least one stage") }
                let gap = a.duration("stage_gap") ?? ConstantStages.defaultGap
                if !list.isEmpty, stages.count == list.count {
                    process = .constantStages(ConstantStages(stages: stages, gap: gap))
                }
            } else {
                _ = a.duration("stage_gap")
            }
        case "servegen":
            if let file = a.string("clients") {
                do {
                    let clients = try ServeGenClients.load(path: resolve(file))
                    let limit = a.int("max_clients", 1...1_000_000)
                    let chosen = limit.map { Array(clients.prefix($0)) } ?? clients
                    return .processes(chosen.map { ArrivalProcess.windowed($0).scaled(by: scale) })
                } catch {
                    reader.fail(a.node("clients"), a.child("clients"), "\(error)")
                }
            } else {
                reader.fail(node, a.child("clients"), "missing; expected a ServeGen client_windows CSV (.csv or .csv.gz)")
            }
            _ = a.int("max_clients", 1...1_000_000)
            return nil
        case "trace":
            guard let file = a.string("trace") else {
                reader.fail(node, a.child("trace"), "missing; expected a trace file (Azure CSV, Mooncake JSONL, or timestamp,prompt_tokens,output_tokens CSV)")
                return nil
            }
            let path = resolve(file)
            var format: TraceFormat?
            if let f = a.value("format", "azure, mooncake or csv", { TraceFormat(rawValue: $0) }) {
                format = f
            } else if !FileManager.default.fileExists(atPath: path) {
                reader.fail(a.node("trace"), a.child("trace"), "file not found: \(path)")
            } else {
                format = try? TraceFormat.detect(path: path)
            }
            let timeScale = a.quantity("time_scale", .multiplier, .factor) ?? TraceReplay.defaultTimeScale
            let maxTotal = a.int("max_total_tokens", 2...(2 * RequestSize.maxTokens))
            let spread = a.value("ties", "together or spread") { ["together": false, "spread": true][$0] } ?? TraceReplay.defaultSpreadTies
            guard let format else { return nil }
            return .trace(TraceReplay(path: path, format: format, timeScale: timeScale, rateScale: scale, maxTotalTokens: maxTotal,
                                      spreadTies: spread))
        default:
            break
        }
        return process.map { .processes([$0.scaled(by: scale)]) }
    }

    func parseSizes(_ node: Node, _ path: String) -> RequestSizes? {
        guard let s = reader.mapping(node, path) else { return nil }
        defer { s.finish() }
        let cap = s.int("max_total_tokens", 2...(2 * RequestSize.maxTokens))
        if let file = s.string("trace") {
            let p = resolve(file)
            let format = s.value("format", "azure, mooncake or csv") { TraceFormat(rawValue: $0) }
            do {
                return try RequestSizes.fromTrace(path: p, format: format ?? TraceFormat.detect(path: p), maxTotalTokens: cap)
            } catch {
                reader.fail(s.node("trace"), s.child("trace"), "\(error)")
                return nil
            }
        }
        _ = s.node("format")
        guard let pNode = s.required("prompt", "a token count or a distribution"),
              let oNode = s.required("output", "a token count or a distribution") else { return nil }
        if case .scalar = pNode, case .scalar = oNode {
            let tokens = 1...RequestSize.maxTokens
            guard let p = reader.int(pNode, s.child("prompt"), tokens, "a token count"),
                  let o = reader.int(oNode, s.child("output"), tokens, "a token count") else { return nil }
            return RequestSizes(.fixed(RequestSize(prompt: p, output: o)), maxTotalTokens: cap)
        }
        guard let p = parseDistribution(pNode, s.child("prompt"), time: false),
              let o = parseDistribution(oNode, s.child("output"), time: false) else { return nil }
        return RequestSizes(.distributions(prompt: p, output: o), maxTotalTokens: cap)
    }

    func parseTenants(_ node: Node, _ path: String) -> TenantMix? {
        guard let list = reader.sequence(node, path), !list.isEmpty else {
            reader.fail(node, path, "expected a non-empty list of {name, share, priority}")
            return nil
        }
        var tenants: [TenantMix.Tenant] = []
        for (i, n) in list.enumerated() {
            guard let t = reader.mapping(n, "\(path)[\(i)]") else { continue }
            let name = t.string("name") ?? "tenant-\(i)"
            let share = t.quantity("share", .fraction, Bounds(0, open: true, 1_000_000))
            let priority = t.int("priority", 0...1000)
            t.finish()
            if let share {
                var tenant = TenantMix.Tenant(name: name, share: share)
                if let priority { tenant.priority = priority }
                tenants.append(tenant)
            } else if !t.has("share") {
                reader.fail(n, t.child("share"), "missing; expected a share such as 20%")
            }
        }
        return tenants.count == list.count ? TenantMix(tenants) : nil
    }

    // MARK: distributions

    /// A distribution such as `{distribution: exponential, mean: 10ms}`;
    /// values are durations when `time`, plain numbers (tokens) otherwise.
    func parseDistribution(_ node: Node, _ path: String, time: Bool) -> Distribution? {
        guard let d = reader.mapping(node, path) else { return nil }
        defer { d.finish() }
        // One grammar wherever a distribution goes.
        d.logKeys(as: "<dist>")
        let kinds = ["deterministic", "uniform", "exponential", "normal", "lognormal", "gamma", "weibull", "pareto", "empirical", "mixture",
                     "sum"]
        guard let kind = d.value("distribution", "one of \(kinds.joined(separator: ", "))", { kinds.contains($0) ? $0 : nil }) else {
            if !d.has("distribution") { reader.fail(node, d.child("distribution"), "missing; expected one of \(kinds.joined(separator: ", "))") }
            return nil
        }
        // Times from 0 to 365 days, token counts from 0 to 10^8: no value
        // of a distribution is negative, infinite or absurd.
        let unit: Quantity = time ? .duration : .tokens
        let bounds = Bounds(0, time ? ServingLimits.maxDuration : Double(RequestSize.maxTokens))
        func v(_ key: String) -> Double? { d.quantity(key, unit, bounds, required: true) }
        func plain(_ key: String) -> Double? { d.number(key, min: 0.01, max: 1000, required: true) }
        var dist: Distribution?
        switch kind {
        case "deterministic": dist = v("value").map { .deterministic($0) }
        // Each parameter is read whether or not another was bad, so that a
        // bad value is one problem, not also an "unknown key" beside it.
        case "uniform":
            let lo = v("low"), hi = v("high")
            if let lo, let hi { dist = .uniform(low: lo, high: hi) }
        case "exponential": dist = v("mean").map { .exponential(mean: $0) }
        case "normal":
            let m = v("mean"), sd = v("sd")
            if let m, let sd { dist = .normal(mean: m, sd: sd) }
        case "lognormal":
            if d.has("median") {
                let med = v("median"), p99 = v("p99")
                if let med, let p99 { dist = .lognormal(median: med, p99: p99) }
            } else {
                let m = v("mean"), sd = v("sd")
                if let m, let sd { dist = .lognormal(mean: m, sd: sd) }
            }
        case "gamma", "weibull":
            let k = plain("shape")
            let m = d.has("mean") ? v("mean") : nil, s = d.has("mean") ? nil : v("scale")
            if let k, let m {
                dist = kind == "gamma" ? .gamma(shape: k, scale: m / k)
                    : .weibull(shape: k, scale: m / Distribution.weibull(shape: k, scale: 1).mean)
            } else if let k, let s {
                dist = kind == "gamma" ? .gamma(shape: k, scale: s) : .weibull(shape: k, scale: s)
            }
        case "pareto":
            let k = plain("shape"), s = v("scale")
            if let k, let s { dist = .pareto(scale: s, shape: k) }
        case "empirical":
            if let sNode = d.required("samples", "a list of values"), let list = reader.sequence(sNode, d.child("samples")) {
                let xs = list.compactMap { reader.quantity($0, d.child("samples"), unit, bounds) }
                if xs.count == list.count { dist = .empirical(EmpiricalDistribution(samples: xs)) }
            }
        case "mixture":
            if let cNode = d.required("components", "a list of {weight, distribution, ...}"), let list = reader.sequence(cNode, d.child("components")) {
                var cs: [Distribution.Component] = []
                for (i, n) in list.enumerated() {
                    let cp = "\(d.child("components"))[\(i)]"
                    guard case .mapping(var m) = n else { reader.fail(n, cp, "expected a mapping"); continue }
                    let weightNode = m["weight"]
                    m["weight"] = nil
                    d.noteConsulted("components[].weight")
                    let w = weightNode.flatMap { reader.quantity($0, cp + ".weight", .number, Bounds(0, open: true, 1e9)) }
                    if weightNode == nil { reader.fail(n, cp + ".weight", "missing; expected a weight > 0") }
                    if let member = parseDistribution(.mapping(m), cp, time: time), let w { cs.append(.init(weight: w, distribution: member)) }
                }
                if cs.count == list.count { dist = .mixture(cs) }
            }
        case "sum":
            if let tNode = d.required("of", "a list of distributions (or durations) drawn independently and added"),
               let list = reader.sequence(tNode, d.child("of")) {
                let terms = list.enumerated().compactMap { i, n -> Distribution? in
                    let tp = "\(d.child("of"))[\(i)]"
                    if case .scalar = n { return reader.quantity(n, tp, unit, bounds).map { .deterministic($0) } }
                    return parseDistribution(n, tp, time: time)
                }
                if terms.count == list.count { dist = .sum(terms) }
            }
        default: break
        }
        if let problem = dist?.parameterProblem {
            reader.fail(node, path, problem)
            return nil
        }
        if time, let dist, let (m, sd) = Self.drawsBelowZero(dist) {
            reader.fail(node, path, "expected a normal time with mean >= 3.09 × sd (at most 0.1% of draws below 0, which count as 0), "
                        + "got mean \(NodeReaderText.duration(m)) and sd \(NodeReaderText.duration(sd))")
            return nil
        }
        return dist
    }

    /// The normal member of a time distribution that draws below 0 more
    /// than 0.1% of the time, if any: only a normal can, every value
    /// being >= 0.
    static func drawsBelowZero(_ d: Distribution) -> (mean: Double, sd: Double)? {
        switch d {
        case .normal(let m, let sd): return sd > 0 && m < 3.09 * sd ? (m, sd) : nil
        case .mixture(let cs): return cs.lazy.compactMap { drawsBelowZero($0.distribution) }.first
        case .sum(let terms): return terms.lazy.compactMap(drawsBelowZero).first
        default: return nil
        }
    }

    // MARK: replicas

    func parseReplicas(_ r: Fields) -> ReplicaConfiguration? {
        defer { r.finish() }
        let count = r.int("count", 1...100_000, required: true)
        var batching: BatchingPolicy?
        if let node = r.required("batching", "a mapping such as {policy: none}"), let b = reader.mapping(node, "replicas.batching") {
            batching = parseBatching(b)
        }
        let service = r.node("service").flatMap { parseDistribution($0, "replicas.service", time: true) }
        let quantization = r.value("quantization", "int8 or fp8") { ["int8", "fp8", "int4"].contains($0) ? $0 : nil }
        let hardware = parseHardware(r, quantization: quantization)
        let dispatch = r.value("dispatch", "shared_queue or round_robin") { ReplicaConfiguration.Dispatch(rawValue: $0) }
        let maxQueue = r.int("max_queue", 0...ServingLimits.maxCount)
        let timeout = r.duration("queue_timeout", min: 0, allowEqual: false)
        guard let count, let batching else { return nil }
        if case .unbatched = batching, service == nil, hardware == nil, !r.has("service"), !r.has("hardware") {
            reader.fail(r.node, "replicas.service", "missing; policy none needs a service-time distribution (or a hardware profile)")
        }
        if case .dynamic = batching, service == nil, hardware == nil, !r.has("service"), !r.has("hardware") {
            reader.fail(r.node, "replicas.service", "missing; dynamic batching needs a batch service time (or a hardware profile)")
        }
        var replicas = ReplicaConfiguration(count: count, batching: batching, service: service, hardware: hardware,
                                            dispatch: dispatch ?? ReplicaConfiguration.defaultDispatch(for: batching), maxQueue: maxQueue, queueTimeout: timeout)
        if let node = r.node("disaggregation"), let d = reader.mapping(node, "replicas.disaggregation") {
            let prefill = d.int("prefill", 1...100_000, required: true)
            let bytes = d.number("kv_bytes_per_token", min: 0, allowEqual: false, max: 1e9, required: true)
            let bandwidth = d.quantity("bandwidth", .bandwidth, Bounds(0, open: true, 1e15), required: true)
            let latency = d.duration("latency")
            let link = d.value("link", "shared or dedicated") { ["shared": true, "dedicated": false][$0] }
            d.finish()
            if let prefill, let bytes, let bandwidth {
                var split = Disaggregation(prefillReplicas: prefill, kvBytesPerToken: bytes, bandwidth: bandwidth)
                if let latency { split.latency = latency }
                if let link { split.sharedLink = link }
                do {
                    try split.validate(replicas: count, batching: batching)
                    replicas.disaggregation = split
                } catch {
                    reader.fail(error)
                }
            }
        }
        return replicas
    }

    func parseBatching(_ b: Fields) -> BatchingPolicy? {
        defer { b.finish() }
        guard let policy = b.value("policy", "none, dynamic or continuous", { ["none", "dynamic", "continuous"].contains($0) ? $0 : nil }) else {
            if !b.has("policy") { reader.fail(b.node, b.child("policy"), "missing; expected none, dynamic or continuous") }
            return nil
        }
        switch policy {
        case "dynamic":
            let d = DynamicBatching()
            return .dynamic(DynamicBatching(maxBatchSize: b.int("max_batch_size", 1...1_000_000) ?? d.maxBatchSize,
                                            maxQueueDelay: b.duration("max_queue_delay") ?? d.maxQueueDelay,
                                            perRequestCost: b.number("per_request_cost", min: 0, max: 1000) ?? d.perRequestCost))
        case "continuous":
            let c = ContinuousBatching()
            return .continuous(ContinuousBatching(maxNumSeqs: b.int("max_num_seqs", 1...1_000_000) ?? c.maxNumSeqs,
                                                  maxNumBatchedTokens: b.int("max_num_batched_tokens", 1...10_000_000) ?? c.maxNumBatchedTokens,
                                                  chunkedPrefill: b.bool("chunked_prefill") ?? c.chunkedPrefill,
                                                  watermark: b.number("watermark", min: 0, max: 1) ?? c.watermark,
                                                  fidelity: b.value("fidelity", "iteration or multistep") { ContinuousBatching.Fidelity(rawValue: $0) } ?? c.fidelity,
                                                  paddedPrefill: b.value("prefill_budget", "summed or padded") { ["summed": false, "padded": true][$0] } ?? c.paddedPrefill,
                                                  prefixCaching: b.bool("prefix_caching") ?? c.prefixCaching,
                                                  asyncScheduling: b.bool("async_scheduling") ?? c.asyncScheduling))
        default:
            return .unbatched
        }
    }
}
