import Foundation
import SimulationCore

/// Request keys drawn from a Zipf law: key `i` in `0..<count` (rank i + 1)
/// has probability `(i + 1)^−s / H(count, s)`, so a few prompts repeat often
/// and most are rare, and cache hit rates emerge from the key stream.
/// Sampling inverts the cumulative distribution by binary search.
///
/// - Complexity: O(count) to build, O(log count) per draw.
package struct ZipfKeys: Sendable, Equatable {
    /// Number of distinct keys.
    package let count: Int
    /// The exponent `s` (1 is the classic Zipf law).
    package let exponent: Double
    private let cumulative: [Double]

    /// The classic Zipf law's exponent, the default.
    package static let defaultExponent = 1.0

    /// Keys `0..<count` with exponent `exponent`.
    package init(count: Int, exponent: Double = defaultExponent) {
        self.count = count
        self.exponent = exponent
        var sums: [Double] = []
        sums.reserveCapacity(max(count, 0))
        var total = 0.0
        for i in 0..<max(count, 0) {
            total += pow(Double(i + 1), -exponent)
            sums.append(total)
        }
        self.cumulative = sums.map { $0 / total }
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the mapping that states it (`client.cache`, whose
    /// `keys` and `zipf` these are).
    package func validate(at path: String = "client.cache") throws(ServingModelError) {
        try ServingModelError.check(count >= 1, path + ".keys", count, "an integer >= 1")
        try ServingModelError.check(exponent.isFinite && exponent >= 0, path + ".zipf", exponent, "a number >= 0")
    }

    /// The probability of key `i`.
    package func probability(_ i: Int) -> Double {
        cumulative[i] - (i == 0 ? 0 : cumulative[i - 1])
    }

    /// Draws one key.
    package func sample(_ rng: inout RandomStream) -> Int {
        let u = rng.nextUniform()
        var lo = 0
        var hi = count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
