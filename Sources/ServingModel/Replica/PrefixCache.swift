import DequeModule

/// One replica's KV block pool with vLLM's automatic prefix caching (V1
/// `block_pool.py`): full blocks are cached under their chained hash;
/// free blocks wait in one queue, and a new block is taken from its head,
/// evicting the cached block it held (LRU: blocks join the tail when their
/// last user lets go, a request's blocks last-first so its tail goes
/// before its prefix). A cached block in use by several requests is one
/// block (reference counts); a hit on a free cached block takes it out of
/// the queue. Free blocks are the never-used ones (at the queue's head)
/// plus the queue's live entries; the replica's `freeBlocks` counts them.
struct PrefixCache: Sendable {
    /// A cached block: its users and, while free, its place in the queue.
    struct Entry: Sendable {
        /// Requests holding it.
        var refs: Int32
        /// The stamp of its queue entry while free (0: not in the queue).
        var stamp: UInt32
    }

    /// A free block in the queue: a cached one (`hash`, `stamp`) or a
    /// plain one (`hash` 0).
    struct Freed: Sendable {
        var hash: UInt64
        var stamp: UInt32
    }

    /// Cached blocks by hash.
    private(set) var table: [UInt64: Entry] = [:]
    /// Freed blocks, head first (entries whose block was hit since are stale).
    private(set) var queue = Deque<Freed>()
    /// Never-used blocks, ahead of the queue.
    private(set) var pristine: Int
    /// Cached blocks evicted so far.
    private(set) var evictions = 0
    private var nextStamp: UInt32 = 1

    /// A pool of `blocks` never-used blocks.
    init(blocks: Int) { pristine = blocks }

    /// The users of cached block `h` (nil: not cached).
    @inline(__always) func refs(_ h: UInt64) -> Int32? { table[h]?.refs }

    /// A hit on cached block `h`: one more user. True when the block was
    /// free (it leaves the free blocks).
    @inline(__always) mutating func touch(_ h: UInt64) -> Bool {
        guard var e = table[h] else { return false }
        let wasFree = e.refs == 0
        e.refs += 1
        e.stamp = 0
        table[h] = e
        return wasFree
    }

    /// Takes `n` free blocks from the head of the queue, evicting the
    /// cached ones among them; returns how many were evicted.
    mutating func allocate(_ n: Int) -> Int {
        var left = n, evicted = 0
        let fromPristine = min(left, pristine)
        pristine -= fromPristine
        left -= fromPristine
        while left > 0, let f = queue.popFirst() {
            if f.hash == 0 { left -= 1; continue }
            guard let e = table[f.hash], e.refs == 0, e.stamp == f.stamp else { continue }  // stale
            table[f.hash] = nil
            evicted += 1
            left -= 1
        }
        evictions += evicted
        return evicted
    }

    /// A block the request just filled gets hash `h` (one user). False when
    /// `h` is cached already (the request's copy stays plain).
    @inline(__always) mutating func register(_ h: UInt64) -> Bool {
        if table[h] != nil { return false }
        table[h] = Entry(refs: 1, stamp: 0)
        return true
    }

    /// A user lets go of cached block `h`; true when it became free.
    @inline(__always) mutating func release(_ h: UInt64) -> Bool {
        guard var e = table[h] else { return false }
        e.refs -= 1
        if e.refs > 0 {
            table[h] = e
            return false
        }
        e.stamp = nextStamp
        nextStamp &+= 1
        if nextStamp == 0 { nextStamp = 1 }
        table[h] = e
        queue.append(Freed(hash: h, stamp: e.stamp))
        return true
    }

    /// A plain (uncached) block is freed: it joins the queue's tail.
    @inline(__always) mutating func releasePlain(_ n: Int) {
        for _ in 0..<n { queue.append(Freed(hash: 0, stamp: 0)) }
    }

    /// Everything is lost (the replica crashed): `blocks` never-used blocks.
    mutating func reset(blocks: Int) {
        table.removeAll()
        queue.removeAll()
        pristine = blocks
    }

    /// Free blocks: never-used plus live queue entries (a check for tests; O(queue)).
    var freeCount: Int {
        pristine + queue.reduce(0) { n, f in
            if f.hash == 0 { return n + 1 }
            guard let e = table[f.hash], e.refs == 0, e.stamp == f.stamp else { return n }
            return n + 1
        }
    }
}
