import Foundation

/// Runs independent replications on all cores and returns their results in
/// replication order (so output never depends on thread timing).
enum Replications {
    /// Results of `body(0..<count)`, computed concurrently.
    static func run<T: Sendable>(count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let box = ResultBox<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            box.store(i, Result { try body(i) })
        }
        return try box.values()
    }
}

/// Thread-safe slots for concurrent results.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
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
