import Foundation

/// Progress of a long command on stderr — the stage, its number of the
/// stages expected and the time elapsed — written only when stderr is a
/// terminal, so piped and redirected output stays byte-identical.
/// Each line replaces the previous one (carriage return); ``finish()``
/// clears it.
final class PlanProgress: @unchecked Sendable {
    private let start = Date()
    private let enabled: Bool
    private let total: Int
    private var done = 0
    private let lock = NSLock()

    /// Progress over about `stages` stages; silent unless stderr is a terminal.
    init(stages: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = stages
        self.enabled = enabled
    }

    /// Starts the next stage, named `name`.
    func stage(_ name: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        done += 1
        let elapsed = Date().timeIntervalSince(start)
        let line = String(format: "headroom: [%d/%d] %@ (%.0f s elapsed)", min(done, total), total, name, elapsed)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// Clears the progress line.
    func finish() {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + String(format: "headroom: done in %.0f s\n", elapsed)).utf8))
    }
}
