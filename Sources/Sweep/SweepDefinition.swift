import Foundation
import Scenario
import ServingModel
import Workload
import Yams

/// A sweep file: a base scenario, keys set in every cell, axes whose values
/// make the cells (their Cartesian product, the first axis varying
/// slowest), a seed count, and optional SLA targets.
///
/// ```yaml
/// name: chat-at-3x
/// scenario: chat.yaml              # relative to this file
/// seeds: 5                         # seeds scenario.seed + 0 ... 4 in every cell
/// sla: p99_ttft<=2s,error_rate<=0.1%
/// confidence: 95%
/// set:                             # every cell
///   duration: 10m
/// axes:                            # any scenario key by its path
///   replicas.count: [4, 6, 8]
///   replicas.batching.max_num_seqs: [128, 256]
/// ```
///
/// Every cell's scenario is parsed when the file is loaded, so a bad axis
/// (an unknown key, a value of the wrong type) is refused before anything
/// runs, with the key and the cell.
package struct SweepDefinition: Sendable {
    /// One axis: a scenario key and the values it takes.
    package struct Axis: Sendable {
        /// The key it sets.
        package var key: ScenarioKeyPath
        /// Its values as the sweep file writes them (short labels for output).
        package var labels: [String]
    }

    /// One cell: which value of each axis.
    package struct Cell: Sendable, Equatable {
        /// Position in the sweep (the first axis varies slowest).
        package var index: Int
        /// The value index of each axis.
        package var choices: [Int]
    }

    /// Name (the file's `name`, else its file name without `.yaml` or `.sweep.yaml`).
    package var name: String
    /// The sweep file's path.
    package var file: String
    /// The base scenario's path.
    package var scenario: String
    /// The base scenario's path as the sweep file writes it (what outputs
    /// show, so they do not depend on where the sweep was run).
    package var scenarioAsWritten: String
    /// Runs per cell; run `s` of a cell uses seed `scenario seed + s`.
    package var seeds: Int
    /// Targets every cell is judged against (nil: none).
    package var sla: SLA?
    /// The SLA as the sweep file writes it.
    package var slaText: String?
    /// Confidence level of the intervals and of the SLA's bounds.
    package var confidence: Double
    /// The axes, in file order.
    package var axes: [Axis]
    /// Every cell's validated configuration, by cell index.
    package var configurations: [ServingConfiguration]
    /// What identifies this sweep in its part files: a hash of the sweep
    /// file's and the base scenario's bytes.
    package var fingerprint: String

    /// The cells, in order.
    package var cells: [Cell] {
        configurations.indices.map { Cell(index: $0, choices: Self.choices(of: $0, counts: axes.map(\.labels.count))) }
    }

    /// What the cells' results rest on that their profiles do not cover
    /// (``Scenario/ProfileCoverage/warnings(_:)``), each distinct warning
    /// once with the cells it holds for: `every cell: …`, or `2 of 6 cells
    /// (first: replicas.hardware=big.yaml, …): …`. Cells are checked in
    /// order; a warning text that differs from cell to cell (a share of
    /// requests) is one line per text.
    package func profileWarnings() -> [String] {
        var texts: [String] = [], cellsOf: [String: [Int]] = [:]
        for (index, found) in ProfileCoverage.warnings(configurations).enumerated() {
            for warning in found {
                if cellsOf[warning] == nil { texts.append(warning) }
                cellsOf[warning, default: []].append(index)
            }
        }
        return texts.map { text in
            let cells = cellsOf[text]!
            if cells.count == configurations.count { return "every cell: \(text)" }
            let choices = Self.choices(of: cells[0], counts: axes.map(\.labels.count))
            let first = zip(axes, choices).map { "\($0.key)=\($0.labels[$1])" }.joined(separator: ", ")
            let count = cells.count == 1 ? "cell \(cells[0])" : "\(cells.count) of \(configurations.count) cells"
            return "\(count) (\(cells.count == 1 ? "" : "first: ")\(first)): \(text)"
        }
    }

    /// Total runs: cells × seeds.
    package var runCount: Int { configurations.count * seeds }

    /// The axis value indices of cell `index` (row-major, first axis slowest).
    static func choices(of index: Int, counts: [Int]) -> [Int] {
        var rest = index
        var out = Array(repeating: 0, count: counts.count)
        for a in counts.indices.reversed() {
            out[a] = rest % counts[a]
            rest /= counts[a]
        }
        return out
    }

    /// Most cells a sweep may have.
    package static let maxCells = 100_000
    /// Most seeds per cell.
    package static let maxSeeds = 10_000
    /// Most runs (cells × seeds).
    package static let maxRuns = 1_000_000

    /// Loads the sweep at `path` and parses every cell's scenario;
    /// `forecasters` builds a predictive scaler's forecaster. Throws an
    /// ``InputError`` listing every problem, each naming the sweep file's
    /// line and key, or the cell and scenario key a value breaks.
    package static func load(path: String, forecasters: LoadForecasterFactory? = nil) throws -> SweepDefinition {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "cannot read the sweep: \(FileProblem.reading(path, error))")])
        }
        return try parse(text: text, file: path, forecasters: forecasters)
    }

    /// Parses sweep text; `file` names it in errors and anchors the
    /// scenario's relative path.
    package static func parse(text: String, file: String, forecasters: LoadForecasterFactory? = nil) throws -> SweepDefinition {
        var issues: [InputIssue] = []
        func fail(_ node: Node?, _ key: String, _ message: String) {
            issues.append(InputIssue(file: file, line: node?.mark?.line, key: key, message: message))
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw InputError(issues: [InputIssue(file: file, key: "", message: "not valid YAML: \(error)")])
        }
        guard case .mapping(let top)? = root else {
            throw InputError(issues: [InputIssue(file: file, key: "", message: "expected a mapping with scenario, seeds and axes")])
        }
        let known: Set = ["name", "scenario", "seeds", "sla", "confidence", "set", "axes"]
        for (k, _) in top where !known.contains(k.string ?? "") {
            fail(k, k.string ?? "", "unknown key (expected one of: \(known.sorted().joined(separator: ", ")))")
        }
        func scalar(_ key: String) -> (String, Node)? {
            guard let node = top[key] else { return nil }
            guard case .scalar(let s) = node else { fail(node, key, "expected a single value"); return nil }
            return (s.string, node)
        }

        let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let name = scalar("name")?.0 ?? (stem.hasSuffix(".sweep") ? String(stem.dropLast(".sweep".count)) : stem)
        var scenarioPath: String?
        var scenarioAsWritten = ""
        if let (s, node) = scalar("scenario") {
            scenarioAsWritten = s
            scenarioPath = s.hasPrefix("/") ? s : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(s).standardizedFileURL.path
            if !FileManager.default.isReadableFile(atPath: scenarioPath!) {
                fail(node, "scenario", "cannot read '\(s)' (resolved to \(scenarioPath!))")
                scenarioPath = nil
            }
        } else if top["scenario"] == nil {
            fail(nil, "scenario", "required: the base scenario file, relative to the sweep file")
        }
        var seeds = 0
        if let (s, node) = scalar("seeds") {
            if let n = Int(s), n >= 2, n <= maxSeeds { seeds = n } else { fail(node, "seeds", "expected an integer from 2 to \(maxSeeds) (an interval needs two runs), got '\(s)'") }
        } else if top["seeds"] == nil {
            fail(nil, "seeds", "required: the runs per cell, an integer from 2 to \(maxSeeds)")
        }
        var sla: SLA?
        var slaText: String?
        if let (s, node) = scalar("sla") {
            slaText = s
            do { sla = try SLA(parsing: s) } catch let e as InputError {
                fail(node, "sla", e.issues.map(\.message).joined(separator: "; "))
            }
        }
        var confidence = 0.95
        if let (s, node) = scalar("confidence") {
            if let c = Units.fraction(s), c >= 0.5, c < 1 { confidence = c } else { fail(node, "confidence", "expected a percentage from 50% to below 100% such as 95%, got '\(s)'") }
        }

        // Keys set in every cell, then the axes.
        var fixed: [(ScenarioKeyPath, Node, Node)] = []
        if let node = top["set"] {
            if case .mapping(let m) = node {
                for (k, v) in m {
                    do { fixed.append((try ScenarioKeyPath(k.string ?? ""), v, k)) } catch { fail(k, "set.\(k.string ?? "")", error.message) }
                }
            } else { fail(node, "set", "expected a mapping of scenario key paths to values") }
        }
        var axes: [(key: ScenarioKeyPath, values: [Node], keyNode: Node)] = []
        if case .mapping(let m)? = top["axes"] {
            for (k, v) in m {
                let at = "axes.\(k.string ?? "")"
                let path: ScenarioKeyPath
                do { path = try ScenarioKeyPath(k.string ?? "") } catch { fail(k, at, error.message); continue }
                if axes.contains(where: { $0.key == path }) || fixed.contains(where: { $0.0 == path }) {
                    fail(k, at, "set twice (an axis and set:, or two axes)")
                    continue
                }
                guard case .sequence(let values) = v, !values.isEmpty else { fail(v, at, "expected a non-empty list of values"); continue }
                axes.append((path, Array(values), k))
            }
            if m.isEmpty { fail(top["axes"], "axes", "expected at least one axis") }
        } else {
            fail(top["axes"], "axes", "required: a mapping of scenario key paths to lists of values, such as replicas.count: [4, 6, 8]")
        }
        let cellCount = axes.reduce(1) { $0.multipliedReportingOverflow(by: max($1.values.count, 1)).overflow ? Int.max : $0 * max($1.values.count, 1) }
        if cellCount > maxCells { fail(top["axes"], "axes", "\(cellCount) cells; at most \(maxCells)") }
        else if seeds > 0, cellCount * seeds > maxRuns { fail(top["seeds"], "seeds", "\(cellCount) cells x \(seeds) seeds = \(cellCount * seeds) runs; at most \(maxRuns)") }
        guard issues.isEmpty, let scenarioPath else { throw InputError(issues: issues) }

        // Every cell's scenario, parsed now so nothing runs before all are valid.
        let scenarioText: String
        let document: Node?
        do {
            scenarioText = try String(contentsOfFile: scenarioPath, encoding: .utf8)
            document = try Yams.compose(yaml: scenarioText)
        } catch {
            throw InputError(issues: [InputIssue(file: scenarioPath, key: "", message: "cannot read the scenario: \(error)")])
        }
        var base = document
        for (path, value, keyNode) in fixed {
            do { base = try path.set(value, in: base) } catch { fail(keyNode, "set.\(path)", error.message) }
        }
        guard issues.isEmpty else { throw InputError(issues: issues) }
        var configurations: [ServingConfiguration] = []
        configurations.reserveCapacity(cellCount)
        let counts = axes.map(\.values.count)
        // One line per distinct problem, at its first cell: the same bad value or key breaks every cell it is in.
        var reported = Set<String>()
        for index in 0..<cellCount {
            let choices = choices(of: index, counts: counts)
            var doc = base
            var settingFailed = false
            for (a, axis) in axes.enumerated() {
                do { doc = try axis.key.set(axis.values[choices[a]], in: doc) } catch {
                    fail(axis.keyNode, "axes.\(axis.key)", error.message)
                    settingFailed = true
                }
            }
            if settingFailed { break }
            do {
                configurations.append(try ScenarioLoader.parse(document: doc, file: scenarioPath, forecasters: forecasters))
            } catch let e as InputError {
                let cell = zip(axes, choices).map { "\($0.key)=\(label($0.values[$1]))" }.joined(separator: ", ")
                for issue in e.issues {
                    // A problem under an axis's key is that axis's value: name it where the sweep file writes it.
                    if let axis = axes.first(where: { issue.key == $0.key.description || issue.key.hasPrefix($0.key.description + ".") || issue.key.hasPrefix($0.key.description + "[") }) {
                        let value = axis.values[choices[axes.firstIndex { $0.key == axis.key }!]]
                        guard reported.insert("\(axis.key)|\(issue.key)|\(issue.message)").inserted else { continue }
                        issues.append(InputIssue(file: file, line: value.mark?.line ?? axis.keyNode.mark?.line, key: "axes.\(axis.key)",
                                                 message: "value \(label(value)) (cell \(index): \(cell)): \(issue.key): \(issue.message)"))
                    } else {
                        guard reported.insert("|\(issue.key)|\(issue.message)").inserted else { continue }
                        issues.append(InputIssue(file: issue.file, line: issue.line, key: issue.key, message: "\(issue.message) (sweep cell \(index): \(cell))"))
                    }
                }
            }
        }
        guard issues.isEmpty else { throw InputError(issues: issues) }
        return SweepDefinition(name: name, file: file, scenario: scenarioPath, scenarioAsWritten: scenarioAsWritten, seeds: seeds, sla: sla, slaText: slaText, confidence: confidence,
                               axes: axes.map { Axis(key: $0.key, labels: $0.values.map(label)) },
                               configurations: configurations,
                               fingerprint: SweepFingerprint.of([Array(text.utf8), Array(scenarioText.utf8)]))
    }

    /// A value as one short line: a scalar as written, a mapping as
    /// `{k: v, ...}`, a list as `[a, b]`.
    static func label(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.string
        case .mapping(let m): return "{" + m.map { "\(label($0.key)): \(label($0.value))" }.joined(separator: ", ") + "}"
        case .sequence(let s): return "[" + s.map(label).joined(separator: ", ") + "]"
        case .alias: return "*alias"
        }
    }
}
