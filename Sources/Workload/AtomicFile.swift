import Foundation

/// Writes files so readers never see a partial one: the text goes to a
/// temporary file in the same directory, which is then renamed into place.
public enum AtomicFile {
    /// Writes `text` to `path` atomically; throws ``LoadSeriesError/unwritable(file:reason:)``.
    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try Data(text.utf8).write(to: temp)
            if rename(temp.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temp)
                throw LoadSeriesError.unwritable(file: path, reason: reason)
            }
        } catch let error as LoadSeriesError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw LoadSeriesError.unwritable(file: path, reason: FileProblem.reason(error))
        }
    }
}
