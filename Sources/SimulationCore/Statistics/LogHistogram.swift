/// A log-bucket (HDR-style) histogram of non-negative values with bounded
/// relative error, O(1) recording and fixed memory.
///
/// Each power-of-two octave between 2^-30 (≈ 1 ns) and 2^34 (≈ 545 years, in
/// seconds) is split into 256 equal sub-buckets, read from the top bits of
/// the value's IEEE-754 mantissa. A percentile is reported as the midpoint of
/// its bucket, so its **relative error is at most 1/512 ≈ 0.2%** of the true
/// order statistic. Values below 2^-30 (including 0) share an exact zero
/// bucket; values above the range are clamped to the top bucket (and counted
/// in ``overflowCount``). Exact mean, min and max are kept beside the buckets.
///
/// ```swift
/// var h = LogHistogram()
/// h.record(0.250)
/// h.percentile(0.99)
/// ```
///
/// - Complexity: `record` O(1) (a few ns); `percentile` O(buckets), meant for
///   report time.
public struct LogHistogram: Sendable, Equatable {
    /// Sub-buckets per octave, as a power of two.
    public static let subBucketBits = 8
    static let subBuckets = 1 << subBucketBits
    static let minExponent = 1023 - 30  // biased exponent of 2^-30
    static let octaves = 64
    /// Bound on the relative error of any reported percentile.
    public static let relativeErrorBound = 1.0 / Double(2 << subBucketBits)
    /// Smallest value resolved into a non-zero bucket.
    public static let lowestTrackable = 0x1.0p-30

    var counts: [UInt64]
    /// Values below ``lowestTrackable`` (including zeros and negatives).
    public internal(set) var zeroCount: UInt64 = 0
    /// Values above the top of the range (clamped into the last bucket).
    public internal(set) var overflowCount: UInt64 = 0
    /// Number of recorded values.
    public internal(set) var count: UInt64 = 0
    /// Exact sum of recorded values.
    public internal(set) var sum: Double = 0
    /// Exact smallest value (`+inf` when empty).
    public internal(set) var min: Double = .infinity
    /// Exact largest value (`-inf` when empty).
    public internal(set) var max: Double = -.infinity

    /// An empty histogram (about 128 KiB of buckets).
    public init() {
        counts = Array(repeating: 0, count: LogHistogram.octaves * LogHistogram.subBuckets)
    }

    /// Records one value.
    public mutating func record(_ value: Double) {
        count &+= 1
        sum += value
        if value < min { min = value }
        if value > max { max = value }
        if value < LogHistogram.lowestTrackable || value.isNaN {
            zeroCount &+= 1
            return
        }
        let bits = value.bitPattern
        var octave = Int(truncatingIfNeeded: bits >> 52) - LogHistogram.minExponent
        var sub = Int(truncatingIfNeeded: (bits >> UInt64(52 - LogHistogram.subBucketBits))) & (LogHistogram.subBuckets - 1)
        if octave >= LogHistogram.octaves {
            overflowCount &+= 1
            octave = LogHistogram.octaves - 1
            sub = LogHistogram.subBuckets - 1
        }
        counts[octave &* LogHistogram.subBuckets &+ sub] &+= 1
    }

    /// Exact mean (0 when empty).
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// The `p`-quantile (0...1) of the recorded values, within
    /// ``relativeErrorBound``; 0 when empty. The extremes are exact.
    public func percentile(_ p: Double) -> Double {
        guard count > 0 else { return 0 }
        if p <= 0 { return min }
        if p >= 1 { return max }
        // Rank of the order statistic, 1-based (nearest-rank definition).
        let rank = UInt64((p * Double(count)).rounded(.up))
        var seen = zeroCount
        if seen >= rank { return Swift.max(min, 0) }
        for (index, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= rank {
                let value = LogHistogram.midpoint(ofBucket: index)
                return Swift.min(Swift.max(value, min), max)
            }
        }
        return max
    }

    /// Midpoint of bucket `index`.
    static func midpoint(ofBucket index: Int) -> Double {
        let octave = index / subBuckets
        let sub = index % subBuckets
        let base = Double(sign: .plus, exponent: octave + minExponent - 1023, significand: 1)
        return base * (1 + (Double(sub) + 0.5) / Double(subBuckets))
    }

    /// Adds every value recorded in `other`.
    public mutating func merge(_ other: LogHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
        zeroCount &+= other.zeroCount
        overflowCount &+= other.overflowCount
        count &+= other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// Fraction of recorded values `<= threshold` (bucket resolution).
    public func fraction(atMost threshold: Double) -> Double {
        guard count > 0 else { return 1 }
        if threshold >= max { return 1 }
        var below = zeroCount
        if threshold >= LogHistogram.lowestTrackable {
            for (index, c) in counts.enumerated() where c > 0 {
                if LogHistogram.midpoint(ofBucket: index) > threshold { break }
                below += c
            }
        }
        return Double(below) / Double(count)
    }
}
