/// A planning input that cannot be planned for, naming the flag or key.
package struct PlanningError: Error, CustomStringConvertible, Sendable {
    /// The flag or key at fault.
    package var key: String
    /// What is wrong and what was expected.
    package var message: String

    /// An error about `key`.
    package init(_ key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    package var description: String { "\(key): \(message)" }
}
