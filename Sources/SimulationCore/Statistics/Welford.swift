/// Streaming mean, variance, minimum and maximum (Welford's algorithm):
/// numerically stable, O(1) memory.
///
/// ```swift
/// var w = Welford()
/// for x in [1.0, 2, 3] { w.record(x) }
/// w.mean      // 2
/// w.variance  // 1 (sample variance, n - 1)
/// ```
public struct Welford: Sendable, Equatable, Codable {
    /// Number of observations.
    public private(set) var count: Int = 0
    /// Running mean (0 when empty).
    public private(set) var mean: Double = 0
    private var m2: Double = 0
    /// Smallest observation (`+inf` when empty).
    public private(set) var min: Double = .infinity
    /// Largest observation (`-inf` when empty).
    public private(set) var max: Double = -.infinity

    /// An empty accumulator.
    public init() {}

    /// Adds one observation.
    public mutating func record(_ x: Double) {
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
        if x < min { min = x }
        if x > max { max = x }
    }

    /// Sample variance (n − 1 denominator); 0 with fewer than 2 observations.
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }

    /// Sample standard deviation.
    public var standardDeviation: Double { variance.squareRoot() }

    /// Combines another accumulator into this one (Chan et al.).
    public mutating func merge(_ other: Welford) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n = Double(count + other.count)
        let d = other.mean - mean
        m2 += other.m2 + d * d * Double(count) * Double(other.count) / n
        mean += d * Double(other.count) / n
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }
}
