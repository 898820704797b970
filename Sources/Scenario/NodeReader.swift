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

    init(file: String) {
        self.file = file
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

    /// The node of `key`, marking it used.
    func node(_ key: String) -> Node? {
        taken.insert(key)
        return entries[key]
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

enum NodeReaderText {
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    static func range(_ r: ClosedRange<Int>) -> String {
        r.upperBound == Int.max ? ">= \(r.lowerBound)" : "from \(r.lowerBound) to \(r.upperBound)"
    }
}
