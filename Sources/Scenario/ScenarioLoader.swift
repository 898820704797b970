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
public enum ScenarioLoader {
    /// Loads and validates the scenario at `path`. `forecasters` builds the
    /// forecaster of `cluster.predictive` from its model file (without one,
    /// such a scenario is refused).
    public static func load(path: String, forecasters: LoadForecasterFactory? = nil) throws -> ServingConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(file: path, line: nil, key: "", message: "cannot read the scenario (\(error.localizedDescription))")])
        }
        return try parse(text: text, file: path, forecasters: forecasters)
    }

    /// Parses scenario text; `file` names it in errors and anchors relative
    /// paths; `forecasters` as for ``load(path:forecasters:)``.
    public static func parse(text: String, file: String, forecasters: LoadForecasterFactory? = nil) throws -> ServingConfiguration {
        let reader = NodeReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError(issues: [ScenarioIssue(file: file, line: nil, key: "", message: "not valid YAML/JSON: \(error)")])
        }
        guard let root, let f = reader.mapping(root, "") else {
            throw ScenarioError(issues: reader.issues.isEmpty ? [ScenarioIssue(file: file, line: nil, key: "", message: "the scenario is empty")] : reader.issues)
        }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        let config = ScenarioParser(reader: reader, base: base, forecasters: forecasters).parse(f)
        if !reader.issues.isEmpty { throw ScenarioError(issues: reader.issues) }
        return config!
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
        let seed = f.value("seed", "an integer >= 0") { UInt64($0) } ?? 1
        let duration = f.duration("duration", min: 0, allowEqual: false, required: true)
        let warmup = f.duration("warmup") ?? 0
        if let duration, warmup >= duration {
            reader.fail(f.node("warmup"), "warmup", "must be shorter than duration (\(warmup)s >= \(duration)s)")
        }
        var arrivals: ServingConfiguration.Arrivals?
        var sizes: RequestSizes?
        var tenants = TenantMix.single
        if let node = f.required("workload", "a mapping with arrivals (and sizes)"), let w = reader.mapping(node, "workload") {
            arrivals = parseArrivals(w)
            // Without sizes every request is one token in, one out (queueing
            // models; trace replay carries its own sizes).
            sizes = w.node("sizes").map { parseSizes($0, "workload.sizes") }
                ?? RequestSizes(.fixed(RequestSize(prompt: 1, output: 1)))
            if let t = w.node("tenants") { tenants = parseTenants(t, "workload.tenants") ?? tenants }
            w.finish()
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
        var interval = 10.0
        if let node = f.node("output"), let o = reader.mapping(node, "output") {
            interval = o.duration("interval", min: 0, allowEqual: false) ?? interval
            o.finish()
        }
        f.finish()
        guard let duration, let arrivals, let sizes, var replicas else { return nil }
        replicas.dynamics = dynamics
        if replicas.disaggregation != nil && dynamics != nil {
            reader.fail(f.node("cluster"), "replicas.disaggregation", "not with a cluster section (the prefill and decode pools are fixed)")
        }
        if case .continuous = replicas.batching, replicas.hardware == nil {
            reader.fail(f.node("replicas"), "replicas.hardware", "continuous batching needs a hardware profile (e.g. hardware: models/hardware/a100-llama2-7b.yaml)")
        }
        var config = ServingConfiguration(name: name, seed: seed, duration: duration, warmup: warmup, arrivals: arrivals,
                                          sizes: sizes, tenants: tenants, replicas: replicas, slo: slo, timeSeriesInterval: interval)
        config.client = client
        config.gateway = gateway
        config.alerts = alerts
        do {
            try client?.validate()
        } catch {
            reader.fail(f.node("client"), error.key, error.message)
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
            reader.fail(f.node("gateway"), error.key, error.message)
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
                guard case .processes(let p)? = parseProcess(a, "workload.clients[\(i)].arrivals") else { return nil }
                return p.first
            }
            return ps.count == list.count ? .processes(ps) : nil
        }
        guard let node = w.required("arrivals", "an arrival process such as {process: poisson, rate: 720/s}") else { return nil }
        return parseProcess(node, "workload.arrivals")
    }

    func parseProcess(_ node: Node, _ path: String) -> ServingConfiguration.Arrivals? {
        guard let a = reader.mapping(node, path) else { return nil }
        defer { a.finish() }
        let kinds = ["poisson", "renewal", "curve", "onoff", "mmpp", "servegen", "trace"]
        guard let kind = a.value("process", "one of \(kinds.joined(separator: ", "))", { kinds.contains($0) ? $0 : nil }) else {
            if !a.has("process") { reader.fail(node, a.child("process"), "missing; expected one of \(kinds.joined(separator: ", "))") }
            return nil
        }
        let scale = a.value("scale", "a multiplier such as 3x", Units.multiplier) ?? 1
        if scale <= 0 { reader.fail(a.node("scale"), a.child("scale"), "expected a multiplier > 0, got \(scale)") }
        var process: ArrivalProcess?
        switch kind {
        case "poisson":
            if let rate = a.requiredValue("rate", "a rate such as 720/s or 3200/min", Units.rate) {
                if rate <= 0 { reader.fail(a.node("rate"), a.child("rate"), "expected a rate > 0, got \(rate)/s") } else { process = .poisson(rate: rate) }
            }
        case "renewal":
            if let d = a.required("interarrival", "a distribution of inter-arrival times").flatMap({ parseDistribution($0, a.child("interarrival"), time: true) }) {
                process = .renewal(interarrival: d)
            }
        case "curve":
            let period = a.duration("period", min: 0, allowEqual: false)
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
                    if let s = reader.value(pair[0], pp, "a duration", Units.duration),
                       let r = reader.value(pair[1], pp, "a rate such as 300/s", Units.rate) {
                        starts.append(s)
                        rates.append(r)
                    }
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
                    let rate = s.requiredValue("rate", "a rate such as 100/s", Units.rate)
                    let hold = s.duration("mean_holding", min: 0, allowEqual: false, required: true)
                    s.finish()
                    if let rate, let hold {
                        if rate < 0 { reader.fail(sNode, s.child("rate"), "expected a rate >= 0") } else { out.append(.init(rate: rate, meanHolding: hold)) }
                    }
                }
                if states.count < 2 { reader.fail(statesNode, a.child("states"), "expected at least 2 states") }
                if out.count == states.count && out.count >= 2 { process = .modulated(out) }
            }
        case "servegen":
            if let file = a.string("clients") {
                do {
                    let clients = try ServeGenClients.load(path: resolve(file))
                    let limit = a.int("max_clients", 1...Int.max)
                    let chosen = limit.map { Array(clients.prefix($0)) } ?? clients
                    return .processes(chosen.map { ArrivalProcess.windowed($0).scaled(by: scale) })
                } catch {
                    reader.fail(a.node("clients"), a.child("clients"), "\(error)")
                }
            } else {
                reader.fail(node, a.child("clients"), "missing; expected a ServeGen client_windows CSV (.csv or .csv.gz)")
            }
            _ = a.int("max_clients", 1...Int.max)
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
            let timeScale = a.value("time_scale", "a multiplier > 0", Units.multiplier) ?? 1
            let maxTotal = a.int("max_total_tokens", 2...Int.max)
            guard let format else { return nil }
            guard timeScale > 0 else {
                reader.fail(a.node("time_scale"), a.child("time_scale"), "expected a multiplier > 0")
                return nil
            }
            return .trace(TraceReplay(path: path, format: format, timeScale: timeScale, rateScale: scale, maxTotalTokens: maxTotal))
        default:
            break
        }
        return process.map { .processes([$0.scaled(by: scale)]) }
    }

    func parseSizes(_ node: Node, _ path: String) -> RequestSizes? {
        guard let s = reader.mapping(node, path) else { return nil }
        defer { s.finish() }
        let cap = s.int("max_total_tokens", 2...Int.max)
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
            guard let p = reader.value(pNode, s.child("prompt"), "a token count >= 1", { Int($0).flatMap { $0 >= 1 ? $0 : nil } }),
                  let o = reader.value(oNode, s.child("output"), "a token count >= 1", { Int($0).flatMap { $0 >= 1 ? $0 : nil } }) else { return nil }
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
            let share = t.value("share", "a share > 0 such as 20% or 0.2", Units.fraction)
            let priority = t.int("priority", 0...1000) ?? 0
            t.finish()
            if let share {
                if share <= 0 { reader.fail(n, t.child("share"), "expected a share > 0") } else {
                    tenants.append(.init(name: name, share: share, priority: priority))
                }
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
        let kinds = ["deterministic", "uniform", "exponential", "normal", "lognormal", "gamma", "weibull", "pareto", "empirical", "mixture",
                     "sum"]
        guard let kind = d.value("distribution", "one of \(kinds.joined(separator: ", "))", { kinds.contains($0) ? $0 : nil }) else {
            if !d.has("distribution") { reader.fail(node, d.child("distribution"), "missing; expected one of \(kinds.joined(separator: ", "))") }
            return nil
        }
        let parse: (String) -> Double? = time ? { Units.duration($0) } : { (text: String) -> Double? in
            guard let x = Double(text), x.isFinite else { return nil }
            return x
        }
        let what = time ? "a duration such as 10ms" : "a number"
        func v(_ key: String, required: Bool = true) -> Double? {
            required ? d.requiredValue(key, what, parse) : d.value(key, what, parse)
        }
        func plain(_ key: String) -> Double? { d.number(key, min: 0, allowEqual: false, required: true) }
        var dist: Distribution?
        switch kind {
        case "deterministic": dist = v("value").map { .deterministic($0) }
        case "uniform": if let lo = v("low"), let hi = v("high") { dist = .uniform(low: lo, high: hi) }
        case "exponential": dist = v("mean").map { .exponential(mean: $0) }
        case "normal": if let m = v("mean"), let sd = v("sd") { dist = .normal(mean: m, sd: sd) }
        case "lognormal":
            if d.has("median") {
                if let med = v("median"), let p99 = v("p99") { dist = .lognormal(median: med, p99: p99) }
            } else if let m = v("mean"), let sd = v("sd") {
                dist = .lognormal(mean: m, sd: sd)
            }
        case "gamma", "weibull":
            if let k = plain("shape") {
                if d.has("mean") {
                    if let m = v("mean") {
                        dist = kind == "gamma" ? .gamma(shape: k, scale: m / k)
                            : .weibull(shape: k, scale: m / Distribution.weibull(shape: k, scale: 1).mean)
                    }
                } else if let s = v("scale") {
                    dist = kind == "gamma" ? .gamma(shape: k, scale: s) : .weibull(shape: k, scale: s)
                }
            }
        case "pareto":
            if let k = plain("shape"), let s = v("scale") { dist = .pareto(scale: s, shape: k) }
        case "empirical":
            if let sNode = d.required("samples", "a list of values"), let list = reader.sequence(sNode, d.child("samples")) {
                let xs = list.compactMap { reader.value($0, d.child("samples"), what, parse) }
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
                    let w = weightNode.flatMap { reader.value($0, cp + ".weight", "a weight > 0", { Double($0).flatMap { $0 > 0 ? $0 : nil } }) }
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
                    if case .scalar = n { return reader.value(n, tp, what, parse).map { .deterministic($0) } }
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
        return dist
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
        var hardware: HardwareProfile?
        let quantization = r.value("quantization", "int8 or fp8") { ["int8", "fp8", "int4"].contains($0) ? $0 : nil }
        if let file = r.string("hardware") {
            do {
                hardware = try HardwareProfileLoader.load(path: resolve(file), quantization: quantization)
            } catch let e as ScenarioError {
                for issue in e.issues { reader.fail(r.node("hardware"), "replicas.hardware", issue.description) }
            } catch {
                reader.fail(r.node("hardware"), "replicas.hardware", "\(error)")
            }
        }
        let dispatch = r.value("dispatch", "shared_queue or round_robin") { ReplicaConfiguration.Dispatch(rawValue: $0) }
        let maxQueue = r.int("max_queue", 0...Int.max)
        let timeout = r.duration("queue_timeout", min: 0, allowEqual: false)
        guard let count, let batching else { return nil }
        if case .unbatched = batching, service == nil, hardware == nil {
            reader.fail(r.node, "replicas.service", "missing; policy none needs a service-time distribution (or a hardware profile)")
        }
        if case .dynamic = batching, service == nil, hardware == nil {
            reader.fail(r.node, "replicas.service", "missing; dynamic batching needs a batch service time (or a hardware profile)")
        }
        let defaultDispatch: ReplicaConfiguration.Dispatch = { if case .unbatched = batching { return .sharedQueue } else { return .roundRobin } }()
        var replicas = ReplicaConfiguration(count: count, batching: batching, service: service, hardware: hardware,
                                            dispatch: dispatch ?? defaultDispatch, maxQueue: maxQueue, queueTimeout: timeout)
        if let node = r.node("disaggregation"), let d = reader.mapping(node, "replicas.disaggregation") {
            let prefill = d.int("prefill", 1...100_000, required: true)
            let bytes = d.number("kv_bytes_per_token", min: 0, allowEqual: false, required: true)
            let bandwidth = d.requiredValue("bandwidth", "a bandwidth such as 25GB/s or 400Gbit/s", Units.byteRate)
            let latency = d.duration("latency") ?? 0
            d.finish()
            if let prefill, let bytes, let bandwidth {
                let split = Disaggregation(prefillReplicas: prefill, kvBytesPerToken: bytes, bandwidth: bandwidth, latency: latency)
                do {
                    try split.validate(replicas: count, batching: batching)
                    replicas.disaggregation = split
                } catch {
                    reader.fail(node, error.key, error.message)
                }
            }
        }
        return replicas
    }

    /// `alerts:` — `default` (DOMAIN.md's thresholds) or a list of rules
    /// `{name, metric, above|below, for}`.
    func parseAlerts(_ node: Node, _ path: String) -> [AlertRule] {
        if case .scalar = node {
            guard reader.value(node, path, "default, or a list of rules", { $0 == "default" ? true : nil }) != nil else { return [] }
            return AlertRule.fieldDefaults
        }
        guard let list = reader.sequence(node, path) else { return [] }
        var rules: [AlertRule] = []
        for (i, n) in list.enumerated() {
            if let rule = parseAlert(n, "\(path)[\(i)]") { rules.append(rule) }
        }
        return rules
    }

    func parseAlert(_ n: Node, _ p: String) -> AlertRule? {
        guard let a = reader.mapping(n, p) else { return nil }
        defer { a.finish() }
        let names = AlertRule.Metric.allCases.map(\.rawValue).joined(separator: ", ")
        guard let metric = a.requiredValue("metric", "one of " + names, { AlertRule.Metric(rawValue: $0) }) else { return nil }
        let latency = metric == .meanLatency
        let parse: (String) -> Double? = latency ? { Units.duration($0) } : { Units.fraction($0) }
        let expected = latency ? "a duration such as 500ms" : "a percentage such as 95%"
        let above: Double? = a.value("above", expected, parse)
        let below: Double? = a.value("below", expected, parse)
        guard let threshold = above ?? below, above == nil || below == nil else {
            reader.fail(n, p, "give exactly one of above or below")
            return nil
        }
        let sign = above != nil ? ">" : "<"
        let name = a.string("name") ?? metric.rawValue + " " + sign + " " + NodeReaderText.number(threshold)
        let rule = AlertRule(name: name, metric: metric, above: above != nil, threshold: threshold, forDuration: a.duration("for") ?? 0)
        do {
            try rule.validate(p)
        } catch {
            reader.fail(n, error.key, error.message)
            return nil
        }
        return rule
    }

    /// `cluster:` — bounds, cold start, autoscaler or schedule, faults.
    func parseCluster(_ c: Fields, initial: Int?) -> ClusterDynamics? {
        defer { c.finish() }
        let minReplicas = c.int("min_replicas", 0...100_000) ?? 0
        let maxReplicas = c.int("max_replicas", 1...100_000) ?? max(initial ?? 1, minReplicas)
        if let initial, initial > maxReplicas || initial < minReplicas {
            reader.fail(c.node, "replicas.count", "\(initial) lies outside cluster.min_replicas…max_replicas (\(minReplicas)…\(maxReplicas))")
        }
        if minReplicas > maxReplicas {
            reader.fail(c.node("min_replicas"), "cluster.min_replicas", "must not exceed max_replicas (\(maxReplicas))")
        }
        var coldStart = Distribution.deterministic(0)
        if let node = c.node("cold_start") {
            if case .scalar = node {
                coldStart = reader.value(node, "cluster.cold_start", "a duration such as 90s", Units.duration).map { .deterministic($0) } ?? coldStart
            } else {
                coldStart = parseDistribution(node, "cluster.cold_start", time: true) ?? coldStart
            }
        }
        var scaler: ClusterDynamics.Scaler?
        var keda: KEDAActivation?
        if let node = c.node("autoscaler"), let a = reader.mapping(node, "cluster.autoscaler") {
            (scaler, keda) = parseScaler(a, min: minReplicas, max: maxReplicas)
        }
        var faults: Faults?
        if let node = c.node("faults"), let f = reader.mapping(node, "cluster.faults") {
            faults = parseFaults(f, maxReplicas: maxReplicas)
        }
        var d = ClusterDynamics(minReplicas: minReplicas, maxReplicas: maxReplicas, coldStart: coldStart, scaler: scaler, faults: faults)
        d.keda = keda
        if let node = c.node("predictive"), let p = reader.mapping(node, "cluster.predictive") {
            d.predictive = parsePredictive(p)
            if case .schedule? = scaler {
                reader.fail(node, "cluster.predictive", "not with autoscaler kind schedule (a schedule is already a plan); use hpa, kpa or none")
            }
        }
        d.zones = c.int("zones", 1...1000) ?? 1
        if let node = c.node("warm_pool"), let w = reader.mapping(node, "cluster.warm_pool") {
            let size = w.int("size", 0...100_000, required: true)
            let start = w.duration("start", required: true)
            w.finish()
            if let size, let start { d.warmPool = WarmPool(size: size, warmStart: start) }
        }
        if let node = c.node("max_starts"), let m = reader.mapping(node, "cluster.max_starts") {
            let count = m.int("count", 1...100_000, required: true)
            let per = m.duration("per", min: 0, allowEqual: false, required: true)
            m.finish()
            if let count, let per { d.startLimit = (count, per) }
        }
        for z in faults?.zoneOutages ?? [] where z.zone >= d.zones {
            reader.fail(c.node("faults"), "cluster.faults.zone_outages", "zone \(z.zone) does not exist (cluster.zones is \(d.zones); zones are 0-based)")
        }
        return d
    }

    /// A replica schedule CSV with `start` (seconds, or ISO 8601 times taken
    /// relative to the first row) and `replicas` columns, such as the
    /// `schedule.csv` that `headroom plan --output` writes. Problems are
    /// reported with the CSV's line.
    func readScheduleCSV(_ path: String, node: Node?, key: String, min: Int, max: Int) -> ([Double], [Int])? {
        var starts: [Double] = [], counts: [Int] = []
        var origin: Double?
        do {
            try CSVTable.read(path: path, required: ["start", "replicas"], optional: ["end", "expected_rate"]) { row in
                let t = row.value("start", "a time in seconds or ISO 8601") { LoadSeriesCSV.parseTimestamp($0) }
                let k = row.value("replicas", "a replica count within min_replicas…max_replicas (\(min)…\(max))") {
                    Int($0).flatMap { (min...max).contains($0) ? $0 : nil }
                }
                guard let t, let k else { return }
                let start = t - (origin ?? t)
                if origin == nil { origin = t }
                if let last = starts.last, start <= last {
                    row.fail("start", "expected starts that increase", got: row.cells["start"] ?? "")
                }
                starts.append(start)
                counts.append(k)
            }
        } catch let e as ScenarioError {
            for issue in e.issues { reader.fail(node, key, issue.description) }
            return nil
        } catch {
            reader.fail(node, key, "\(error)")
            return nil
        }
        return (starts, counts)
    }

    /// What an HPA target looks like for `metric`.
    static func targetExpected(_ metric: ScalingMetric) -> String {
        if metric.isLatency { return "a duration such as 1200ms" }
        return metric == .utilization || metric == .kvCache ? "a fraction such as 70%" : "a number per replica such as 8"
    }

    /// Reads an HPA target for `metric`.
    static func targetParser(_ metric: ScalingMetric) -> (String) -> Double? {
        if metric.isLatency { return { Units.duration($0) } }
        return { Units.fraction($0) }
    }

    /// `cluster.autoscaler:`, and KEDA's activation for `kind: keda` (an
    /// HPA between one replica and the maximum, KEDA to and from zero).
    func parseScaler(_ a: Fields, min: Int, max: Int) -> (scaler: ClusterDynamics.Scaler?, keda: KEDAActivation?) {
        defer { a.finish() }
        let kinds = ["hpa", "kpa", "schedule", "keda"]
        guard let kind = a.value("kind", "hpa, kpa, schedule or keda", { kinds.contains($0) ? $0 : nil }) else {
            if !a.has("kind") { reader.fail(a.node, a.child("kind"), "missing; expected hpa, kpa, schedule or keda") }
            return (nil, nil)
        }
        var keda: KEDAActivation?
        if kind == "keda" {
            var k = KEDAActivation()
            k.pollingInterval = a.duration("polling_interval", min: 0, allowEqual: false) ?? k.pollingInterval
            k.cooldownPeriod = a.duration("cooldown_period") ?? k.cooldownPeriod
            k.activationThreshold = a.number("activation_threshold", min: 0) ?? k.activationThreshold
            if min != 0 { reader.fail(a.node, "cluster.min_replicas", "kind keda scales to zero: needs min_replicas 0, got \(min)") }
            keda = k
        }
        return (parseScalerKind(kind, a, min: min, max: max), keda)
    }

    func parseScalerKind(_ kind: String, _ a: Fields, min: Int, max: Int) -> ClusterDynamics.Scaler? {
        if kind == "kpa" {
            var k = KnativePodAutoscaler.Settings(minReplicas: min, maxReplicas: max)
            if let t = a.number("target", min: 0, allowEqual: false) { k.target = t }
            if let u = a.value("target_utilization", "a fraction such as 70%", Units.fraction) {
                k.target = (a.number("container_concurrency", min: 0, allowEqual: false) ?? 100) * u
            } else {
                _ = a.number("container_concurrency", min: 0, allowEqual: false)
            }
            k.stableWindow = a.duration("stable_window", min: 0, allowEqual: false) ?? k.stableWindow
            k.panicWindowFraction = a.value("panic_window_percentage", "a percentage such as 10%", Units.fraction) ?? k.panicWindowFraction
            k.panicThreshold = a.value("panic_threshold_percentage", "a percentage such as 200%", Units.fraction) ?? k.panicThreshold
            k.maxScaleUpRate = a.number("max_scale_up_rate", min: 1) ?? k.maxScaleUpRate
            k.maxScaleDownRate = a.number("max_scale_down_rate", min: 1) ?? k.maxScaleDownRate
            k.tickInterval = a.duration("tick_interval", min: 0, allowEqual: false) ?? k.tickInterval
            let scrape = MetricScrape(interval: a.duration("scrape_interval", min: 0, allowEqual: false) ?? 1,
                                      lag: a.duration("metric_lag") ?? 0)
            return .kpa(k, scrape: scrape)
        }
        if kind == "schedule" {
            let lead = a.duration("lead") ?? 0
            if let file = a.string("file") {
                if a.has("steps") { reader.fail(a.node("steps"), a.child("steps"), "give steps or file, not both") }
                guard let (starts, counts) = readScheduleCSV(resolve(file), node: a.node("file"), key: a.child("file"), min: min, max: max)
                else { return nil }
                return .schedule(ReplicaSchedule(starts: starts, counts: counts, lead: lead))
            }
            guard let stepsNode = a.required("steps", "a list of [start, replicas] pairs (or file: a schedule CSV)"),
                  let steps = reader.sequence(stepsNode, a.child("steps")), !steps.isEmpty else { return nil }
            var starts: [Double] = [], counts: [Int] = []
            for (i, n) in steps.enumerated() {
                let p = "\(a.child("steps"))[\(i)]"
                guard let pair = reader.sequence(n, p), pair.count == 2,
                      let t = reader.value(pair[0], p, "a duration", Units.duration),
                      let k = reader.value(pair[1], p, "a replica count", { Int($0) }) else {
                    reader.fail(n, p, "expected [start, replicas] such as [6h, 8]")
                    continue
                }
                if k < min || k > max { reader.fail(n, p, "\(k) replicas lies outside min_replicas…max_replicas (\(min)…\(max))") }
                if let last = starts.last, t <= last { reader.fail(n, p, "step starts must increase") }
                starts.append(t)
                counts.append(k)
            }
            return .schedule(ReplicaSchedule(starts: starts, counts: counts, lead: lead))
        }
        let names = ScalingMetric.allCases.map(\.rawValue).joined(separator: ", ")
        let metric = a.value("metric", "one of \(names)") { ScalingMetric(rawValue: $0) } ?? .utilization
        guard let target = a.requiredValue("target", Self.targetExpected(metric), Self.targetParser(metric)),
              target > 0 else {
            if a.has("target") { reader.fail(a.node("target"), a.child("target"), "expected a target > 0") }
            return nil
        }
        var h = HorizontalPodAutoscaler.Settings(minReplicas: Swift.max(min, 1), maxReplicas: max, target: target)
        h.tolerance = a.value("tolerance", "a fraction such as 10%", Units.fraction) ?? h.tolerance
        h.syncPeriod = a.duration("sync_period", min: 0, allowEqual: false) ?? h.syncPeriod
        h.scaleDownStabilization = a.duration("scale_down_stabilization") ?? h.scaleDownStabilization
        h.scaleUpStabilization = a.duration("scale_up_stabilization") ?? h.scaleUpStabilization
        h.scaleUpPercent = (a.value("scale_up_percent", "a percentage such as 100%", Units.fraction).map { $0 * 100 }) ?? h.scaleUpPercent
        h.scaleUpPods = a.int("scale_up_pods", 0...100_000) ?? h.scaleUpPods
        h.scaleDownPercent = (a.value("scale_down_percent", "a percentage such as 100%", Units.fraction).map { $0 * 100 }) ?? h.scaleDownPercent
        h.policyPeriod = a.duration("policy_period", min: 0, allowEqual: false) ?? h.policyPeriod
        if let node = a.node("metrics"), let list = reader.sequence(node, a.child("metrics")) {
            for (i, n) in list.enumerated() {
                guard let m = reader.mapping(n, a.child("metrics") + "[\(i)]") else { continue }
                let extra = m.requiredValue("metric", "one of \(names)") { ScalingMetric(rawValue: $0) }
                let t = extra.flatMap { e in m.requiredValue("target", Self.targetExpected(e), Self.targetParser(e)) }
                m.finish()
                if let t, t <= 0 { reader.fail(n, m.child("target"), "expected a target > 0, got \(t)") }
                if let extra, let t, t > 0 { h.additionalMetrics.append(.init(metric: extra, target: t)) }
            }
        }
        let scrape = MetricScrape(interval: a.duration("scrape_interval", min: 0, allowEqual: false) ?? 15,
                                  lag: a.duration("metric_lag") ?? 0)
        return .hpa(h, metric: metric, scrape: scrape)
    }

    func parseFaults(_ f: Fields, maxReplicas: Int) -> Faults? {
        defer { f.finish() }
        let mtbf = f.duration("mtbf", min: 0, allowEqual: false)
        var mttr = Distribution.deterministic(300)
        if let node = f.node("mttr") {
            if case .scalar = node {
                mttr = reader.value(node, "cluster.faults.mttr", "a duration such as 5m", Units.duration).map { .deterministic($0) } ?? mttr
            } else {
                mttr = parseDistribution(node, "cluster.faults.mttr", time: true) ?? mttr
            }
        }
        var scheduled: [ScheduledFault] = []
        if let node = f.node("scheduled"), let list = reader.sequence(node, "cluster.faults.scheduled") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.scheduled[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let replica = e.int("replica", 0...(maxReplicas - 1), required: true)
                let down = e.duration("down_for", min: 0, allowEqual: false, required: true)
                e.finish()
                if let at, let replica, let down { scheduled.append(ScheduledFault(at: at, replica: replica, downFor: down)) }
            }
        }
        var slowdowns: [Slowdown] = []
        if let node = f.node("slowdowns"), let list = reader.sequence(node, "cluster.faults.slowdowns") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.slowdowns[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let replica = e.int("replica", 0...(maxReplicas - 1), required: true)
                let speed = e.requiredValue("speed", "a fraction of normal speed such as 50%", Units.fraction)
                let duration = e.duration("duration", min: 0, allowEqual: false, required: true)
                e.finish()
                if let speed, !(speed > 0 && speed <= 1) { reader.fail(n, e.child("speed"), "expected a speed in (0%, 100%], got \(speed)") }
                if let at, let replica, let speed, let duration, speed > 0 && speed <= 1 {
                    slowdowns.append(Slowdown(at: at, replica: replica, speed: speed, duration: duration))
                }
            }
        }
        var outages: [ZoneOutage] = []
        if let node = f.node("zone_outages"), let list = reader.sequence(node, "cluster.faults.zone_outages") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.zone_outages[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let zone = e.int("zone", 0...999, required: true)
                let down = e.duration("down_for", min: 0, allowEqual: false, required: true)
                e.finish()
                if let at, let zone, let down { outages.append(ZoneOutage(at: at, zone: zone, downFor: down)) }
            }
        }
        var partitions: [Partition] = []
        if let node = f.node("partitions"), let list = reader.sequence(node, "cluster.faults.partitions") {
            for (i, n) in list.enumerated() {
                guard let e = reader.mapping(n, "cluster.faults.partitions[\(i)]") else { continue }
                let at = e.duration("at", required: true)
                let replica = e.int("replica", 0...(maxReplicas - 1), required: true)
                let duration = e.duration("duration", min: 0, allowEqual: false, required: true)
                e.finish()
                if let at, let replica, let duration { partitions.append(Partition(at: at, replica: replica, duration: duration)) }
            }
        }
        return Faults(mtbf: mtbf, mttr: mttr, scheduled: scheduled, slowdowns: slowdowns, zoneOutages: outages, partitions: partitions)
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
                                            perRequestCost: b.number("per_request_cost", min: 0) ?? d.perRequestCost))
        case "continuous":
            let c = ContinuousBatching()
            return .continuous(ContinuousBatching(maxNumSeqs: b.int("max_num_seqs", 1...1_000_000) ?? c.maxNumSeqs,
                                                  maxNumBatchedTokens: b.int("max_num_batched_tokens", 1...10_000_000) ?? c.maxNumBatchedTokens,
                                                  chunkedPrefill: b.bool("chunked_prefill") ?? c.chunkedPrefill,
                                                  watermark: b.number("watermark", min: 0) ?? c.watermark,
                                                  fidelity: b.value("fidelity", "iteration or multistep") { ContinuousBatching.Fidelity(rawValue: $0) } ?? c.fidelity,
                                                  paddedPrefill: b.value("prefill_budget", "summed or padded") { ["summed": false, "padded": true][$0] } ?? c.paddedPrefill))
        default:
            return .unbatched
        }
    }
}
