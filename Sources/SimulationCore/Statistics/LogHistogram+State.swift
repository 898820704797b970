extension LogHistogram {
    /// A histogram's whole content as plain values, for files that carry
    /// histograms between processes to be merged there (a sharded sweep's
    /// part files): only the non-empty buckets are listed, so a state is
    /// small when the values span few buckets.
    ///
    /// `LogHistogram(state: h.state) == h` for every histogram `h`.
    public struct State: Sendable, Equatable, Codable {
        /// The non-empty buckets as `[index, count]` pairs, by index.
        public var buckets: [[UInt64]]
        /// Values below ``LogHistogram/lowestTrackable``.
        public var zeroCount: UInt64
        /// Values above the top of the range.
        public var overflowCount: UInt64
        /// Number of recorded values.
        public var count: UInt64
        /// Exact sum of recorded values.
        public var sum: Double
        /// Smallest value (`+inf` when empty).
        public var min: Double
        /// Largest value (`-inf` when empty).
        public var max: Double
    }

    /// This histogram's content.
    /// - Complexity: O(buckets).
    public var state: State {
        var buckets: [[UInt64]] = []
        for (index, c) in counts.enumerated() where c > 0 { buckets.append([UInt64(index), c]) }
        return State(buckets: buckets, zeroCount: zeroCount, overflowCount: overflowCount, count: count, sum: sum, min: min, max: max)
    }

    /// The histogram whose content `state` is; nil when a bucket index is
    /// out of range, a pair is not two numbers, or the counts do not add
    /// up to `count`.
    public init?(state: State) {
        self.init()
        var total = state.zeroCount
        for pair in state.buckets {
            guard pair.count == 2, pair[0] < UInt64(counts.count) else { return nil }
            counts[Int(pair[0])] &+= pair[1]
            total &+= pair[1]
        }
        guard total == state.count, state.overflowCount <= state.count else { return nil }
        zeroCount = state.zeroCount
        overflowCount = state.overflowCount
        count = state.count
        sum = state.sum
        min = state.min
        max = state.max
    }
}

extension LogHistogram.State {
    /// Adds every value recorded in `other`, without expanding either into
    /// a whole histogram: the bucket lists are merged in index order. The
    /// counts, minimum and maximum come out the same in any merge order;
    /// ``sum``, a float, may differ in its last bits.
    /// - Complexity: O(non-empty buckets of both).
    public mutating func merge(_ other: LogHistogram.State) {
        var merged: [[UInt64]] = []
        merged.reserveCapacity(Swift.max(buckets.count, other.buckets.count))
        var i = 0, j = 0
        while i < buckets.count || j < other.buckets.count {
            if j == other.buckets.count || (i < buckets.count && buckets[i][0] < other.buckets[j][0]) {
                merged.append(buckets[i]); i += 1
            } else if i == buckets.count || other.buckets[j][0] < buckets[i][0] {
                merged.append(other.buckets[j]); j += 1
            } else {
                merged.append([buckets[i][0], buckets[i][1] &+ other.buckets[j][1]]); i += 1; j += 1
            }
        }
        buckets = merged
        zeroCount &+= other.zeroCount
        overflowCount &+= other.overflowCount
        count &+= other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// An empty histogram's state.
    public static var empty: LogHistogram.State {
        LogHistogram.State(buckets: [], zeroCount: 0, overflowCount: 0, count: 0, sum: 0, min: .infinity, max: -.infinity)
    }
}
