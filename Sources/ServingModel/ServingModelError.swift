/// A configuration the serving model cannot simulate, naming the setting.
package struct ServingModelError: Error, CustomStringConvertible, Sendable {
    /// The setting at fault (a scenario key path).
    package var key: String
    /// What is wrong and what was expected.
    package var message: String

    /// An error about `key`.
    package init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    package var description: String { "\(key): \(message)" }

    /// This error with its key's leading `prefix` (a whole path component,
    /// such as a toolbox component's own `upstream`) replaced by `path`,
    /// the scenario key where the component is configured; other keys are
    /// kept.
    package func rooted(from prefix: String, at path: String) -> ServingModelError {
        guard key == prefix || key.hasPrefix(prefix + ".") || key.hasPrefix(prefix + "[") else { return self }
        return ServingModelError(key: path + key.dropFirst(prefix.count), message)
    }
}
