import SimulationCore

/// vLLM's automatic prefix caching in continuous batching
/// (`replicas.batching.prefix_caching`): admission looks up the longest
/// run of cached full blocks, which skip prefill; freed blocks stay cached
/// until evicted. Off, none of this runs.
extension ReplicaPool {
    /// A prefix-cache lookup's outcome for one waiting request.
    struct PrefixLookup {
        /// Leading blocks found cached.
        var hitBlocks = 0
        /// Of those, blocks that were free (they leave the free blocks).
        var freeHits = 0
        /// Full blocks of the prefill target (hashes in `hashScratch`).
        var fullBlocks = 0
    }


    /// Whether the replicas cache prefixes.
    var cachesPrefixes: Bool { @inline(__always) get { !caches.isEmpty } }

    /// Records what request `id` (just inserted) is made of, for the prefix
    /// cache; a no-op without prefix caching.
    mutating func describe(_ id: Int32, _ content: PromptContent, requests: RequestTable) {
        guard !caches.isEmpty else { return }
        var c = content
        c.serial = nextSerial
        nextSerial &+= 1
        c.generation = requests[id].generation
        c.cached = 0
        store(c, at: id)
    }

    /// Copies request `from`'s content to request `to` (a gateway retry of
    /// the same prompt).
    mutating func copyContent(from: Int32, to: Int32, requests: RequestTable) {
        guard !caches.isEmpty, Int(from) < contents.count, contents[Int(from)].generation == requests[from].generation else { return }
        var c = contents[Int(from)]
        c.generation = requests[to].generation
        c.cached = 0
        store(c, at: to)
    }

    private mutating func store(_ c: PromptContent, at id: Int32) {
        if Int(id) >= contents.count {
            contents.append(contentsOf: repeatElement(PromptContent(), count: Int(id) + 1 - contents.count))
        }
        contents[Int(id)] = c
    }

    /// Request `id`'s content; one never described gets a unique one.
    mutating func content(of id: Int32, requests: RequestTable) -> PromptContent {
        if Int(id) < contents.count, contents[Int(id)].generation == requests[id].generation, contents[Int(id)].serial != 0 {
            return contents[Int(id)]
        }
        describe(id, PromptContent(), requests: requests)
        return contents[Int(id)]
    }

    /// Looks up request `id`'s prefill target (`target` tokens) in replica
    /// `r`'s cache: at most the full blocks of its first `target − 1`
    /// tokens can hit (vLLM always computes the last token, so a full hit
    /// recomputes the whole last block). Leaves the target's full-block
    /// hashes in `hashScratch`.
    mutating func lookUpPrefix(_ id: Int32, replica r: Int, target: Int, requests: RequestTable) -> PrefixLookup {
        let c = content(of: id, requests: requests)
        var out = PrefixLookup()
        out.fullBlocks = target / blockSize
        hashScratch.removeAll(keepingCapacity: true)
        var hashes = BlockHashes(content: c, prompt: Int(requests[id].prompt), blockSize: blockSize)
        for _ in 0..<out.fullBlocks { hashScratch.append(hashes.next()) }
        let most = max(0, target - 1) / blockSize
        while out.hitBlocks < most, let refs = caches[r].refs(hashScratch[out.hitBlocks]) {
            if refs == 0 { out.freeHits += 1 }
            out.hitBlocks += 1
        }
        return out
    }

    /// Admits request `id` to replica `r`'s cache after a lookup: its hits
    /// gain a user, `need − hits` blocks come off the free queue (evicting),
    /// and the target's other full blocks are registered. Returns the
    /// blocks taken from the free blocks.
    mutating func admitCached(_ id: Int32, replica r: Int, lookup: PrefixLookup, need: Int, now: Double,
                              requests: inout RequestTable, recorder: inout Recorder) -> Int {
        for i in 0..<lookup.hitBlocks { _ = caches[r].touch(hashScratch[i]) }
        let evicted = caches[r].allocate(need - lookup.hitBlocks)
        var cached = lookup.hitBlocks
        while cached < min(lookup.fullBlocks, need), caches[r].register(hashScratch[cached]) { cached += 1 }
        contents[Int(id)].cached = Int32(cached)
        let req = requests[id]
        recorder.onPrefixLookup(prompt: Int(req.prompt), hit: lookup.hitBlocks * blockSize, first: req.generated == 0,
                                evicted: evicted, now: now)
        return need - lookup.hitBlocks + lookup.freeHits
    }

    /// Takes `n` new blocks for a running sequence off replica `r`'s free
    /// queue (evicting cached blocks at its head).
    @inline(__always) mutating func takeCachedBlocks(_ n: Int, replica r: Int, now: Double, recorder: inout Recorder) {
        let evicted = caches[r].allocate(n)
        if evicted > 0 { recorder.onPrefixEvictions(evicted, now: now) }
    }

    /// Frees request `id`'s blocks at replica `r` (finished, preempted or
    /// aborted): its computed full blocks stay cached (generated tokens'
    /// blocks included), and join the free queue tail-first when their last
    /// user lets go, after its uncached blocks.
    mutating func releaseBlocks(of id: Int32, replica r: Int, now: Double, requests: inout RequestTable, recorder: inout Recorder) {
        let req = requests[id]
        let held = Int(req.blocks)
        requests.slots[Int(id)].blocks = 0
        guard !caches.isEmpty else {
            changeBlocks(-held, replica: r, now: now, recorder: &recorder)
            return
        }
        let c = content(of: id, requests: requests)
        let computed = req.generated > 0 ? Int(req.prompt + req.generated) - 1 : Int(req.prefilled)
        let full = min(held, computed / blockSize)
        var cached = min(Int(c.cached), held)
        hashScratch.removeAll(keepingCapacity: true)
        var hashes = BlockHashes(content: c, prompt: Int(req.prompt), blockSize: blockSize)
        for _ in 0..<max(full, cached) { hashScratch.append(hashes.next()) }
        while cached < full, caches[r].register(hashScratch[cached]) { cached += 1 }
        caches[r].releasePlain(held - cached)
        var freed = held - cached
        var i = cached - 1
        while i >= 0 {
            if caches[r].release(hashScratch[i]) { freed += 1 }
            i -= 1
        }
        contents[Int(id)].cached = 0
        changeBlocks(-freed, replica: r, now: now, recorder: &recorder)
    }
}
