import Foundation
import SimulationCore
import Testing
@testable import ServingModel

/// LRU/TTL response cache and Zipf-distributed keys.
@Suite struct CacheToolboxTests {
    @Test func leastRecentlyUsedIsEvicted() {
        var c = ResponseCache(capacity: 3)
        for k in [1, 2, 3] { c.insert(k, now: 0) }
        let hit = c.lookup(1, now: 1)
        #expect(hit)
        #expect(c.keysByRecency == [1, 3, 2])
        c.insert(4, now: 2)                       // evicts 2
        let missed = c.lookup(2, now: 3)
        #expect(!missed)
        #expect(c.keysByRecency == [4, 1, 3])
        c.insert(3, now: 4)                       // refresh, no eviction
        c.insert(5, now: 5)                       // evicts 1
        #expect(c.keysByRecency == [5, 3, 4])
        #expect(c.count == 3)
    }

    @Test func entriesExpireAfterTheirTimeToLive() {
        var c = ResponseCache(capacity: 10, timeToLive: 10)
        c.insert(1, now: 0)
        let hits = [c.lookup(1, now: 5), c.lookup(1, now: 9.99), c.lookup(1, now: 10)]
        #expect(hits == [true, true, false])      // a hit does not extend the expiry
        #expect(c.count == 0)
        c.insert(2, now: 20)
        c.insert(2, now: 25)                      // storing again does
        let later = c.lookup(2, now: 34)
        #expect(later)
        let e = #expect(throws: ServingModelError.self) { try ResponseCache(capacity: 0).validate() }
        #expect(e?.key == "client.cache.capacity")
    }

    @Test func zipfKeysHaveTheirProbabilities() {
        let z = ZipfKeys(count: 1000, exponent: 1)
        let harmonic = (1...1000).reduce(0.0) { $0 + 1 / Double($1) }
        #expect(abs(z.probability(0) - 1 / harmonic) < 1e-12)
        #expect(abs(z.probability(9) - 0.1 / harmonic) < 1e-12)
        var rng = RandomStream(seed: 4).stream("keys")
        let n = 50_000
        var top = 0
        for _ in 0..<n where z.sample(&rng) == 0 { top += 1 }
        let p = 1 / harmonic
        #expect(abs(Double(top) / Double(n) - p) < 5 * (p * (1 - p) / Double(n)).squareRoot())
    }

    /// The hit rate of an LRU of size C under independent Zipf requests
    /// matches Che's approximation: find T with Σ(1 − e^(−p_i·T)) = C, then
    /// hit rate = Σ p_i·(1 − e^(−p_i·T)).
    @Test func lruHitRateOnZipfKeysMatchesChesApproximation() {
        let keys = 1000
        let capacity = 100
        let z = ZipfKeys(count: keys, exponent: 1)
        let p = (0..<keys).map { z.probability($0) }
        var lo = 0.0
        var hi = 1e7
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            let occupancy = p.reduce(0) { $0 + 1 - exp(-$1 * mid) }
            if occupancy < Double(capacity) { lo = mid } else { hi = mid }
        }
        let reference = p.reduce(0) { $0 + $1 * (1 - exp(-$1 * lo)) }
        var cache = ResponseCache(capacity: capacity)
        var rng = RandomStream(seed: 8).stream("keys")
        for i in 0..<20_000 {
            let k = z.sample(&rng)
            if !cache.lookup(k, now: Double(i)) { cache.insert(k, now: Double(i)) }
        }
        let n = 200_000
        var hits = 0
        for i in 0..<n {
            let k = z.sample(&rng)
            if cache.lookup(k, now: Double(i)) { hits += 1 } else { cache.insert(k, now: Double(i)) }
        }
        let rate = Double(hits) / Double(n)
        // Binomial standard error ≈ 0.001; allow 5 of them plus 0.005 for
        // the approximation itself.
        let tolerance = 5 * (reference * (1 - reference) / Double(n)).squareRoot() + 0.005
        #expect(abs(rate - reference) < tolerance, "LRU hit rate \(rate) vs Che \(reference)")
        #expect(reference > 0.5 && reference < 0.7)
    }
}
