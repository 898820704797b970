import Foundation

/// A thread that watches the input being run: past the time limit, or with
/// the process past the memory limit, it keeps the input as a finding and
/// ends the process (a hang or a runaway allocation cannot be caught from
/// inside the call that suffers it).
enum Watchdog {
    nonisolated(unsafe) static var started = 0.0
    nonisolated(unsafe) static var running = false
    nonisolated(unsafe) static var peakRSSBytes = 0

    static func begin() { started = Date().timeIntervalSinceReferenceDate; running = true }
    static func end() { running = false }

    /// Resident set size from `/proc/self/statm` (0 where it cannot be read).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func start(current: String, hangSeconds: Double, maxRSSBytes: Int) {
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                let rss = residentBytes()
                peakRSSBytes = max(peakRSSBytes, rss)
                let kind: String?
                if rss > maxRSSBytes { kind = "oom" } else if running && Date().timeIntervalSinceReferenceDate - started > hangSeconds { kind = "hang" } else { kind = nil }
                guard let kind else { continue }
                let url = URL(fileURLWithPath: current)
                let kept = url.deletingLastPathComponent().appendingPathComponent("\(kind)-\(url.lastPathComponent)").path
                _ = rename(current, kept)
                FileHandle.standardError.write(Data("headroom-fuzz: \(kind == "oom" ? "resident size \(rss >> 20) MiB" : "no answer in \(Int(hangSeconds)) s"); input kept as \(kept)\n".utf8))
                exit(kind == "oom" ? 4 : 3)
            }
        }
        thread.start()
    }
}
