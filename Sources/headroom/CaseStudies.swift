import ArgumentParser
import Foundation
import Report
import Scenario
import Workload
import ServingModel
import Yams

/// `headroom case-studies`: runs the practitioners' claims (case studies) listed in a
/// manifest (`claims.yaml`) and prints what practitioners claimed beside
/// what the simulation says.
struct CaseStudies: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case-studies",
        abstract: "Run the case studies of a manifest (claims.yaml) and print claims against results."
    )

    /// How the claims-vs-results table is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, markdown, json
    }

    @Argument(help: "The folder holding claims.yaml and the scenarios.")
    var directory: String = "examples/case-studies"
    @Option(name: .long, help: "Output format: table, markdown or json.")
    var format: Format = .table

    func run() throws {
        let manifestPath = URL(fileURLWithPath: directory).appendingPathComponent("claims.yaml").path
        let studies = try Manifest.load(path: manifestPath)
        var rows: [Outcome] = []
        for study in studies {
            let scenario = try Self.simulate(study.scenario)
            let baseline = try study.baseline.map { try Self.simulate($0) }
            rows.append(try Outcome(study: study, scenario: scenario, baseline: baseline))
        }
        switch format {
        case .json: print(try JSONOutput.encode(rows))
        case .table:
            var t = TextTable(header: ["study", "claimed", "Headroom", "agrees?"], alignNumbers: false)
            for r in rows { t.append([r.name, r.claimed, r.headroom, r.verdict]) }
            print(t.render(), terminator: t.render().hasSuffix("\n") ? "" : "\n")
        case .markdown:
            print("| study | claimed | Headroom | agrees? |\n|---|---|---|---|")
            for r in rows { print("| \(r.name) | \(r.claimed) | \(r.headroom) | \(r.verdict) |") }
        }
    }

    /// Loads and runs one scenario; its wall time goes to stderr (it is not
    /// part of the result, which must not depend on the machine).
    static func simulate(_ path: String) throws -> ServingResult {
        let config = try ServingCommandSupport.loadScenario(path)
        let (result, _) = try ServingRun(configuration: config).execute()
        let limit = 120.0
        let note = result.wallSeconds > limit ? " (over the \(Int(limit)) s a case study may take)" : ""
        FileHandle.standardError.write(Data("headroom: \(path): \(NumberFormatting.fixed(result.wallSeconds, decimals: 1)) s wall\(note)\n".utf8))
        return result
    }

    /// What a study measures.
    enum Metric: String, CaseIterable, Encodable {
        case rejectedShare = "rejected_share", lostShare = "lost_share", successRate = "success_rate"
        case failureRate = "failure_rate", callsSaved = "calls_saved", utilization, peakReplicas = "peak_replicas"

        /// Whether the value is a fraction (printed as a percentage).
        var isFraction: Bool { self != .peakReplicas }

        /// The metric of a run on its own (`calls_saved` needs a baseline and is computed by ``Outcome``).
        func value(_ r: ServingResult, file: String) throws -> Double {
            switch self {
            case .rejectedShare: return Self.share(r.requests.rejected, of: r.requests.offered)
            case .lostShare: return Self.share(r.requests.rejected + r.requests.timedOut + r.requests.failed, of: r.requests.offered)
            case .successRate, .failureRate:
                guard let c = r.clients else {
                    throw ValidationError("\(file): metric \(rawValue) reads what users saw; the scenario needs a client: or gateway: section")
                }
                return self == .successRate ? c.availability : 1 - c.availability
            case .callsSaved: throw ValidationError("\(file): metric calls_saved needs a baseline")
            case .utilization: return r.utilization
            case .peakReplicas: return r.cluster.peakReplicas
            }
        }

        static func share(_ part: Int, of whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : 0 }
    }

    /// A claimed value: a point with a tolerance, or a bound.
    enum Claim: Encodable {
        case about(Double, tolerance: Double)
        case above(Double)
        case below(Double)

        func holds(_ x: Double) -> Bool {
            switch self {
            case let .about(v, t): return abs(x - v) <= t + 1e-12
            case let .above(v): return x > v
            case let .below(v): return x < v
            }
        }

        func text(_ format: (Double) -> String) -> String {
            switch self {
            case let .about(v, t): return "\(format(v)) ± \(format(t))"
            case let .above(v): return "> \(format(v))"
            case let .below(v): return "< \(format(v))"
            }
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            switch self {
            case let .about(v, t): try c.encode(v, forKey: .value); try c.encode(t, forKey: .tolerance)
            case let .above(v): try c.encode(v, forKey: .above)
            case let .below(v): try c.encode(v, forKey: .below)
            }
        }

        enum Key: String, CodingKey { case value, tolerance, above, below }
    }

    /// One entry of the manifest, paths resolved.
    struct Study {
        var name: String
        var claim: String
        var scenario: String
        var baseline: String?
        var metric: Metric
        var claimed: Claim
        var baselineClaimed: Claim?
    }

    /// One row of the claims-vs-results table.
    struct Outcome: Encodable {
        var name: String
        var claim: String
        var metric: Metric
        var claimedValue: Claim
        var baselineClaimedValue: Claim?
        var value: Double
        var baselineValue: Double?
        var agrees: Bool
        /// The claim, formatted (`baseline → scenario` when both are claimed).
        var claimed: String
        /// Headroom's figure, formatted the same way.
        var headroom: String
        /// "yes", or "no" with the numbers.
        var verdict: String

        init(study s: Study, scenario: ServingResult, baseline: ServingResult?) throws {
            name = s.name
            claim = s.claim
            metric = s.metric
            claimedValue = s.claimed
            baselineClaimedValue = s.baselineClaimed
            let format: (Double) -> String = s.metric.isFraction
                ? { NumberFormatting.fixed($0 * 100, decimals: 1) + "%" }
                : { NumberFormatting.significant($0) }
            if s.metric == .callsSaved {
                guard let b = scenario.clients, let a = baseline?.clients else {
                    throw ValidationError("\(s.scenario): metric calls_saved counts attempts; the scenario and its baseline need a client: or gateway: section")
                }
                value = a.attempts > 0 ? 1 - Double(b.attempts) / Double(a.attempts) : 0
                baselineValue = nil
            } else {
                value = try s.metric.value(scenario, file: s.scenario)
                baselineValue = try baseline.map { try s.metric.value($0, file: s.baseline!) }
            }
            var ok = s.claimed.holds(value)
            var misses: [String] = []
            if !ok { misses.append("\(format(value)), not \(s.claimed.text(format))") }
            if let bc = s.baselineClaimed, let bv = baselineValue {
                if !bc.holds(bv) {
                    ok = false
                    misses.insert("baseline \(format(bv)), not \(bc.text(format))", at: 0)
                }
                claimed = "\(bc.text(format)) → \(s.claimed.text(format))"
            } else {
                claimed = s.claimed.text(format)
            }
            let shown = format(value)
            headroom = baselineValue.map { "\(format($0)) → \(shown)" } ?? shown
            agrees = ok
            verdict = ok ? "yes" : "no: " + misses.joined(separator: "; ")
        }
    }

    /// Reads `claims.yaml`; every bad entry is reported at once, with its line and key.
    enum Manifest {
        static func load(path: String) throws -> [Study] {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ValidationError("\(path): cannot read the case-study manifest: \(FileProblem.reading(path, error))")
            }
            return try parse(text: text, file: path)
        }

        /// Parses manifest text; `file` names it in errors and anchors the scenario paths.
        static func parse(text: String, file: String) throws -> [Study] {
            var issues: [String] = []
            func fail(_ node: Node?, _ key: String, _ message: String) {
                let line = node?.mark.map { ":\($0.line)" } ?? ""
                issues.append("\(file)\(line): \(key): \(message)")
            }
            let root: Node?
            do { root = try Yams.compose(yaml: text) } catch {
                throw ValidationError("\(file): not valid YAML: \(error)")
            }
            guard let map = root?.mapping, let list = map["studies"]?.sequence, !list.isEmpty else {
                throw ValidationError("\(file): studies: expected a non-empty list of case studies")
            }
            for (key, _) in map where key.string != "studies" {
                fail(key, key.string ?? "?", "unknown key; expected studies")
            }
            let base = URL(fileURLWithPath: file).deletingLastPathComponent()
            func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardizedFileURL.path }
            let known = ["name", "claim", "scenario", "baseline", "metric", "claimed", "baseline_claimed"]
            var studies: [Study] = []
            for (i, entry) in list.enumerated() {
                let path = "studies[\(i)]"
                guard let e = entry.mapping else { fail(entry, path, "expected a mapping with name, claim, scenario, metric and claimed"); continue }
                for (key, _) in e where !known.contains(key.string ?? "") {
                    fail(key, "\(path).\(key.string ?? "?")", "unknown key; expected one of \(known.joined(separator: ", "))")
                }
                func string(_ key: String, required: Bool = true) -> String? {
                    guard let n = e[key] else {
                        if required { fail(entry, "\(path).\(key)", "missing") }
                        return nil
                    }
                    guard let s = n.scalar?.string, !s.isEmpty else { fail(n, "\(path).\(key)", "expected a non-empty string"); return nil }
                    return s
                }
                func file(_ key: String, required: Bool) -> String? {
                    guard let s = string(key, required: required) else { return nil }
                    let p = resolve(s)
                    guard FileManager.default.fileExists(atPath: p) else { fail(e[key], "\(path).\(key)", "no scenario file at \(p)"); return nil }
                    return p
                }
                func claim(_ key: String) -> Claim? {
                    guard let n = e[key] else { return nil }
                    let expected = "{value: 30%, tolerance: 5%}, {above: 85%} or {below: 30%}"
                    guard let m = n.mapping else { fail(n, "\(path).\(key)", "expected \(expected)"); return nil }
                    var v: [String: Double] = [:]
                    let before = issues.count
                    for (k, x) in m {
                        let name = k.string ?? "?"
                        guard ["value", "tolerance", "above", "below"].contains(name) else { fail(k, "\(path).\(key).\(name)", "unknown key; expected \(expected)"); continue }
                        let raw = x.scalar?.string ?? ""
                        guard let f = Units.fraction(raw) ?? Double(raw) else { fail(x, "\(path).\(key).\(name)", "expected a number or a percentage, got '\(raw)'"); continue }
                        v[name] = f
                    }
                    switch (v["value"], v["tolerance"], v["above"], v["below"]) {
                    case let (value?, tolerance?, nil, nil) where tolerance >= 0: return .about(value, tolerance: tolerance)
                    case let (nil, nil, above?, nil): return .above(above)
                    case let (nil, nil, nil, below?): return .below(below)
                    default:
                        if issues.count == before { fail(n, "\(path).\(key)", "expected \(expected)") }
                        return nil
                    }
                }
                let name = string("name"), text = string("claim")
                let scenario = file("scenario", required: true), baseline = file("baseline", required: false)
                var metric: Metric?
                if let m = string("metric") {
                    metric = Metric(rawValue: m)
                    if metric == nil { fail(e["metric"], "\(path).metric", "'\(m)' is not a metric; expected one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))") }
                }
                let claimed = claim("claimed")
                if e["claimed"] == nil { fail(entry, "\(path).claimed", "missing; expected {value: 30%, tolerance: 5%}, {above: 85%} or {below: 30%}") }
                let baselineClaimed = claim("baseline_claimed")
                if metric == .callsSaved, e["baseline"] == nil { fail(entry, "\(path).baseline", "metric calls_saved compares with a baseline scenario; give one") }
                if e["baseline_claimed"] != nil, e["baseline"] == nil { fail(e["baseline_claimed"], "\(path).baseline_claimed", "needs a baseline scenario") }
                if e["baseline_claimed"] != nil, metric == .callsSaved { fail(e["baseline_claimed"], "\(path).baseline_claimed", "calls_saved already compares with the baseline; drop baseline_claimed") }
                if let name, let text, let scenario, let metric, let claimed {
                    studies.append(Study(name: name, claim: text, scenario: scenario, baseline: baseline, metric: metric,
                                         claimed: claimed, baselineClaimed: baselineClaimed))
                }
            }
            if !issues.isEmpty {
                // Every problem of the manifest, one per line, as for scenarios.
                FileHandle.standardError.write(Data(issues.map { "headroom: \($0)\n" }.joined().utf8))
                throw ExitCode(65)
            }
            return studies
        }
    }
}
