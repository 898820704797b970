/// One problem in a scenario or profile file: where (file, line, key path),
/// the bad value, and what was expected.
public struct ScenarioIssue: Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// Dotted key path, e.g. `replicas.batching.max_num_seqs`.
    public var key: String
    /// What was wrong and what was expected.
    public var message: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(key.isEmpty ? "" : "\(key): ")\(message)"
    }
}

/// Every problem found in a file, reported together.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    /// The problems, in file order.
    public var issues: [ScenarioIssue]

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
