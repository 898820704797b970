import Foundation

/// Runs independent pieces of work (replications, a sweep's runs, a plan's
/// tracks) side by side and returns their results in index order, so output
/// never depends on thread timing.
package enum Replications {
    /// Results of `body(0..<count)`, in index order; the first error in
    /// index order if any piece threw. `jobs` caps the threads (each takes
    /// the next index in turn; 1 runs them one after another in order);
    /// nil leaves the width to the system (one per core).
    package static func run<T: Sendable>(count: Int, jobs: Int? = nil, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let box = ResultBox<T>(count: count)
        if let jobs {
            let threads = max(1, min(jobs, count))
            if threads == 1 {
                for i in 0..<count { box.store(i, Result { try body(i) }) }
            } else {
                DispatchQueue.concurrentPerform(iterations: threads) { _ in
                    while let i = box.take() { box.store(i, Result { try body(i) }) }
                }
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: count) { i in
                box.store(i, Result { try body(i) })
            }
        }
        return try box.values()
    }
}

/// Thread-safe slots for concurrent results, and the next index to take.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private var next = 0
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func take() -> Int? {
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
