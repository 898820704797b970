import Foundation
import Yams

/// Walks a composed YAML (or JSON) document, converting values and
/// collecting every problem with its line and key path instead of stopping
/// at the first, so `headroom validate` can report them all at once.
final class NodeReader {
    /// The file being read (for messages).
    let file: String
    /// Problems found so far.
    private(set) var issues: [ScenarioIssue] = []
    /// Where the keys this reader's mappings look up are logged: the
    /// task's ``ConsultedKeyLog/current`` when the reader was made, nil
    /// (the normal case, costing one nil check per lookup) otherwise.
    let keyLog: ConsultedKeyLog?
    /// While logging: the paths (list indices as `[]`) of mappings whose
    /// keys are logged under another name, with that name (see
    /// ``Fields/logKeys(as:)``).
    private var keyAliases: [String: String] = [:]

    init(file: String) {
        self.file = file
        keyLog = ConsultedKeyLog.current
    }

    /// Records a problem at `node` (its line) and `path`.
    func fail(_ node: Node?, _ path: String, _ message: String) {
        issues.append(ScenarioIssue(file: file, line: node?.mark.map { $0.line }, key: path, message: message))
    }

    /// A mapping's entries, or a problem if `node` is not a mapping.
    func mapping(_ node: Node, _ path: String) -> Fields? {
        guard case .mapping(let m) = node else {
            fail(node, path, "expected a mapping of keys to values, got \(describe(node))")
            return nil
        }
        var entries: [(String, Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else {
                fail(k, path, "keys must be plain strings")
                continue
            }
            entries.append((s.string, v))
        }
        return Fields(reader: self, node: node, path: path, entries: entries)
    }

    /// A sequence's elements, or a problem if `node` is not a sequence.
    func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            fail(node, path, "expected a list, got \(describe(node))")
            return nil
        }
        return Array(s)
    }

    func scalar(_ node: Node, _ path: String, _ expected: String) -> String? {
        guard case .scalar(let s) = node else {
            fail(node, path, "expected \(expected), got \(describe(node))")
            return nil
        }
        return s.string
    }

    func string(_ node: Node, _ path: String) -> String? { scalar(node, path, "a string") }

    /// A value converted by `parse`, or a problem naming `expected`.
    func value<T>(_ node: Node, _ path: String, _ expected: String, _ parse: (String) -> T?) -> T? {
        guard let text = scalar(node, path, expected) else { return nil }
        guard let v = parse(text) else {
            fail(node, path, "expected \(expected), got '\(text)'")
            return nil
        }
        return v
    }

    /// `path` (list indices as `[]`) with its longest aliased prefix
    /// replaced by the alias, so that mappings nested in a grammar logged
    /// under a shared name are logged under it too.
    func loggedPath(_ path: String) -> String {
        var best: (from: String, to: String)?
        for (from, to) in keyAliases where (best?.from.count ?? -1) < from.count {
            if path == from || path.hasPrefix(from + ".") || path.hasPrefix(from + "[") { best = (from, to) }
        }
        guard let best else { return path }
        return best.to + path.dropFirst(best.from.count)
    }

    func alias(_ path: String, as name: String) {
        keyAliases[path] = name
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

/// The entries of one mapping, taken by key; keys never taken are reported
/// as unknown by ``finish()``.
final class Fields {
    let reader: NodeReader
    let node: Node
    let path: String
    private var entries: [String: Node] = [:]
    private var order: [String] = []
    private var taken: Set<String> = []

    init(reader: NodeReader, node: Node, path: String, entries: [(String, Node)]) {
        self.reader = reader
        self.node = node
        self.path = path
        for (k, v) in entries {
            if self.entries[k] != nil { reader.fail(v, child(k), "duplicate key") }
            self.entries[k] = v
            order.append(k)
        }
    }

    /// The dotted path of a child key.
    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether `key` is present.
    func has(_ key: String) -> Bool { entries[key] != nil }

    /// The node of `key`, marking it used (and logging it as consulted).
    func node(_ key: String) -> Node? {
        taken.insert(key)
        if let log = reader.keyLog { log.record(file: reader.file, loggedPath(key)) }
        return entries[key]
    }

    /// Logs `key` (a path relative to this mapping) as consulted, for a key
    /// read without ``node(_:)``.
    func noteConsulted(_ key: String) {
        if let log = reader.keyLog { log.record(file: reader.file, loggedPath(key)) }
    }

    /// While a ``ConsultedKeyLog`` records: logs the keys of this mapping,
    /// and of the mappings nested in it, under `name` instead of its own
    /// path, for a grammar used in several places and documented once
    /// (`<dist>` for every distribution). Otherwise does nothing.
    func logKeys(as name: String) {
        if reader.keyLog != nil { reader.alias(ConsultedKeyLog.normalised(path), as: name) }
    }

    private func loggedPath(_ key: String) -> String {
        let base = reader.loggedPath(ConsultedKeyLog.normalised(path))
        return base.isEmpty ? key : "\(base).\(key)"
    }

    /// The node of a required key, or a problem.
    func required(_ key: String, _ expected: String) -> Node? {
        guard let n = node(key) else {
            reader.fail(node, child(key), "missing; expected \(expected)")
            return nil
        }
        return n
    }

    func string(_ key: String) -> String? { node(key).flatMap { reader.string($0, child(key)) } }

    func value<T>(_ key: String, _ expected: String, _ parse: (String) -> T?) -> T? {
        node(key).flatMap { reader.value($0, child(key), expected, parse) }
    }

    func requiredValue<T>(_ key: String, _ expected: String, _ parse: (String) -> T?) -> T? {
        required(key, expected).flatMap { reader.value($0, child(key), expected, parse) }
    }

    /// An integer within `range`.
    func int(_ key: String, _ range: ClosedRange<Int>, required: Bool = false) -> Int? {
        let expected = "an integer \(NodeReaderText.range(range))"
        let v: Int? = required ? requiredValue(key, expected, { Int($0) }) : value(key, expected, { Int($0) })
        guard let v else { return nil }
        guard range.contains(v) else {
            reader.fail(node(key), child(key), "expected \(expected), got \(v)")
            return nil
        }
        return v
    }

    /// A duration (seconds) with a lower bound.
    func duration(_ key: String, min: Double = 0, allowEqual: Bool = true, required: Bool = false) -> Double? {
        let expected = "a duration \(allowEqual ? ">=" : ">") \(min == 0 ? "0" : "\(min)s") such as 250ms, 1.5s, 10m, 2h"
        let v: Double? = required ? requiredValue(key, expected, Units.duration) : value(key, expected, Units.duration)
        guard let v else { return nil }
        guard allowEqual ? v >= min : v > min else {
            reader.fail(node(key), child(key), "expected \(expected), got \(v)s")
            return nil
        }
        return v
    }

    /// A number with a lower bound.
    func number(_ key: String, min: Double, allowEqual: Bool = true, required: Bool = false) -> Double? {
        let expected = "a number \(allowEqual ? ">=" : ">") \(NodeReaderText.number(min))"
        let parse: (String) -> Double? = { Double($0).flatMap { $0.isFinite ? $0 : nil } }
        let v: Double? = required ? requiredValue(key, expected, parse) : value(key, expected, parse)
        guard let v else { return nil }
        guard allowEqual ? v >= min : v > min else {
            reader.fail(node(key), child(key), "expected \(expected), got \(NodeReaderText.number(v))")
            return nil
        }
        return v
    }

    func bool(_ key: String) -> Bool? {
        value(key, "true or false") { ["true": true, "yes": true, "on": true, "false": false, "no": false, "off": false][$0.lowercased()] }
    }

    /// Reports every key that was never taken.
    func finish() {
        for k in order where !taken.contains(k) {
            reader.fail(entries[k], child(k), "unknown key (expected one of: \(taken.sorted().joined(separator: ", ")))")
        }
    }
}

/// The key paths that parsers look up, for the scenario reference's test
/// (`Tests/ScenarioTests/ScenarioReferenceTests.swift`): every key a parser
/// asks for, present in the file or not, by the file it was read from, as
/// a dotted path with list indices written `[]`
/// (`cluster.faults.scheduled[].at`). Readers made while a log is the
/// task's ``current`` record into it; otherwise nothing is recorded.
///
/// ```swift
/// let log = ConsultedKeyLog()
/// _ = ConsultedKeyLog.$current.withValue(log) { try? ScenarioLoader.load(path: path) }
/// log.keys(file: path)   // ["duration", "workload", "workload.arrivals", ...]
/// ```
package final class ConsultedKeyLog: @unchecked Sendable {
    /// The log that readers made in this task record into (nil: none).
    @TaskLocal package static var current: ConsultedKeyLog?

    private let lock = NSLock()
    private var byFile: [String: Set<String>] = [:]

    package init() {}

    func record(file: String, _ path: String) {
        lock.lock()
        byFile[file, default: []].insert(path)
        lock.unlock()
    }

    /// The paths looked up in `file`.
    package func keys(file: String) -> Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return byFile[file] ?? []
    }

    /// The files read, each with the paths looked up in it.
    package var files: [String: Set<String>] {
        lock.lock()
        defer { lock.unlock() }
        return byFile
    }

    /// `path` with every list index written `[]` (`a[3].b` → `a[].b`).
    package static func normalised(_ path: String) -> String {
        guard path.contains("[") else { return path }
        var out = ""
        var inIndex = false
        for ch in path {
            if ch == "[" {
                inIndex = true
                out.append("[]")
            } else if ch == "]" {
                inIndex = false
            } else if !inIndex {
                out.append(ch)
            }
        }
        return out
    }
}

enum NodeReaderText {
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    static func range(_ r: ClosedRange<Int>) -> String {
        r.upperBound == Int.max ? ">= \(r.lowerBound)" : "from \(r.lowerBound) to \(r.upperBound)"
    }
}
