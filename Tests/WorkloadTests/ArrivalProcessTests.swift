import Foundation
import SimulationCore
import TestSupport
import Testing
@testable import Workload

/// Each arrival process must reproduce its intended rate curve and
/// dispersion. Counts per window are compared with their theoretical mean
/// within a 99.9% normal bound (z = 3.29) of their theoretical spread.
@Suite struct ArrivalProcessTests {
    static let z = 3.29

    /// Counts of arrivals in consecutive windows of `width` up to `end`.
    static func counts(_ process: ArrivalProcess, width: Double, end: Double, seed: UInt64 = 1) -> [Double] {
        var g = ArrivalGenerator(process: process, stream: RandomStream(seed: seed).stream("a"))
        var out = [Double](repeating: 0, count: Int(end / width))
        var t = g.next(after: 0)
        while t < end {
            out[Int(t / width)] += 1
            t = g.next(after: t)
        }
        return out
    }

    static func meanAndVariance(_ xs: [Double]) -> (Double, Double) {
        var w = Welford()
        xs.forEach { w.record($0) }
        return (w.mean, w.variance)
    }

    @Test func poissonCountsHaveMeanAndVarianceEqualToRateTimesWindow() {
        let xs = Self.counts(.poisson(rate: 50), width: 1, end: 20_000)
        let (m, v) = Self.meanAndVariance(xs)
        let n = Double(xs.count)
        #expect(abs(m - 50) <= Self.z * (50 / n).squareRoot())
        // Var of the sample variance of Poisson counts ≈ (μ4 − σ⁴)/n = (λ + 2λ²)/n.
        #expect(abs(v - 50) <= Self.z * ((50 + 2 * 2500) / n).squareRoot())
    }

    @Test func rateCurveCountsFollowTheCurve() throws {
        let curve = try RateCurve(starts: [0, 100, 200], rates: [10, 40, 0], period: 300)
        let xs = Self.counts(.rateCurve(curve), width: 100, end: 300 * 200)
        for segment in 0..<3 {
            let seg = stride(from: segment, to: xs.count, by: 3).map { xs[$0] }
            let (m, _) = Self.meanAndVariance(seg)
            let expected = [1000.0, 4000, 0][segment]
            #expect(abs(m - expected) <= Self.z * (expected / Double(seg.count)).squareRoot() + 1e-9, "segment \(segment): \(m)")
        }
        #expect(curve.expectedCount(from: 50, to: 150) == 10 * 50 + 40 * 50)
    }

    @Test func onOffBurstsAreOverdispersedWithTheRightMeanRate() {
        let p = ArrivalProcess.modulated([.init(rate: 100, meanHolding: 5), .init(rate: 0, meanHolding: 15)])
        #expect(p.meanRate == 25)
        let xs = Self.counts(p, width: 10, end: 200_000)
        let (m, v) = Self.meanAndVariance(xs)
        // Mean over 20,000 windows of a process with correlation time ~4 s:
        // the windows are nearly independent at 10 s, so the bound uses the
        // observed variance.
        #expect(abs(m - 250) <= Self.z * (v / Double(xs.count)).squareRoot() * 2)
        #expect(v / m > 10, "index of dispersion \(v / m) should far exceed Poisson's 1")
    }

    @Test func windowedClientsHitTheirRateAndCoefficientOfVariation() {
        // Gamma shape 0.25 gives inter-arrival CV = 2.
        let w = ClientWindows(width: 600, rates: [2, 5], families: [.gamma(shape: 0.25), .weibull(shape: 0.5)])
        var g = ArrivalGenerator(process: .windowed(w), stream: RandomStream(seed: 4))
        var gaps = Welford()
        var t = g.next(after: 0), count = [0, 0]
        while t < 1200 {
            count[Int(t / 600)] += 1
            let next = g.next(after: t)
            if next < 600 { gaps.record(next - t) }
            t = next
        }
        #expect(g.next(after: 1200) == .infinity)
        // Counts of a renewal process: Var ≈ λT·CV², so sd ≈ √(λT)·CV.
        #expect(abs(Double(count[0]) - 1200) <= Self.z * (1200.0).squareRoot() * 2)
        #expect(abs(Double(count[1]) - 3000) <= Self.z * (3000.0).squareRoot() * 2.3)
        #expect(abs(gaps.mean - 0.5) < 0.1)
        #expect(gaps.standardDeviation / gaps.mean > 1.5)
    }

    @Test func rateCurveFromAServeGenHistory() throws {
        let path = TestData.data("traces/servegen_m-large_per_10min.csv")
        let (curve, missing) = try RateCurve.fromHistory(path: path)
        #expect(curve.starts.count == 2016)
        #expect(missing == 0)
        #expect(abs(curve.rates[0] - 212.78) < 1e-9)
        #expect(abs(curve.peakRate - 583.0) < 1)
    }

    @Test func historyErrorsNameFileLineAndColumn() throws {
        let path = try TestData.write("timestamp_s,requests\n0,10\n600,abc\n")
        do {
            _ = try RateCurve.fromHistory(path: path)
            Issue.record("expected an error")
        } catch let e as LoadSeriesError {
            #expect(e.description.contains(path + ":3"), "\(e)")
            #expect(e.description.contains("'requests'"), "\(e)")
            #expect(e.description.contains("abc"), "\(e)")
        }
    }
}

@Suite struct ServeGenClientsTests {
    @Test func loadsEveryClientAndKeepsTheAggregateRate() throws {
        let clients = try ServeGenClients.load(path: TestData.data("traces/servegen_deepseek-r1_client_windows.csv.gz"))
        #expect(clients.count == 73)
        #expect(clients.allSatisfy { $0.width == 600 })
        // The derived per-10-min file sums rate_rps over clients: window 0.
        let series = try LoadSeriesCSV.read(path: TestData.data("traces/servegen_deepseek-r1_per_10min.csv"))
        let window0 = clients.reduce(0.0) { $0 + ($1.rates.first ?? 0) }
        #expect(abs(window0 * 600 - series.values[0]) < 1e-6 * series.values[0])
    }

    @Test func malformedRowsAreNamed() throws {
        let path = try TestData.write("client_id,window_start_s,rate_rps,cv,iat_dist,iat_param1,iat_param2\n0,0,1.5,2,Weibull,0.5,1\n0,600,fast,2,Weibull,0.5,1\n")
        do {
            _ = try ServeGenClients.load(path: path)
            Issue.record("expected an error")
        } catch let e as WorkloadError {
            #expect(e.location == path + ":3", "\(e)")
            #expect(e.message.contains("rate_rps"), "\(e)")
        }
    }
}
