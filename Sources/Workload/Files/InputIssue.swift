/// One problem in an input file: where (file, line, key path or column),
/// the bad value, and what was expected. ``CSVTable`` reports its cells with
/// it; the scenario layer calls it `ScenarioIssue`.
package struct InputIssue: Sendable, Equatable, CustomStringConvertible {
    /// The file.
    package var file: String
    /// 1-based line, when known.
    package var line: Int?
    /// Dotted key path, e.g. `replicas.batching.max_num_seqs`, or a CSV
    /// column, e.g. `column 'ttft_p50'`; empty when the problem is the
    /// whole line or file.
    package var key: String
    /// What was wrong and what was expected.
    package var message: String

    /// A problem in `file` at `line` (when known) and `key`.
    package init(file: String, line: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `FILE:LINE: KEY: MESSAGE`, leaving out what is unknown.
    package var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(key.isEmpty ? "" : "\(key): ")\(message)"
    }
}

/// Every problem found in an input file, reported together (the command
/// line prints one per line and exits with status 65). The scenario layer
/// calls it `ScenarioError`.
package struct InputError: Error, Sendable, CustomStringConvertible {
    /// The problems, in file order.
    package var issues: [InputIssue]

    /// The problems of a file, in file order.
    package init(issues: [InputIssue]) {
        self.issues = issues
    }

    package var description: String { issues.map(\.description).joined(separator: "\n") }
}
