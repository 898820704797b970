import SimulationCore
import Testing
@testable import ServingModel

/// Envoy least_request, ring hash, prefix affinity and dynamic weights.
@Suite struct RoutingToolboxTests {
    @Test func powerOfTwoChoicesKeepsLoadsTight() {
        var lb = PowerOfTwoChoices(hosts: 8)
        var rng = RandomStream(seed: 5).stream("p2c")
        for _ in 0..<4000 { _ = lb.pick(&rng) }
        // Uniform random placement would spread ±~40 around 500; P2C keeps
        // the gap to a few requests.
        #expect(lb.active.max()! - lb.active.min()! <= 3)
    }

    @Test func powerOfTwoChoicesPicksABusyHostOnlyWhenBothDrawsHitIt() {
        var lb = PowerOfTwoChoices(hosts: 4)
        var rng = RandomStream(seed: 9).stream("p2c")
        while lb.active[0] < 5 {
            let h = lb.pick(&rng)
            if h != 0 { lb.finished(h) }
        }
        // active = [5, 0, 0, 0]: host 0 wins only if both draws are host 0.
        var hits = 0
        let n = 16_000
        for _ in 0..<n {
            let h = lb.pick(&rng)
            if h == 0 { hits += 1 }
            lb.finished(h)
        }
        let expected = Double(n) / 16
        let sd = (Double(n) * (1.0 / 16) * (15.0 / 16)).squareRoot()
        #expect(abs(Double(hits) - expected) < 5 * sd)
    }

    @Test func weightedLeastRequestUsesWeightOverActivePlusOne() {
        var idle = PowerOfTwoChoices(weights: [3, 1])
        var rng = RandomStream(seed: 1)
        var counts = [0, 0]
        for _ in 0..<400 {
            let h = idle.pick(&rng)
            counts[h] += 1
            idle.finished(h)
        }
        #expect(counts == [300, 100])
        var busy = PowerOfTwoChoices(weights: [3, 1], activeRequestBias: 1)
        _ = busy.pick(&rng)
        _ = busy.pick(&rng)
        #expect(busy.active == [2, 0])
        #expect(busy.effectiveWeight(0) == 1)
        var square = PowerOfTwoChoices(weights: [8, 1], activeRequestBias: 2)
        #expect(square.pick(&rng) == 0)
        #expect(square.effectiveWeight(0) == 2)   // 8 / (1 + 1)^2
    }

