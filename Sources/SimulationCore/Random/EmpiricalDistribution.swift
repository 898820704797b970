/// A distribution built from observed samples: draws interpolate linearly
/// between consecutive order statistics, so the support is `[min, max]` and
/// every quantile between samples is reachable.
///
/// ```swift
/// let e = EmpiricalDistribution(samples: [1, 2, 4, 8])
/// e.quantile(0.5)   // 3.0
/// ```
///
/// - Complexity: O(n log n) to build; O(1) per draw.
public struct EmpiricalDistribution: Sendable, Equatable {
    /// The samples, sorted ascending.
    public let sorted: [Double]
    /// Exact mean of the interpolated distribution.
    public let mean: Double
    /// Exact variance of the interpolated distribution.
    public let variance: Double

    /// Builds the distribution from samples (any order; non-finite dropped).
    public init<S: Sequence>(samples: S) where S.Element == Double {
        let s = samples.filter { $0.isFinite }.sorted()
        sorted = s
        if s.count <= 1 {
            mean = s.first ?? 0
            variance = 0
            return
        }
        // Each gap [x_i, x_{i+1}] carries probability 1/(n-1), uniformly.
        var m1 = 0.0
        var m2 = 0.0
        for i in 0..<(s.count - 1) {
            let a = s[i], b = s[i + 1]
            m1 += (a + b) / 2
            m2 += (a * a + a * b + b * b) / 3
        }
        let k = Double(s.count - 1)
        mean = m1 / k
        variance = max(0, m2 / k - mean * mean)
    }

    /// Whether no sample was given.
    public var isEmpty: Bool { sorted.isEmpty }

    /// The `p`-quantile, `0 <= p <= 1`.
    public func quantile(_ p: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? 0 }
        let x = min(max(p, 0), 1) * Double(sorted.count - 1)
        let i = min(Int(x), sorted.count - 2)
        let f = x - Double(i)
        return sorted[i] + f * (sorted[i + 1] - sorted[i])
    }

    /// Draws one value.
    @inlinable
    public func sample(_ rng: inout RandomStream) -> Double {
        quantile(rng.nextUniform())
    }
}
