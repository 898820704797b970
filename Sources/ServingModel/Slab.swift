/// What a ``Slab`` stores: a value with a reuse counter, which the slab
/// bumps each time the slot is reused so that stale timers can tell.
package protocol SlabElement: Sendable {
    /// Reuse counter of the slot.
    var generation: UInt32 { get set }
    /// Marks the value as freed (its slot may be reused).
    mutating func release()
}

/// Values indexed by `Int32` ids, with a free list, so memory is bounded by
/// the values alive, not by the values ever stored (requests in flight,
/// user requests in flight).
///
/// - Complexity: O(1) amortised per insert and remove.
package struct Slab<Element: SlabElement>: Sendable {
    /// The slots; index with an id from ``insert(_:)``.
    package var slots: ContiguousArray<Element> = []
    private var free: [Int32] = []
    /// Values currently held.
    package private(set) var live = 0

    /// An empty slab.
    package init() {}

    /// Stores a value; returns its id.
    package mutating func insert(_ value: Element) -> Int32 {
        live += 1
        if let id = free.popLast() {
            let generation = slots[Int(id)].generation &+ 1
            slots[Int(id)] = value
            slots[Int(id)].generation = generation
            return id
        }
        slots.append(value)
        return Int32(slots.count - 1)
    }

    /// Frees a slot.
    package mutating func remove(_ id: Int32) {
        slots[Int(id)].release()
        free.append(id)
        live -= 1
    }

    /// Access by id.
    @inlinable
    package subscript(id: Int32) -> Element {
        get { slots[Int(id)] }
        set { slots[Int(id)] = newValue }
    }
}
