/// A model config, GPU name or profile setting Headroom cannot use, with
/// the file and key that say why.
package struct ModelProfileError: Error, CustomStringConvertible, Equatable {
    /// The file (empty: a command-line setting).
    package var file: String
    /// The key path within it (nil: the whole file).
    package var key: String?
    /// What is wrong and what was expected.
    package var message: String

    /// An error.
    package init(file: String, key: String?, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    /// `file: key: message`.
    package var description: String {
        [file.isEmpty ? nil : file, key].compactMap { $0 }.joined(separator: ": ") + (file.isEmpty && key == nil ? "" : ": ") + message
    }
}
