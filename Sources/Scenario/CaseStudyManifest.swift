import Foundation
import ServingModel
import Workload
import Yams

/// A practitioner's claim about a serving setup, checked by simulating its
/// scenario (and, for a comparison, a baseline scenario): one entry of a
/// case-study manifest (`claims.yaml`), read by ``CaseStudyManifest``.
package struct CaseStudy: Sendable, Equatable {
    /// A short name, shown in the first column.
    package var name: String
    /// The claim in the practitioner's words.
    package var claim: String
    /// The scenario file, resolved against the manifest's folder.
    package var scenario: String
    /// The baseline scenario file, resolved likewise, when the claim compares.
    package var baseline: String?
    /// What the claim measures.
    package var metric: Metric
    /// The claimed value of the scenario.
    package var claimed: Claim
    /// The claimed value of the baseline, if any.
    package var baselineClaimed: Claim?

    /// A case study.
    package init(name: String, claim: String, scenario: String, baseline: String? = nil, metric: Metric, claimed: Claim,
                baselineClaimed: Claim? = nil) {
        self.name = name
        self.claim = claim
        self.scenario = scenario
        self.baseline = baseline
        self.metric = metric
        self.claimed = claimed
        self.baselineClaimed = baselineClaimed
    }

    /// What a study measures, as the manifest's `metric:` names it.
    package enum Metric: String, CaseIterable, Encodable, Sendable {
        case rejectedShare = "rejected_share", lostShare = "lost_share", successRate = "success_rate"
        case failureRate = "failure_rate", callsSaved = "calls_saved", utilization, peakReplicas = "peak_replicas"

        /// Whether the value is a fraction (printed as a percentage).
        package var isFraction: Bool { self != .peakReplicas }

        /// The metric of a run on its own (`calls_saved` needs a baseline
        /// and is computed from both runs' attempts).
        ///
        /// - Throws: ``CaseStudyError`` naming `file` when the run lacks
        ///   what the metric reads (a client's view, a baseline).
        package func value(_ r: ServingResult, file: String) throws -> Double {
            switch self {
            case .rejectedShare: return Self.share(r.requests.rejected, of: r.requests.offered)
            case .lostShare: return Self.share(r.requests.rejected + r.requests.timedOut + r.requests.failed, of: r.requests.offered)
            case .successRate, .failureRate:
                guard let c = r.clients else {
                    throw CaseStudyError("\(file): metric \(rawValue) reads what users saw; the scenario needs a client: or gateway: section")
                }
                return self == .successRate ? c.availability : 1 - c.availability
            case .callsSaved: throw CaseStudyError("\(file): metric calls_saved needs a baseline")
            case .utilization: return r.utilization
            case .peakReplicas: return r.cluster.peakReplicas
            }
        }

        /// `part / whole`, 0 when `whole` is 0.
        static func share(_ part: Int, of whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : 0 }
    }

    /// A claimed value: a point with a tolerance, or a bound. Encoded as
    /// `{value, tolerance}`, `{above}` or `{below}`.
    package enum Claim: Encodable, Sendable, Equatable {
        case about(Double, tolerance: Double)
        case above(Double)
        case below(Double)

        /// Whether `x` bears the claim out.
        package func holds(_ x: Double) -> Bool {
            switch self {
            case let .about(v, t): return abs(x - v) <= t + 1e-12
            case let .above(v): return x > v
            case let .below(v): return x < v
            }
        }

        /// The claim in words (`30.0% ± 5.0%`, `> 85.0%`), its numbers written by `format`.
        package func text(_ format: (Double) -> String) -> String {
            switch self {
            case let .about(v, t): return "\(format(v)) ± \(format(t))"
            case let .above(v): return "> \(format(v))"
            case let .below(v): return "< \(format(v))"
            }
        }

        package func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            switch self {
            case let .about(v, t): try c.encode(v, forKey: .value); try c.encode(t, forKey: .tolerance)
            case let .above(v): try c.encode(v, forKey: .above)
            case let .below(v): try c.encode(v, forKey: .below)
            }
        }

        enum Key: String, CodingKey { case value, tolerance, above, below }
    }
}

