import Foundation
import ServingModel
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

    /// The document being read, for ``locate(_:)`` (set by whoever
    /// composed it).
    var root: Node?

    /// Records a problem at `node` (its line) and `path`.
    func fail(_ node: Node?, _ path: String, _ message: String) {
        issues.append(ScenarioIssue(file: file, line: node?.mark.map { $0.line }, key: path, message: message))
    }

    /// Records a model's validation problem (``ServingModelError``, whose
    /// key is a full path as the file spells it) at the line of that key,
    /// or of the deepest mapping or list on its way that the file has.
    func fail(_ error: ServingModelError) {
        fail(locate(error.key), error.key, error.message)
    }

    /// Where a dotted key path such as `workload.clients[1].arrivals.rate`
    /// below ``root`` is written, for a problem's line: the key itself (or
    /// the list element a trailing index names), else the deepest one
    /// found on the way.
    func locate(_ key: String) -> Node? {
        guard var node = root else { return nil }
        var written = node
        guard let path = try? ScenarioKeyPath(key) else { return written }
        for step in path.steps {
            switch step {
            case .key(let name):
                guard case .mapping(let m) = node, let (k, child) = m.first(where: { $0.key.string == name }) else { return written }
                node = child
                written = k
            case .index(let i):
                guard case .sequence(let s) = node, i < s.count else { return written }
                node = Array(s)[i]
                written = node
            }
        }
        return written
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

    /// A quantity of `kind` within `bounds`, read from a scalar: finite and
    /// in range before any caller converts or allocates with it, or a
    /// problem naming `path`, the range and the value as written.
    func quantity(_ node: Node, _ path: String, _ kind: Quantity, _ bounds: Bounds) -> Double? {
        let expected = "\(kind.noun) \(bounds.text(kind))\(kind.examples.isEmpty ? "" : " such as \(kind.examples)")"
        guard let text = scalar(node, path, expected) else { return nil }
        guard let v = kind.parse(text), v.isFinite else {
            fail(node, path, "expected \(expected), got '\(text)'")
            return nil
        }
        guard bounds.contains(v) else {
            fail(node, path, "expected \(expected), got \(text.trimmingCharacters(in: .whitespaces))")
            return nil
        }
        return v
    }

    /// An integer within `range`, read from a scalar (see ``Fields/int(_:_:required:)``).
    func int(_ node: Node, _ path: String, _ range: ClosedRange<Int>, _ what: String = "an integer") -> Int? {
        let expected = "\(what) \(NodeReaderText.range(range))"
        guard let v = value(node, path, expected, { Int($0.trimmingCharacters(in: .whitespaces)) }) else { return nil }
        guard range.contains(v) else {
            fail(node, path, "expected \(expected), got \(v)")
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

    /// An integer within `range`. The text must be a plain integer
    /// (`1e6` is refused), and `range` must be bounded above by a
    /// documented limit, never `Int.max`.
    func int(_ key: String, _ range: ClosedRange<Int>, required: Bool = false) -> Int? {
        let expected = "an integer \(NodeReaderText.range(range))"
        let v: Int? = required ? requiredValue(key, expected, { Int($0.trimmingCharacters(in: .whitespaces)) })
            : value(key, expected, { Int($0.trimmingCharacters(in: .whitespaces)) })
        guard let v else { return nil }
        guard range.contains(v) else {
            reader.fail(node(key), child(key), "expected \(expected), got \(v)")
            return nil
        }
        return v
    }

    /// A quantity of `kind` within `bounds` (see ``NodeReader/quantity(_:_:_:_:)``).
    func quantity(_ key: String, _ kind: Quantity, _ bounds: Bounds, required: Bool = false) -> Double? {
        let n = required ? self.required(key, "\(kind.noun) \(bounds.text(kind))") : node(key)
        return n.flatMap { reader.quantity($0, child(key), kind, bounds) }
    }

    /// A duration (seconds) with a lower bound, at most
    /// ``ServingLimits/maxDuration`` (365 days) unless `max` says less.
    func duration(_ key: String, min: Double = 0, allowEqual: Bool = true, max: Double = ServingLimits.maxDuration,
                  required: Bool = false) -> Double? {
        quantity(key, .duration, Bounds(min, open: !allowEqual, max), required: required)
    }

    /// The period of a periodic timer: from ``ServingLimits/minInterval``
    /// (1 ms) to 365 days.
    func interval(_ key: String, required: Bool = false) -> Double? {
        quantity(key, .duration, .interval, required: required)
    }

    /// A plain number with a lower bound and an upper one (finite always).
    func number(_ key: String, min: Double, allowEqual: Bool = true, max: Double = .greatestFiniteMagnitude,
                required: Bool = false) -> Double? {
        quantity(key, .number, Bounds(min, open: !allowEqual, max), required: required)
    }

    /// A fraction or percentage within `bounds` (default: 0% to 100%).
    func fraction(_ key: String, _ bounds: Bounds = .unit, required: Bool = false) -> Double? {
        quantity(key, .fraction, bounds, required: required)
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

/// What a numeric key holds: how it is written, parsed and shown.
enum Quantity {
    /// A plain number.
    case number
    /// A duration such as `250ms` (seconds).
    case duration
    /// A rate such as `120/s` (requests per second).
    case rate
    /// A percentage such as `20%`, or a bare fraction.
    case fraction
    /// A multiplier such as `3x`.
    case multiplier
    /// A bandwidth such as `25GB/s` (bytes per second).
    case bandwidth
    /// A token count written as a plain number (draws are rounded).
    case tokens
    /// A count per replica, written as a number (or a percentage of one).
    case perReplica

    var noun: String {
        switch self {
        case .number: return "a number"
        case .duration: return "a duration"
        case .rate: return "a rate"
        case .fraction: return "a percentage"
        case .multiplier: return "a multiplier"
        case .bandwidth: return "a bandwidth"
        case .tokens: return "a token count"
        case .perReplica: return "a number per replica"
        }
    }

    var examples: String {
        switch self {
        case .number, .tokens: return ""
        case .perReplica: return "8"
        case .duration: return "250ms, 1.5s, 10m, 2h"
        case .rate: return "720/s or 3200/min"
        case .fraction: return "20% or 0.2"
        case .multiplier: return "3x"
        case .bandwidth: return "25GB/s"
        }
    }

    func parse(_ text: String) -> Double? {
        switch self {
        case .number, .tokens: return Double(text.trimmingCharacters(in: .whitespaces))
        case .duration: return Units.duration(text)
        case .rate: return Units.rate(text)
        case .fraction, .perReplica: return Units.fraction(text)
        case .multiplier: return Units.multiplier(text)
        case .bandwidth: return Units.byteRate(text)
        }
    }

    /// `v` as a user would write it.
    func show(_ v: Double) -> String {
        switch self {
        case .number, .tokens, .perReplica: return NodeReaderText.number(v)
        case .duration: return NodeReaderText.duration(v)
        case .rate: return "\(NodeReaderText.number(v))/s"
        case .fraction: return "\(NodeReaderText.number(v * 100))%"
        case .multiplier: return "\(NodeReaderText.number(v))x"
        case .bandwidth: return "\(NodeReaderText.number(v))B/s"
        }
    }
}

/// The range a numeric key accepts; each end inclusive unless open. Every
/// range is finite: an unbounded key would reach a conversion or an
/// allocation with 1e300.
struct Bounds {
    var min: Double
    var minOpen = false
    var max: Double
    var maxOpen = false

    init(_ min: Double, open: Bool = false, _ max: Double, maxOpen: Bool = false) {
        self.min = min
        self.minOpen = open
        self.max = max
        self.maxOpen = maxOpen
    }

    /// From 0% to 100%.
    static let unit = Bounds(0, 1)
    /// Above 0%, up to 100%.
    static let positiveUnit = Bounds(0, open: true, 1)
    /// A periodic timer's period: 1 ms to 365 days.
    static let interval = Bounds(ServingLimits.minInterval, ServingLimits.maxDuration)
    /// A rate above 0, up to ``ServingLimits/maxRate``.
    static let positiveRate = Bounds(0, open: true, ServingLimits.maxRate)
    /// A multiplier above 0, up to ``ServingLimits/maxFactor``.
    static let factor = Bounds(0, open: true, ServingLimits.maxFactor)

    func contains(_ v: Double) -> Bool {
        (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max)
    }

    /// `> 0`, `>= 1ms and at most 365d`, `from 0% to 100%`.
    func text(_ kind: Quantity) -> String {
        let low = "\(minOpen ? ">" : ">=") \(kind.show(min))"
        guard max < .greatestFiniteMagnitude else { return low }
        if !minOpen && !maxOpen { return "from \(kind.show(min)) to \(kind.show(max))" }
        return "\(low) and \(maxOpen ? "below" : "at most") \(kind.show(max))"
    }
}

enum NodeReaderText {
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// Seconds as the largest unit that writes them whole: `1ms`, `90s`,
    /// `365d`; else plain seconds.
    static func duration(_ v: Double) -> String {
        if v == 0 { return "0" }
        for (unit, scale) in [("d", 86_400.0), ("h", 3600), ("m", 60), ("s", 1), ("ms", 1e-3), ("us", 1e-6)] where abs(v) >= scale {
            let n = v / scale
            if n == n.rounded() && abs(n) < 1e15 { return "\(Int(n))\(unit)" }
            if scale == 1 { break }
        }
        return "\(number(v))s"
    }

    static func range(_ r: ClosedRange<Int>) -> String {
        r.upperBound == Int.max ? ">= \(r.lowerBound)" : "from \(r.lowerBound) to \(r.upperBound)"
    }
}
