import Yams

/// A scenario key by its dotted path, as errors and the scenario reference
/// spell it (`replicas.batching.max_num_seqs`, `workload.clients[1].arrivals.rate`),
/// and the one way to set such a key in a composed scenario document before
/// it is parsed. Setting edits the YAML node tree, so every key the parser
/// accepts can be set, and a bad key or value is reported by the parser
/// itself, with the key's path.
///
/// ```swift
/// let path = try ScenarioKeyPath("replicas.count")
/// let edited = try path.set(Node("6"), in: document)
/// let config = try ScenarioLoader.parse(document: edited, file: "chat.yaml")
/// ```
package struct ScenarioKeyPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path: a mapping key or a list index.
    package enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The steps, outermost first.
    package let steps: [Step]
    /// The path as written.
    package let description: String

    /// Reads `text`: keys of letters, digits, `_` and `-` joined by `.`, each
    /// optionally followed by list indices `[i]`; throws a message naming
    /// what is wrong.
    package init(_ text: String) throws(ScenarioKeyPathError) {
        var steps: [Step] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var indices: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                guard let i = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]), i >= 0 else {
                    throw ScenarioKeyPathError(path: text, message: "a list index must be an integer >= 0, got '\(name[open...])'")
                }
                indices.insert(i, at: 0)
                name = name[..<open]
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw ScenarioKeyPathError(path: text, message: "expected keys of letters, digits, '_' or '-' joined by '.', each with optional [index], such as replicas.count or workload.clients[0].arrivals.rate")
            }
            steps.append(.key(String(name)))
            steps += indices.map(Step.index)
        }
        self.steps = steps
        description = text
    }

    /// `document` with this key set to `value`. Missing mappings on the way
    /// are created; an existing value is replaced whole. Throws when the
    /// path runs into a value that is not a mapping (for a key) or a list
    /// long enough (for an index).
    package func set(_ value: Node, in document: Node?) throws(ScenarioKeyPathError) -> Node {
        try set(value, in: document, from: 0)
    }

    private func set(_ value: Node, in node: Node?, from i: Int) throws(ScenarioKeyPathError) -> Node {
        guard i < steps.count else { return value }
        let walked = prefix(i)
        switch steps[i] {
        case .key(let key):
            var pairs: [(Node, Node)] = []
            var tag = Tag.implicit, style = Node.Mapping.Style.any, mark: Mark? = nil
            switch node {
            case nil: break
            case .mapping(let m)?:
                pairs = m.map { ($0.key, $0.value) }
                (tag, style, mark) = (m.tag, m.style, m.mark)
            case .some:
                throw ScenarioKeyPathError(path: description, message: "\(walked.isEmpty ? "the scenario" : "'\(walked)'") is not a mapping, so it has no key '\(key)'")
            }
            if let at = pairs.lastIndex(where: { $0.0.string == key }) {
                pairs[at].1 = try set(value, in: pairs[at].1, from: i + 1)
            } else {
                pairs.append((Node(key), try set(value, in: nil, from: i + 1)))
            }
            return .mapping(Node.Mapping(pairs, tag, style, mark))
        case .index(let index):
            guard case .sequence(let s)? = node else {
                throw ScenarioKeyPathError(path: description, message: "'\(walked)' is not a list, so it has no element [\(index)]")
            }
            var nodes = Array(s)
            guard index < nodes.count else {
                throw ScenarioKeyPathError(path: description, message: "'\(walked)' has \(nodes.count) element\(nodes.count == 1 ? "" : "s"), so no [\(index)]")
            }
            nodes[index] = try set(value, in: nodes[index], from: i + 1)
            return .sequence(Node.Sequence(nodes, s.tag, s.style, s.mark))
        }
    }

    /// The first `count` steps, spelt as a path.
    private func prefix(_ count: Int) -> String {
        var out = ""
        for step in steps.prefix(count) {
            switch step {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}

/// A key path that cannot be read, or cannot be set in a document.
package struct ScenarioKeyPathError: Error, Sendable, CustomStringConvertible {
    /// The path as written.
    package var path: String
    /// What is wrong.
    package var message: String

    package var description: String { "\(path): \(message)" }
}
