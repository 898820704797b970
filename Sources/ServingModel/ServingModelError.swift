/// A configuration the serving model cannot simulate, naming the setting.
public struct ServingModelError: Error, CustomStringConvertible, Sendable {
    /// The setting at fault (a scenario key path).
    public var key: String
    /// What is wrong and what was expected.
    public var message: String

    /// An error about `key`.
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
