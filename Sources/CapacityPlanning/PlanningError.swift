/// A planning input that cannot be planned for, naming the flag or key.
public struct PlanningError: Error, CustomStringConvertible, Sendable {
    /// The flag or key at fault.
    public var key: String
    /// What is wrong and what was expected.
    public var message: String

    /// An error about `key`.
    public init(_ key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
