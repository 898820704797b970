import Foundation
import Testing
@testable import SimulationCore

@Suite struct StatisticsTests {
    @Test func histogramPercentilesStayWithinTheStatedRelativeError() {
        var rng = RandomStream(seed: 11)
        var h = LogHistogram()
        let d = Distribution.lognormal(median: 0.05, p99: 5)
        var xs: [Double] = []
        for _ in 0..<100_000 {
            let x = d.sample(&rng)
            xs.append(x)
            h.record(x)
        }
        xs.sort()
        for p in [0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999] {
            let exact = xs[Int((p * Double(xs.count)).rounded(.up)) - 1]
            let got = h.percentile(p)
            #expect(abs(got - exact) / exact <= LogHistogram.relativeErrorBound, "p\(p): \(got) vs \(exact)")
        }
        #expect(h.percentile(0) == xs.first)
        #expect(h.percentile(1) == xs.last)
        #expect(abs(h.mean - xs.reduce(0, +) / Double(xs.count)) < 1e-9)
    }

    @Test func histogramHandlesZerosOverflowAndMerge() {
        var a = LogHistogram()
        for _ in 0..<90 { a.record(0) }
        for _ in 0..<10 { a.record(2) }
        #expect(a.percentile(0.5) == 0)
        #expect(abs(a.percentile(0.95) - 2) <= 2 * LogHistogram.relativeErrorBound)
        var b = LogHistogram()
        b.record(1e12)
        #expect(b.overflowCount == 1)
        a.merge(b)
        #expect(a.count == 101)
        #expect(a.max == 1e12)
        #expect(abs(a.fraction(atMost: 1) - 90.0 / 101) < 1e-12)
    }

    @Test func welfordMatchesTwoPassAndMerges() {
        let xs: [Double] = (0..<1000).map { sin(Double($0)) * 10 + 3 }
        var all = Welford(), left = Welford(), right = Welford()
        for (i, x) in xs.enumerated() {
            all.record(x)
            if i < 300 { left.record(x) } else { right.record(x) }
        }
        let mean = xs.reduce(0, +) / 1000
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 999
        #expect(abs(all.mean - mean) < 1e-12)
        #expect(abs(all.variance - variance) < 1e-9)
        left.merge(right)
        #expect(abs(left.mean - all.mean) < 1e-12)
        #expect(abs(left.variance - all.variance) < 1e-9)
        #expect(left.min == all.min && left.max == all.max)
    }

    @Test func timeWeightedAverageIntegratesStepFunctions() {
        var q = TimeWeightedAverage(start: 0)
        q.update(to: 3, at: 1)
        q.update(to: 1, at: 3)
        #expect(q.average(at: 4) == (0 + 6 + 1) / 4.0)
        #expect(q.peak == 3)
        q.reset(at: 4)
        #expect(q.average(at: 6) == 1)
    }

    @Test func binnedCounterPutsEventsInTheirBins() {
        var c = TimeBinnedCounter(width: 10)
        c.add(at: 0)
        c.add(at: 9.99)
        c.add(2, at: 10)
        c.add(at: 55)
        #expect(c.bins == [2, 2, 0, 0, 0, 1])
        #expect(c.value(inBin: 99) == 0)
    }

    @Test func quantileFunctionsMatchTables() {
        #expect(abs(Quantiles.normal(0.975) - 1.959963984540054) < 1e-9)
        #expect(abs(Quantiles.normal(0.001) + 3.090232306167813) < 1e-9)
        #expect(abs(Quantiles.studentT(0.975, degreesOfFreedom: 10) - 2.228138852) < 2e-3)
        #expect(abs(Quantiles.studentT(0.975, degreesOfFreedom: 29) - 2.045229642) < 2e-4)
        #expect(abs(Quantiles.studentT(0.995, degreesOfFreedom: 29) - 2.756385904) < 2e-3)
        #expect(abs(Quantiles.studentT(0.975, degreesOfFreedom: 2) - 4.302652730) < 1e-6)
    }

    @Test func batchMeansIntervalCoversAKnownMean() {
        var bm = BatchMeans(batchSize: 1000)
        var rng = RandomStream(seed: 2)
        for _ in 0..<30_000 { bm.record(Distribution.exponential(mean: 2).sample(&rng)) }
        let ci = bm.confidenceInterval(level: 0.999)
        #expect(bm.batches.count == 30)
        #expect(abs(ci.mean - 2) <= ci.halfWidth)
    }
}
