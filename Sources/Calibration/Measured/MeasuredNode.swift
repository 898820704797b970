import Foundation
import Workload
import Yams

/// A value in a measurement file (YAML, or JSON, which YAML reads too) with
/// the file and dotted key path it came from, so every problem is reported
/// as `FILE:LINE: KEY: expected ..., got ...` (an ``InputError``).
///
/// ```swift
/// let root = try MeasuredNode.load(path: "exp-config.yaml")
/// let tp = try root.optional("tensor_parallelism")?.int() ?? 1
/// ```
package struct MeasuredNode {
    /// The file the value was read from.
    package var file: String
    /// Its dotted key path, e.g. `load.stages[0].rate`; empty for the document.
    package var path: String
    /// The value.
    package var node: Node

    /// Reads and parses `path`.
    ///
    /// - Throws: ``InputError`` when the file cannot be read, is not YAML/JSON
    ///   or is empty.
    package static func load(path: String) throws -> MeasuredNode {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "cannot read the file (\(error.localizedDescription))")])
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw InputError(issues: [InputIssue(file: path, key: "", message: "not valid YAML or JSON: \(error)")])
        }
        guard let root else { throw InputError(issues: [InputIssue(file: path, key: "", message: "the file is empty")]) }
        return MeasuredNode(file: path, path: "", node: root)
    }

    /// An error at this value: `expected`, and what the file has.
    package func error(_ expected: String) -> InputError {
        InputError(issues: [InputIssue(file: file, line: node.mark.map { $0.line }, key: path,
                                       message: "expected \(expected), got \(Self.describe(node))")])
    }

    /// An error about a key missing from this mapping.
    package func missing(_ key: String) -> InputError {
        InputError(issues: [InputIssue(file: file, line: node.mark.map { $0.line }, key: child(key),
                                       message: "missing (required)")])
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value at `key` of this mapping; nil when the key is absent or null.
    ///
    /// - Throws: ``InputError`` when this value is not a mapping.
    package func optional(_ key: String) throws -> MeasuredNode? {
        guard case .mapping(let mapping) = node else { throw error("a mapping") }
        guard let (_, value) = mapping.first(where: { $0.key.string == key }) else { return nil }
        if case .scalar = value, value.null != nil { return nil }
        return MeasuredNode(file: file, path: child(key), node: value)
    }

    /// The value at `key` of this mapping.
    ///
    /// - Throws: ``InputError`` when this is not a mapping or the key is absent or null.
    package func required(_ key: String) throws -> MeasuredNode {
        guard let value = try optional(key) else { throw missing(key) }
        return value
    }

    /// The value at a dotted path below this mapping (`a.b.c`), nil when any step is absent.
    package func optional(path keys: String) throws -> MeasuredNode? {
        var current = self
        for key in keys.split(separator: ".") {
            guard let next = try current.optional(String(key)) else { return nil }
            current = next
        }
        return current
    }

    /// The elements of this sequence.
    package func elements() throws -> [MeasuredNode] {
        guard case .sequence(let sequence) = node else { throw error("a list") }
        return sequence.enumerated().map { MeasuredNode(file: file, path: "\(path)[\($0.offset)]", node: $0.element) }
    }

    /// This value as a finite number.
    package func double() throws -> Double {
        guard case .scalar = node, let v = node.float ?? node.int.map(Double.init), v.isFinite else { throw error("a number") }
        return v
    }

    /// This value as a finite number >= `minimum`.
    package func double(atLeast minimum: Double) throws -> Double {
        let v = try double()
        guard v >= minimum else { throw error("a number >= \(minimum)") }
        return v
    }

    /// This value as an integer (a number with no fraction, such as `6` or `6.0`) >= `minimum`.
    package func int(atLeast minimum: Int = 0) throws -> Int {
        let v = try double()
        guard v == v.rounded(), abs(v) < 1e15, Int(v) >= minimum else { throw error("an integer >= \(minimum)") }
        return Int(v)
    }

    /// This value as a boolean (`true`/`false`).
    package func bool() throws -> Bool {
        guard case .scalar = node, let v = node.bool else { throw error("true or false") }
        return v
    }

    /// This value as a string.
    package func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("a string") }
        return s.string
    }

    /// Whether this value is a mapping.
    package var isMapping: Bool { if case .mapping = node { return true } else { return false } }

    /// The keys of this mapping, in file order (empty for anything else).
    package var keys: [String] {
        guard case .mapping(let mapping) = node else { return [] }
        return mapping.compactMap { $0.key.string }
    }

    /// How a value is shown in a message: a scalar quoted, else its kind.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "'\(s.string.prefix(60))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
