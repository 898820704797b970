/// Simulated time in seconds since the start of a run.
///
/// A plain `Double` keeps events small and comparisons cheap; every duration
/// in Headroom's engine is expressed in seconds.
public typealias SimulationTime = Double

/// The event calendar: a binary min-heap ordered by time, then by insertion
/// sequence, so events scheduled for the same instant fire in the order they
/// were scheduled and results never depend on heap internals.
///
/// ```swift
/// var queue = EventQueue<Int>()
/// queue.push(2, at: 1.0)
/// queue.push(1, at: 1.0)
/// queue.pop()   // (time: 1.0, event: 2) — scheduled first
/// ```
///
/// - Complexity: `push` and `pop` are O(log n); `peekTime` is O(1).
public struct EventQueue<Event> {
    /// One pending event. Kept small: time, sequence number and a payload.
    @usableFromInline
    struct Entry {
        @usableFromInline var time: SimulationTime
        @usableFromInline var sequence: UInt64
        @usableFromInline var event: Event

        @inlinable
        init(time: SimulationTime, sequence: UInt64, event: Event) {
            self.time = time
            self.sequence = sequence
            self.event = event
        }

        @inlinable
        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    @usableFromInline var _storage: ContiguousArray<Entry>
    @usableFromInline var _nextSequence: UInt64

    /// An empty calendar.
    @inlinable
    public init() {
        _storage = []
        _nextSequence = 0
    }

    /// Number of pending events.
    @inlinable public var count: Int { _storage.count }

    /// Whether no event is pending.
    @inlinable public var isEmpty: Bool { _storage.isEmpty }

    /// Time of the earliest pending event, if any.
    @inlinable public var peekTime: SimulationTime? { _storage.first?.time }

    /// Adds an event at an absolute time.
    @inlinable
    public mutating func push(_ event: Event, at time: SimulationTime) {
        let entry = Entry(time: time, sequence: _nextSequence, event: event)
        _nextSequence &+= 1
        _storage.append(entry)
        _storage.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) >> 1
                if !entry.precedes(heap[parent]) { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = entry
        }
    }

    /// Removes and returns the earliest event (ties: first scheduled first).
    @inlinable
    public mutating func pop() -> (time: SimulationTime, event: Event)? {
        guard let last = _storage.popLast() else { return nil }
        if _storage.isEmpty { return (last.time, last.event) }
        let top = _storage[0]
        _storage.withUnsafeMutableBufferPointer { heap in
            let n = heap.count
            var parent = 0
            while true {
                var child = 2 * parent + 1
                if child >= n { break }
                if child + 1 < n && heap[child + 1].precedes(heap[child]) { child += 1 }
                if !heap[child].precedes(last) { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = last
        }
        return (top.time, top.event)
    }

    /// Drops every pending event.
    @inlinable
    public mutating func removeAll() {
        _storage.removeAll(keepingCapacity: true)
    }
}