    @Test func ringHashMovesAboutOneNthOfKeysWhenAHostIsAdded() {
        var ring = ConsistentHashRing(hosts: 10)
        let keys = (0..<20_000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        let before = keys.map { ring.host(forKey: $0)! }
        ring.add(host: 10)
        let after = keys.map { ring.host(forKey: $0)! }
        let moved = zip(before, after).filter { $0 != $1 }
        // Only keys that now belong to the new host move; 1/11 ≈ 0.091 of
        // them with 160 points per host (share sd ≈ 8% relative).
        #expect(moved.allSatisfy { $0.1 == 10 })
        let fraction = Double(moved.count) / Double(keys.count)
        #expect(fraction > 0.091 * 0.7 && fraction < 0.091 * 1.3, "moved \(fraction)")
        // Removing a host moves exactly its keys.
        ring.remove(host: 3)
        let removed = keys.map { ring.host(forKey: $0)! }
        for (a, b) in zip(after, removed) { if a != 3 { #expect(a == b) } }
        #expect(!removed.contains(3))
        let shares = (0...10).filter { $0 != 3 }.map { h in Double(removed.filter { $0 == h }.count) / Double(keys.count) }
        #expect(shares.allSatisfy { $0 > 0.1 * 0.7 && $0 < 0.1 * 1.3 }, "\(shares)")
    }

    @Test func prefixRouterFollowsTheLongestMatchWhileBalanced() {
        var r = PrefixAffinityRouter(workers: 3)
        #expect(r.route([1, 2, 3, 4], loads: [0, 0, 0], now: 0) == 0)
        // 3 of 4 blocks match on worker 0 (> 0.5): affinity beats load 5.
        #expect(r.matchLength([1, 2, 3, 5], worker: 0) == 3)
        #expect(r.route([1, 2, 3, 5], loads: [5, 0, 0], now: 1) == 0)
        // A short match (1 of 4) falls back to the least-loaded worker.
        #expect(r.route([1, 9, 9, 9], loads: [5, 3, 0], now: 2) == 2)
        // Imbalance beyond abs 32 and rel 1.0001 overrides affinity.
        #expect(r.route([1, 2, 3, 4], loads: [40, 7, 3], now: 3) == 2)
        // Within 32 of each other the longest match wins again.
        #expect(r.route([1, 2, 3, 5], loads: [33, 2, 1], now: 4) == 0)
    }

    @Test func sglangFallbackPicksTheSmallestTree() {
        var r = PrefixAffinityRouter(workers: 3, shortMatchFallback: .smallestTree)
        #expect(r.route([1, 2, 3], loads: [0, 0, 0], now: 0) == 0)
        #expect(r.route([4, 5], loads: [0, 0, 0], now: 1) == 1)
        // Worker 2 remembers nothing: it takes the next unmatched prompt even
        // though it is the busiest within the balance thresholds.
        #expect(r.route([6], loads: [0, 0, 9], now: 2) == 2)
        #expect(r.route([1, 2, 3, 7], loads: [0, 0, 0], now: 3) == 0)
    }

    @Test func prefixRouterForgetsLeastRecentBlocksAtTheEvictionSweep() {
        var r = PrefixAffinityRouter(workers: 2, evictionInterval: 60, maxTreeSize: 2)
        #expect(r.route([1], loads: [0, 1], now: 0) == 0)
        #expect(r.route([7], loads: [0, 1], now: 10) == 0)
        #expect(r.route([8], loads: [0, 1], now: 20) == 0)
        #expect(r.index.blocks[0].count == 3)
        #expect(r.route([9], loads: [1, 0], now: 60) == 1)
        #expect(Set(r.index.blocks[0].keys) == [7, 8])
    }

    @Test func dynamicWeightsApplyTheFieldFormulaOverTheWindow() {
        var w = DynamicWeights(baseWeights: [10, 10, 10], targetLatency: 1, window: 10)
        for t in 0..<4 { w.record(0, latency: 0.5, failed: false, now: Double(t)) }
        w.record(0, latency: 0.01, failed: true, now: 4)
        // (1 − 0.2)·(1 − 0.5)·10 = 4.
        #expect(abs(w.weight(0, now: 5) - 4) < 1e-12)
        w.record(2, latency: 1.5, failed: false, now: 5)
        #expect(w.weights(now: 5) == [w.weight(0, now: 5), 10, 0])
        // Ten seconds later the observations have left the window.
        #expect(w.weights(now: 15.5) == [10, 10, 10])
    }

    /// The EPP's default profile: 2 × queue + 2 × (1 − KV use) + 3 × prefix
    /// match, highest wins; the saturation detector wants a replica with
    /// fewer than 5 waiting and under 80% KV use.
    @Test func endpointPickerScoresQueueKVCacheAndPrefix() {
        var e = EndpointPicker(workers: 3)
        var rng = RandomStream(seed: 2).stream("epp")
        // Seed the prefix index: replica 2 has seen blocks 1, 2, 3.
        #expect(e.pick([2], queue: [0, 0, 0], kvCache: [0, 0, 0], prompt: [1, 2, 3], now: 0, &rng) == (2, 0))
        // Queue scores 1, 0, 0.5; KV 0.5, 1, 0.1; prefix 0, 0, 3/4:
        // totals 3, 2, 3.45.
        let (r, matched) = e.pick([0, 1, 2], queue: [0, 4, 2], kvCache: [0.5, 0, 0.9], prompt: [1, 2, 3, 4], now: 1, &rng)
        #expect(r == 2 && matched == 3)
        // Equal queues score 1 each; the emptier KV cache wins.
        #expect(e.pick([0, 1], queue: [3, 3, 0], kvCache: [0.2, 0.1, 0], prompt: [], now: 2, &rng).replica == 1)
        #expect(e.saturated([0, 1], queue: [5, 6], kvCache: [0.1, 0.1]))
        #expect(e.saturated([0, 1], queue: [4, 6], kvCache: [0.85, 0.1]))
        #expect(!e.saturated([0, 1], queue: [4, 6], kvCache: [0.5, 0.1]))
        // Ties are broken at random among the best.
        let picks = Set((0..<50).map { t in e.pick([0, 1, 2], queue: [1, 1, 1], kvCache: [0, 0, 0], prompt: [], now: 3 + Double(t), &rng).replica })
        #expect(picks == [0, 1, 2])
    }

    /// Maglev: hosts take turns claiming slots, so each owns ⌊M/N⌋ or ⌈M/N⌉;
    /// removing one of ten moves its own tenth of the slots and under 1% of
    /// the others' (0.24% here; Eisenbud et al. report small extra
    /// disruption for tables much larger than N).
    @Test func maglevBalancesAndMovesFewKeysWhenAHostGoes() {
        let all = MaglevTable(hosts: Array(0..<10))
        let counts = (0..<10).map { all.slots(of: $0) }
        #expect(counts.allSatisfy { $0 == 65_537 / 10 || $0 == 65_537 / 10 + 1 }, "\(counts)")
        let without3 = MaglevTable(hosts: [0, 1, 2, 4, 5, 6, 7, 8, 9])
        let before = all.owners, after = without3.owners
        let others = before.indices.filter { before[$0] != 3 }
        let moved = others.filter { before[$0] != after[$0] }.count
        #expect(Double(moved) / Double(others.count) < 0.01, "\(moved) of \(others.count)")
        #expect(before.indices.filter { before[$0] == 3 }.allSatisfy { after[$0] != 3 })
        #expect(MaglevTable(hosts: [], size: 7).host(forKey: 1) == nil)
        #expect((try? MaglevTable(hosts: [0], size: 65_536).validate()) == nil)
    }

    /// Weighted Maglev: in each round a host claims a slot only while
    /// round × weight has reached its threshold, which rises by the largest
    /// weight per claim. Weights 3:2:1 claim every round, two rounds in
    /// three and one in three, so each owns its share of M = 65,537 within
    /// one claim of its first round and one of the unfinished last round.
    /// Equal weights build exactly the unweighted table.
    @Test func weightedMaglevOwnsSlotsInProportion() {
        let weighted = MaglevTable(hosts: [0, 1, 2], weights: [3, 2, 1])
        for (h, w) in [(0, 3.0), (1, 2.0), (2, 1.0)] {
            let share = 65_537 * w / 6
            #expect(abs(Double(weighted.slots(of: h)) - share) <= 2, "host \(h): \(weighted.slots(of: h)) vs \(share)")
        }
        #expect(MaglevTable(hosts: Array(0..<10), weights: Array(repeating: 2.5, count: 10)).owners == MaglevTable(hosts: Array(0..<10)).owners)
        // A slot's weight goes with its host when the table is rebuilt without another.
        let without1 = MaglevTable(hosts: [0, 2], weights: [3, 2, 1])
        #expect(abs(Double(without1.slots(of: 0)) - 65_537 * 0.75) <= 2)
    }
}
