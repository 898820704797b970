/// Maglev consistent hashing (Eisenbud et al., NSDI 2016; Envoy's `maglev`
/// load balancer, table size 65,537, `maglev.proto` [src]). Each host
/// walks its own permutation of the table's slots, `(offset + j·skip) mod
/// M`, with `offset` and `skip` from two hashes of the host; hosts take
/// turns claiming their next free slot until the table is full. So every
/// host owns ⌊M/N⌋ or ⌈M/N⌉ slots, and removing a host moves mostly its
/// own slots. A key goes to the host in slot `hash(key) mod M`.
///
/// Weighted hosts (Envoy's weighted Maglev, `maglev_lb.cc` [src]): in round
/// `k` a host of weight `w` claims a slot only while `k · w` has reached
/// its next threshold, which then rises by the largest weight, so a host
/// of the largest weight claims every round and one of a third of it every
/// third round: slots in proportion to the weights.
///
/// - Complexity: O(M · N) worst case to build (about M log M for a filled
///   table), O(1) per lookup.
package struct MaglevTable: Sendable, Equatable {
    /// Table size M, a prime (Envoy's default 65,537).
    package let size: Int
    /// The hosts the table was built over, ascending.
    package let hosts: [Int]
    /// Slot → host.
    private let entries: [Int32]

    /// A table over `hosts`, weighted by `weights[host]` (nil: equal).
    package init(hosts: [Int], weights: [Double]? = nil, size: Int = 65_537) {
        self.size = size
        self.hosts = hosts.sorted()
        guard !hosts.isEmpty else {
            entries = []
            return
        }
        let weight = self.hosts.map { weights?[$0] ?? 1 }
        let heaviest = weight.max()!
        let m = UInt64(size)
        let perms = self.hosts.map { h -> (offset: UInt64, skip: UInt64) in
            let key = UInt64(bitPattern: Int64(h))
            return (ConsistentHashRing.hash(key ^ 0x6D61_676C_6576_3031) % m,
                    ConsistentHashRing.hash(key ^ 0x6D61_676C_6576_3032) % (m - 1) + 1)
        }
        var table = [Int32](repeating: -1, count: size)
        var next = [UInt64](repeating: 0, count: perms.count)
        var threshold = [Double](repeating: 0, count: perms.count)
        var filled = 0
        var round = 0.0
        while true {
            round += 1
            for (i, p) in perms.enumerated() {
                if round * weight[i] < threshold[i] { continue }
                threshold[i] += heaviest
                var slot = Int((p.offset &+ next[i] &* p.skip) % m)
                while table[slot] >= 0 {
                    next[i] += 1
                    slot = Int((p.offset &+ next[i] &* p.skip) % m)
                }
                table[slot] = Int32(self.hosts[i])
                next[i] += 1
                filled += 1
                if filled == size {
                    entries = table
                    return
                }
            }
        }
    }

    /// Checks the table size.
    package func validate() throws(ServingModelError) {
        try ServingModelError.check(size >= 2 && Self.isPrime(size), "gateway.balancer.table_size", size, "a prime >= 2 such as 65537")
    }

    /// The host owning `key`, or `nil` when there are no hosts.
    package func host(forKey key: UInt64) -> Int? {
        guard !entries.isEmpty else { return nil }
        return Int(entries[Int(ConsistentHashRing.hash(key ^ 0x5DEE_CE66_D1CE_4E5B) % UInt64(size))])
    }

    /// How many slots `host` owns.
    package func slots(of host: Int) -> Int { entries.reduce(0) { $0 + ($1 == Int32(host) ? 1 : 0) } }

    /// The owners of all slots, in slot order.
    package var owners: [Int] { entries.map(Int.init) }

    static func isPrime(_ n: Int) -> Bool {
        guard n >= 2 else { return false }
        var d = 2
        while d * d <= n {
            if n % d == 0 { return false }
            d += 1
        }
        return true
    }
}
