import Foundation

/// Runs independent replications on all cores and returns their results in
/// replication order (so output never depends on thread timing).
enum Replications {
    /// Results of `body(0..<count)`, computed concurrently; `finished`, if
    /// given, is told how many have finished each time one does.
    static func run<T: Sendable>(count: Int, finished: (@Sendable (Int) -> Void)? = nil, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let box = ResultBox<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let n = box.store(i, Result { try body(i) })
            finished?(n)
        }
        return try box.values()
    }
}

/// Thread-safe slots for concurrent results.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private var stored = 0
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// Stores result `i`; returns how many are stored.
    @discardableResult
    func store(_ i: Int, _ r: Result<T, Error>) -> Int {
        lock.lock()
        defer { lock.unlock() }
        slots[i] = r
        stored += 1
        return stored
    }

    func values() throws -> [T] {
        try slots.map { try $0!.get() }
    }
}
