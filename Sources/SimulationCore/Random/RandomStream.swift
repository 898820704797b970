/// A seeded, fast pseudo-random generator (xoshiro256**) that derives
/// independent, named sub-streams deterministically from one seed.
///
/// A stream's children depend only on its *key* (the seed and the path of
/// names that led to it), never on how many numbers it has drawn, so adding a
/// component never shifts another component's numbers:
///
/// ```swift
/// let root = RandomStream(seed: 7)
/// var arrivals = root.stream("arrivals/client-3")
/// var sizes = root.stream("sizes")
/// let u = arrivals.nextUniform()          // in [0, 1)
/// ```
///
/// - Complexity: O(1) per draw; `stream(_:)` is O(length of the name).
public struct RandomStream: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64
    /// Identifies this stream; children are derived from it.
    public let key: UInt64

    /// The root stream of a run.
    public init(seed: UInt64) {
        self.init(key: RandomStream.mix(seed ^ 0x6A09_E667_F3BC_C908))
    }

    init(key: UInt64) {
        self.key = key
        var sm = key
        s0 = RandomStream.splitMix(&sm)
        s1 = RandomStream.splitMix(&sm)
        s2 = RandomStream.splitMix(&sm)
        s3 = RandomStream.splitMix(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// An independent child stream named `name` (e.g. `"arrivals/client-3"`).
    public func stream(_ name: String) -> RandomStream {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the UTF-8 bytes
        for byte in name.utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return RandomStream(key: RandomStream.mix(key &+ RandomStream.mix(h)))
    }

    /// An independent child stream for an integer index (replication `i`).
    public func stream(_ index: Int) -> RandomStream {
        RandomStream(key: RandomStream.mix(key ^ RandomStream.mix(UInt64(bitPattern: Int64(index)) &+ 0x5851_F42D_4C95_7F2D)))
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in (0, 1]: safe for `log`.
    @inlinable
    public mutating func nextOpenUniform() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` (bound > 0), without modulo bias.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next(upperBound: UInt64(bound)))
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
