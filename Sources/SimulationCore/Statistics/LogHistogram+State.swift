extension LogHistogram {
    /// A histogram's whole content as plain values, for files that carry
    /// histograms between processes to be merged there (a sharded sweep's
    /// part files): only the non-empty buckets are listed, so a state is
    /// small when the values span few buckets.
    ///
    /// `LogHistogram(state: h.state) == h` for every histogram `h`. Encoded
    /// (`Codable`), the buckets are one string of runs of consecutive
    /// buckets, `"FIRST:COUNT,COUNT,... FIRST:COUNT,..."`, which is about
    /// half the size of a list of pairs and much faster to read.
    public struct State: Sendable, Equatable {
        /// One non-empty bucket.
        public struct Bucket: Sendable, Equatable {
            /// Its index (octave × 256 + sub-bucket).
            public var index: Int
            /// Values in it.
            public var count: UInt64

            /// A bucket.
            public init(index: Int, count: UInt64) {
                self.index = index
                self.count = count
            }
        }

        /// The non-empty buckets, by index.
        public var buckets: [Bucket]
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

        /// A state given directly.
        public init(buckets: [Bucket], zeroCount: UInt64, overflowCount: UInt64, count: UInt64, sum: Double, min: Double, max: Double) {
            self.buckets = buckets
            self.zeroCount = zeroCount
            self.overflowCount = overflowCount
            self.count = count
            self.sum = sum
            self.min = min
            self.max = max
        }
    }

    /// This histogram's content.
    /// - Complexity: O(buckets).
    public var state: State {
        var buckets: [State.Bucket] = []
        for (index, c) in counts.enumerated() where c > 0 { buckets.append(State.Bucket(index: index, count: c)) }
        return State(buckets: buckets, zeroCount: zeroCount, overflowCount: overflowCount, count: count, sum: sum, min: min, max: max)
    }

    /// The histogram whose content `state` is; nil when a bucket index is
    /// out of range or repeated out of order, or the counts do not add up
    /// to `count`.
    public init?(state: State) {
        self.init()
        var total = state.zeroCount
        var previous = -1
        for b in state.buckets {
            guard b.index > previous, b.index < counts.count, b.count > 0 else { return nil }
            counts[b.index] = b.count
            total &+= b.count
            previous = b.index
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
        var merged: [Bucket] = []
        merged.reserveCapacity(Swift.max(buckets.count, other.buckets.count))
        var i = 0, j = 0
        while i < buckets.count || j < other.buckets.count {
            if j == other.buckets.count || (i < buckets.count && buckets[i].index < other.buckets[j].index) {
                merged.append(buckets[i]); i += 1
            } else if i == buckets.count || other.buckets[j].index < buckets[i].index {
                merged.append(other.buckets[j]); j += 1
            } else {
                merged.append(Bucket(index: buckets[i].index, count: buckets[i].count &+ other.buckets[j].count)); i += 1; j += 1
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

extension LogHistogram.State: Codable {
    private enum CodingKeys: String, CodingKey {
        case buckets, zeroCount, overflowCount, count, sum, min, max
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .buckets)
        guard let buckets = Self.buckets(parsing: text) else {
            throw DecodingError.dataCorruptedError(forKey: .buckets, in: c, debugDescription: "expected runs of buckets 'FIRST:COUNT,COUNT,... FIRST:...'")
        }
        self.init(buckets: buckets, zeroCount: try c.decode(UInt64.self, forKey: .zeroCount), overflowCount: try c.decode(UInt64.self, forKey: .overflowCount),
                  count: try c.decode(UInt64.self, forKey: .count), sum: try c.decode(Double.self, forKey: .sum),
                  min: try c.decode(Double.self, forKey: .min), max: try c.decode(Double.self, forKey: .max))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var text = ""
        var next = -2
        for b in buckets {
            if b.index == next {
                text += ","
            } else {
                if !text.isEmpty { text += " " }
                text += "\(b.index):"
            }
            text += String(b.count)
            next = b.index + 1
        }
        try c.encode(text, forKey: .buckets)
        try c.encode(zeroCount, forKey: .zeroCount)
        try c.encode(overflowCount, forKey: .overflowCount)
        try c.encode(count, forKey: .count)
        try c.encode(sum, forKey: .sum)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
    }

    /// The buckets of `FIRST:COUNT,COUNT,... FIRST:...`; nil when malformed.
    static func buckets(parsing text: String) -> [Bucket]? {
        var out: [Bucket] = []
        var number: UInt64 = 0
        var digits = 0
        var index = -1  // the next bucket's index; -1: expecting FIRST
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (m, o1) = number.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                number = a
                digits += 1
            case UInt8(ascii: ":"):
                guard index == -1, digits > 0, number < UInt64(Int.max) else { return nil }
                index = Int(number)
                number = 0; digits = 0
            case UInt8(ascii: ","), UInt8(ascii: " "):
                guard index >= 0, digits > 0 else { return nil }
                out.append(Bucket(index: index, count: number))
                index = byte == UInt8(ascii: ",") ? index + 1 : -1
                number = 0; digits = 0
            default:
                return nil
            }
        }
        if text.isEmpty { return [] }
        guard index >= 0, digits > 0 else { return nil }
        out.append(Bucket(index: index, count: number))
        return out
    }
}
