/// A problem with workload input, naming the file and line (or setting) and
/// what was expected.
public struct WorkloadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, or the setting, at fault.
    public var location: String
    /// What was wrong and what was expected.
    public var message: String

    /// An error at `location` (e.g. `trace.csv:12`).
    public init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
