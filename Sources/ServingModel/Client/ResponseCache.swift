/// A client-side response cache over integer request keys: least recently
/// used eviction at `capacity` entries, and an optional time to live from
/// the moment an entry is stored (field practice, docs/mechanisms.md#field-figures: in-process LRU of 128–1,024
/// entries, TTL caches of 300 s, shared caches with a 1 h TTL). It stores
/// only which keys are cached: in the simulation a hit is a request that
/// never reaches the service. An expired entry is a miss and is dropped
/// when looked up, so an expired entry nobody asks for keeps its slot until
/// it is the least recently used; a hit refreshes recency but not the
/// expiry (as Python's `cachetools.TTLCache`, tkem/cachetools
/// `src/cachetools/__init__.py` [src]). Differs from the source: `TTLCache`
/// removes every expired entry before each store, so there an expired
/// entry never holds a slot.
///
/// ```swift
/// var cache = ResponseCache(capacity: 128, timeToLive: 300)
/// if !cache.lookup(42, now: t) { /* call the API, then */ cache.insert(42, now: t2) }
/// ```
///
/// - Complexity: O(1) expected per call.
package struct ResponseCache: Sendable, Equatable {
    /// Most entries held.
    package let capacity: Int
    /// Seconds an entry stays valid after it is stored (`.infinity`: forever).
    package let timeToLive: Double
    private var slots: [Int: Int] = [:]
    private var keys: [Int] = []
    private var expiries: [Double] = []
    private var previous: [Int] = []
    private var next: [Int] = []
    private var head = -1  // most recently used
    private var tail = -1  // least recently used
    private var free: [Int] = []

    /// Entries never expire unless a time to live is given.
    package static let defaultTimeToLive = Double.infinity

    /// A cache of `capacity` entries, each valid for `timeToLive` seconds.
    package init(capacity: Int, timeToLive: Double = defaultTimeToLive) {
        self.capacity = capacity
        self.timeToLive = timeToLive
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the cache's mapping (`client.cache`).
    package func validate(at path: String = "client.cache") throws(ServingModelError) {
        try ServingModelError.check(capacity >= 1, path + ".capacity", capacity, "an integer >= 1")
        try ServingModelError.check(timeToLive > 0, path + ".ttl", timeToLive, "a duration > 0")
    }

    /// Entries held (some may have expired but not yet been looked up).
    package var count: Int { slots.count }

    /// Keys from most to least recently used.
    package var keysByRecency: [Int] {
        var out: [Int] = []
        var i = head
        while i >= 0 {
            out.append(keys[i])
            i = next[i]
        }
        return out
    }

    /// Whether `key` is cached and fresh at `now`; a hit becomes the most
    /// recently used entry, an expired entry is removed.
    package mutating func lookup(_ key: Int, now: Double) -> Bool {
        guard let s = slots[key] else { return false }
        if now >= expiries[s] {
            unlink(s)
            slots[key] = nil
            free.append(s)
            return false
        }
        unlink(s)
        pushFront(s)
        return true
    }

    /// Stores `key` at `now` (or refreshes it), evicting the least recently
    /// used entry when full.
    package mutating func insert(_ key: Int, now: Double) {
        if let s = slots[key] {
            expiries[s] = now + timeToLive
            unlink(s)
            pushFront(s)
            return
        }
        if slots.count >= capacity, tail >= 0 {
            let victim = tail
            unlink(victim)
            slots[keys[victim]] = nil
            free.append(victim)
        }
        let s: Int
        if let reused = free.popLast() {
            s = reused
            keys[s] = key
            expiries[s] = now + timeToLive
        } else {
            s = keys.count
            keys.append(key)
            expiries.append(now + timeToLive)
            previous.append(-1)
            next.append(-1)
        }
        slots[key] = s
        pushFront(s)
    }

    private mutating func unlink(_ s: Int) {
        if previous[s] >= 0 { next[previous[s]] = next[s] } else { head = next[s] }
        if next[s] >= 0 { previous[next[s]] = previous[s] } else { tail = previous[s] }
        previous[s] = -1
        next[s] = -1
    }

    private mutating func pushFront(_ s: Int) {
        next[s] = head
        previous[s] = -1
        if head >= 0 { previous[head] = s }
        head = s
        if tail < 0 { tail = s }
    }
}