/// A case study that cannot be read or evaluated as a whole (an unreadable
/// manifest, one that is not YAML, a metric the scenario cannot give); the
/// command line prints its message and exits with status 64. Problems of
/// single entries are a ``ScenarioError`` instead, every one at once.
package struct CaseStudyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, starting with the file.
    package var message: String

    /// An error saying `message`.
    package init(_ message: String) { self.message = message }

    package var description: String { message }
}

/// Reads a case-study manifest (`claims.yaml`): a `studies:` list whose
/// entries have `name`, `claim`, `scenario`, `metric` and `claimed`
/// (`{value: 30%, tolerance: 5%}`, `{above: 85%}` or `{below: 30%}`), and
/// optionally `baseline` and `baseline_claimed`. Scenario paths are taken
/// relative to the manifest's folder and must exist.
package enum CaseStudyManifest {
    /// Reads the manifest at `path`.
    ///
    /// - Throws: ``CaseStudyError`` when it cannot be read, is not YAML or
    ///   has no `studies:` list; ``ScenarioError`` with every bad entry,
    ///   each with its line and key.
    package static func load(path: String) throws -> [CaseStudy] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CaseStudyError("\(path): cannot read the case-study manifest: \(FileProblem.reading(path, error))")
        }
        return try parse(text: text, file: path)
    }

    /// Parses manifest text; `file` names it in errors and anchors the scenario paths.
    ///
    /// - Throws: as ``load(path:)``.
    package static func parse(text: String, file: String) throws -> [CaseStudy] {
        var issues: [ScenarioIssue] = []
        func fail(_ node: Node?, _ key: String, _ message: String) {
            issues.append(ScenarioIssue(file: file, line: node?.mark?.line, key: key, message: message))
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw CaseStudyError("\(file): not valid YAML: \(error)")
        }
        guard let map = root?.mapping, let list = map["studies"]?.sequence, !list.isEmpty else {
            throw CaseStudyError("\(file): studies: expected a non-empty list of case studies")
        }
        for (key, _) in map where key.string != "studies" {
            fail(key, key.string ?? "?", "unknown key; expected studies")
        }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardizedFileURL.path }
        let known = ["name", "claim", "scenario", "baseline", "metric", "claimed", "baseline_claimed"]
        var studies: [CaseStudy] = []
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
            func claim(_ key: String) -> CaseStudy.Claim? {
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
            var metric: CaseStudy.Metric?
            if let m = string("metric") {
                metric = CaseStudy.Metric(rawValue: m)
                if metric == nil { fail(e["metric"], "\(path).metric", "'\(m)' is not a metric; expected one of \(CaseStudy.Metric.allCases.map(\.rawValue).joined(separator: ", "))") }
            }
            let claimed = claim("claimed")
            if e["claimed"] == nil { fail(entry, "\(path).claimed", "missing; expected {value: 30%, tolerance: 5%}, {above: 85%} or {below: 30%}") }
            let baselineClaimed = claim("baseline_claimed")
            if metric == .callsSaved, e["baseline"] == nil { fail(entry, "\(path).baseline", "metric calls_saved compares with a baseline scenario; give one") }
            if e["baseline_claimed"] != nil, e["baseline"] == nil { fail(e["baseline_claimed"], "\(path).baseline_claimed", "needs a baseline scenario") }
            if e["baseline_claimed"] != nil, metric == .callsSaved { fail(e["baseline_claimed"], "\(path).baseline_claimed", "calls_saved already compares with the baseline; drop baseline_claimed") }
            if let name, let text, let scenario, let metric, let claimed {
                studies.append(CaseStudy(name: name, claim: text, scenario: scenario, baseline: baseline, metric: metric,
                                         claimed: claimed, baselineClaimed: baselineClaimed))
            }
        }
        // Every problem of the manifest, one per line, as for scenarios.
        if !issues.isEmpty { throw ScenarioError(issues: issues) }
        return studies
    }
}
