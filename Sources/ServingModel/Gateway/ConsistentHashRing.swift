/// A consistent-hash ring (ring hash; Envoy's load balancers page [src] for
/// `ring_hash` and its property that adding or removing one of N hosts
/// moves about 1/N of the keys).
///
/// Each host owns `pointsPerWeight × weight` points, at the hashes of
/// (host, point index); a key goes to the owner of the first point at or
/// after the key's hash, wrapping around. Unlike Envoy, which rescales every
/// host's point count to fill `minimum_ring_size` (1024) when the host set
/// changes, the points per host are fixed here (the ketama scheme for equal
/// weights, RJ/ketama `libketama/ketama.c` [src]), so a change moves only
/// the keys of the added or removed host. Hashes are a 64-bit SplitMix
/// finaliser, not Envoy's xxHash. Differs from the source: ketama gives a
/// server `4·floor(40·N·w/Σw)` points, its share of the total weight, and
/// hashes with MD5, so with unequal weights every server's count changes
/// when one joins or leaves; here a host keeps `pointsPerWeight × weight`.
///
/// - Complexity: O(log points) per lookup; O(points) per host change.
package struct ConsistentHashRing: Sendable, Equatable {
    /// Points per unit of weight (ketama uses 160 per server: "40 hashes,
    /// 4 numbers per hash = 160 points per server", `ketama.c` [src]).
    package let pointsPerWeight: Int
    /// Ring points sorted by hash: (hash, host).
    private var points: [(hash: UInt64, host: Int)] = []

    /// An empty ring.
    package init(pointsPerWeight: Int = 160) {
        self.pointsPerWeight = pointsPerWeight
    }

    /// A ring over hosts `0..<hosts`, each of weight 1.
    package init(hosts: Int, pointsPerWeight: Int = 160) {
        self.init(pointsPerWeight: pointsPerWeight)
        for h in 0..<hosts { add(host: h) }
    }

    package static func == (a: Self, b: Self) -> Bool {
        a.pointsPerWeight == b.pointsPerWeight && a.points.elementsEqual(b.points) { $0 == $1 }
    }

    /// Checks the parameters, naming the first bad one.
    package func validate() throws(ServingModelError) {
        try ServingModelError.check(pointsPerWeight >= 1, "ring_hash.points_per_weight", pointsPerWeight, "an integer >= 1")
    }

    /// Hosts on the ring, ascending.
    package var hosts: [Int] { Array(Set(points.map(\.host))).sorted() }

    /// Adds `host` with `weight` (an integer >= 1) unless it is present.
    package mutating func add(host: Int, weight: Int = 1) {
        guard !points.contains(where: { $0.host == host }) else { return }
        for i in 0..<(pointsPerWeight * weight) {
            points.append((Self.hash(UInt64(bitPattern: Int64(host)) &* 0x1_0000_0001 &+ UInt64(i)), host))
        }
        points.sort { ($0.hash, $0.host) < ($1.hash, $1.host) }
    }

    /// Removes `host` and its points.
    package mutating func remove(host: Int) {
        points.removeAll { $0.host == host }
    }

    /// The host owning `key`, or `nil` when the ring is empty.
    package func host(forKey key: UInt64) -> Int? {
        guard !points.isEmpty else { return nil }
        let h = Self.hash(key ^ 0x5DEE_CE66_D1CE_4E5B)
        var lo = 0
        var hi = points.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].hash < h { lo = mid + 1 } else { hi = mid }
        }
        return points[lo == points.count ? 0 : lo].host
    }

    /// SplitMix64's finaliser: a fast, well-mixed 64-bit hash.
    static func hash(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
