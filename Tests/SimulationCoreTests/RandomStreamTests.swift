import Testing
@testable import SimulationCore

@Suite struct RandomStreamTests {
    @Test func sameSeedSameNumbers() {
        var a = RandomStream(seed: 9).stream("arrivals")
        var b = RandomStream(seed: 9).stream("arrivals")
        for _ in 0..<100 { #expect(a.next() == b.next()) }
    }

    @Test func namedStreamsAreDistinctAndIndependentOfDraws() {
        var root = RandomStream(seed: 9)
        let before = root.stream("sizes")
        _ = root.next()
        _ = root.next()
        var after = root.stream("sizes")
        var copy = before
        #expect(copy.next() == after.next())
        var other = root.stream("arrivals")
        var sizes = root.stream("sizes")
        #expect(other.next() != sizes.next())
        var r0 = root.stream(0), r1 = root.stream(1)
        #expect(r0.next() != r1.next())
    }

    @Test func uniformHasTheRightMomentsAndRange() {
        var rng = RandomStream(seed: 1)
        var w = Welford()
        for _ in 0..<200_000 {
            let u = rng.nextUniform()
            #expect(u >= 0 && u < 1)
            w.record(u)
        }
        // 99.99% bounds: z = 3.89 standard errors.
        let se = (1.0 / 12 / 200_000).squareRoot()
        #expect(abs(w.mean - 0.5) < 3.89 * se)
        #expect(abs(w.variance - 1.0 / 12) < 0.002)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { counts[rng.nextInt(below: 10)] += 1 }
        // Each count is Binomial(1e5, 0.1): sd = 94.9.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 4 * 95 })
    }
}
