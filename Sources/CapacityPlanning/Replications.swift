import Foundation

/// Runs independent replications on all cores and returns their results in
/// replication order (so output never depends on thread timing).
enum Replications {
    /// Stack of each worker thread. A simulation keeps its whole state (a
    /// model struct of over 8 KiB) on its thread's stack, and unoptimised
    /// builds give its handlers large frames. On libdispatch's worker
    /// threads (`concurrentPerform`, before) a debug build's replications
    /// read garbage (a NaN latency bin where none can arise) once the model
    /// grew by a few bytes, and the same runs are clean on threads with this
    /// much room: the stack, not the model, was at fault.
    static let workerStackSize = 32 << 20

    /// Results of `body(0..<count)`, computed concurrently on at most one
    /// thread per core.
    static func run<T: Sendable>(count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let box = ResultBox<T>(count: count)
        let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount))
        let done = DispatchGroup()
        for _ in 0..<workers {
            done.enter()
            let thread = Thread {
                while let i = box.claim() { box.store(i, Result { try body(i) }) }
                done.leave()
            }
            thread.stackSize = workerStackSize
            thread.start()
        }
        done.wait()
        return try box.values()
    }
}

/// Thread-safe slots for concurrent results, and the next index to compute.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private var next = 0
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// The next replication to run, or nil when all are taken.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ i: Int, _ r: Result<T, Error>) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }

    func values() throws -> [T] {
        try slots.map { try $0!.get() }
    }
}
