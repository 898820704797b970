/// A problem with workload input, naming the file and line (or setting) and
/// what was expected.
package struct WorkloadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, or the setting, at fault.
    package var location: String
    /// What was wrong and what was expected.
    package var message: String

    /// An error at `location` (e.g. `trace.csv:12`).
    package init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    package var description: String { "\(location): \(message)" }
}
