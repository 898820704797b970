import Foundation

/// Progress of a long command on stderr — the stage, its number of the
/// stages expected, the time elapsed and, within a stage whose work is
/// counted, an estimate of the time left — written only when stderr is a
/// terminal, so piped and redirected output stays byte-identical.
/// Each line replaces the previous one (carriage return); ``finish()``
/// clears it.
final class CommandProgress: @unchecked Sendable {
    private let start = Date()
    private let enabled: Bool
    private let total: Int
    private var done = 0
    private var stageName = ""
    private var stageStart = Date()
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
        stageName = name
        stageStart = Date()
        show(String(format: "(%.0f s elapsed)", Date().timeIntervalSince(start)))
    }

    /// Within the current stage, `finished` of its `count` pieces of work
    /// are done: the line adds them and the time left at the stage's pace so
    /// far (pieces run side by side, so it is an estimate).
    func finished(_ finished: Int, of count: Int) {
        guard enabled, finished > 0, count > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let inStage = now.timeIntervalSince(stageStart)
        let left = inStage / Double(finished) * Double(max(0, count - finished))
        show(String(format: "%d/%d done (%.0f s elapsed, about %.0f s left in this stage)",
                    finished, count, now.timeIntervalSince(start), left))
    }

    private func show(_ detail: String) {
        let line = "headroom: [\(min(done, total))/\(total)] \(stageName) \(detail)"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// Clears the progress line.
    func finish() {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + String(format: "headroom: done in %.0f s\n", elapsed)).utf8))
    }
}
