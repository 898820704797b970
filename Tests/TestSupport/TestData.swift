import Foundation

/// The repository's files and fresh temporary files, for tests of any target.
package enum TestData {
    /// The repository root (two levels above this file's folder).
    package static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of `relative` under the repository root, e.g. `examples/mmc-check.yaml`.
    package static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// A file under the repository's `data/` folder.
    package static func data(_ relative: String) -> String {
        root.appendingPathComponent("data").appendingPathComponent(relative).path
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    package static func write(_ text: String, suffix: String = ".csv") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("headroom-test-\(UUID().uuidString)\(suffix)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes `text` as `name` in a fresh temporary folder and returns its
    /// path: for files whose name matters, or that refer to siblings.
    package static func write(_ text: String, name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hr-scn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
