import Foundation
@testable import Forecasting
import SimulationCore
import Testing
import Workload

/// The many-series benchmark: splits, paired ratios and their bootstrap, anchors read window for window.
@Suite struct ForecastBenchmarkTests {
    /// Hourly counts with a daily shape, `days` long; `missing` intervals empty.
    func hourly(_ name: String, days: Int, seed: UInt64, level: Double = 100, missing: Set<Int> = []) -> LoadSeries {
        var rng = RandomStream(seed: seed)
        let n = days * 24
        let values = (0..<n).map { t in level * (1.5 + sin(2 * Double.pi * Double(t % 24) / 24)) * (0.8 + 0.4 * rng.nextUniform()) }
        return LoadSeries(name: name, timestamps: (0..<n).map { Double($0) * 3600 }, interval: 3600, values: values,
                          missing: (0..<n).map { missing.contains($0) })
    }

    func options(horizon: Int) -> ForecasterOptions {
        var o = ForecasterOptions(horizon: horizon)
        o.useLSTM = false
        o.ensembleSize = 2
        return o
    }

    /// An anchors file holding the seasonal naive of one day (`y[o − 24 + h]`) for every scored window.
    func seasonalNaiveAnchors(_ histories: [LoadSeries], splits: [ForecastBenchmark.Series], horizon: Int, scale: Double = 1) -> String {
        var text = AnchorForecasts.columns.joined(separator: ",") + "\n"
        for (h, s) in zip(histories, splits) {
            let y = h.imputed(season: 24)
            for o in s.origins {
                for k in 0..<horizon {
                    let f = scale * y[o - 24 + k]
                    text += "\(s.name),other-naive,\(o),\(k + 1),\(h.values[o + k]),\(f),\(f),\(f),\(f),0.5\n"
                }
            }
        }
        return text
    }

    func score(_ absError: Double, _ pinball90: Double = 1) -> ForecastBenchmark.DayScore {
        var s = ForecastBenchmark.DayScore()
        s.absError = absError
        s.pinball = [1, pinball90, 1]
        s.points = 1
        s.windows = 1
        return s
    }

    /// A method whose error is twice the reference's on every series and day is 2, with the interval [2, 2];
    /// unequal ratios give their geometric mean, inside an interval that has width.
    @Test func relativeErrorIsTheGeometricMeanOfPairedRatios() {
        let reference = (0..<4).map { s in (0..<3).map { d in score(Double(1 + s + d)) } }
        let double = reference.map { $0.map { score(2 * $0.absError) } }
        let draws = ForecastBenchmark.bootstrapDraws(series: 4, days: 3)
        let r = ForecastBenchmark.relative(double, reference, draws: draws) { $0.absError }
        #expect(abs(r.value - 2) < 1e-12)
        #expect(abs(r.interval[0] - 2) < 1e-12 && abs(r.interval[1] - 2) < 1e-12)

        let factors = [0.5, 1, 2, 4.0]
        let mixed = reference.enumerated().map { s, days in days.map { score(factors[s] * $0.absError) } }
        let m = ForecastBenchmark.relative(mixed, reference, draws: draws) { $0.absError }
        let expected = exp(factors.map(log).reduce(0, +) / 4)
        #expect(abs(m.value - expected) < 1e-12)
        #expect(m.interval[0] < m.value && m.value < m.interval[1])
        #expect(m.interval[0] >= 0.5 - 1e-12 && m.interval[1] <= 4 + 1e-12)
        // Paired and seeded: the same draws give the same interval.
        let again = ForecastBenchmark.relative(mixed, reference, draws: ForecastBenchmark.bootstrapDraws(series: 4, days: 3)) { $0.absError }
        #expect(again.interval == m.interval)
    }

    /// The interval resamples test days too: when the ratio differs between days (the same on every
    /// series), resampling series alone would give a zero-width interval; the two-way bootstrap does not.
    @Test func theBootstrapResamplesTestDays() {
        let reference = (0..<5).map { _ in (0..<4).map { _ in score(10) } }
        let dayFactors = [0.5, 1, 1.5, 3.0]
        let method = reference.map { days in days.enumerated().map { d, s in score(dayFactors[d] * s.absError) } }
        let r = ForecastBenchmark.relative(method, reference, draws: ForecastBenchmark.bootstrapDraws(series: 5, days: 4)) { $0.absError }
        #expect(abs(r.value - 1.5) < 1e-12)
        #expect(r.interval[1] - r.interval[0] > 0.5)
    }

    /// The test part is the last D days, origins every S intervals; a window holding a missing interval is not scored.
    @Test func splitsSkipWindowsWithMissingIntervals() throws {
        let a = hourly("a", days: 6, seed: 1)
        let b = hourly("b", days: 6, seed: 2, missing: [121])
        let splits = try ForecastBenchmark.splits([a, b], horizon: 3, testDays: 2, step: 6, season: 24)
        #expect(splits[0].t0 == 96)
        #expect(splits[0].origins == [96, 102, 108, 114, 120, 126, 132, 138])
        #expect(!splits[1].origins.contains(120) && splits[1].origins.count == 7)
        for o in splits[1].origins { #expect(!(o..<(o + 3)).contains(121)) }
    }

    @Test func seriesOnDifferentIntervalsAreRefused() {
        let a = hourly("a", days: 6, seed: 1)
        var b = hourly("b", days: 6, seed: 2)
        b.interval = 600
        #expect(throws: ForecastingError.self) {
            _ = try ForecastBenchmark.splits([a, b], horizon: 3, testDays: 2, step: 6, season: 24)
        }
    }

    /// An anchor that forecasts exactly what Headroom's SeasonalNaive24 forecasts scores a ratio of exactly 1
    /// against it on every window (so windows, values and missing intervals line up), becomes the default
    /// reference, and an anchor 50% higher everywhere is worse by a ratio above 1.
    @Test func anchorsAreScoredWindowForWindow() throws {
        let histories = [hourly("a", days: 8, seed: 3), hourly("b", days: 8, seed: 4, level: 1000, missing: [150]),
                         hourly("c", days: 8, seed: 5, level: 10)]
        let splits = try ForecastBenchmark.splits(histories, horizon: 3, testDays: 2, step: 6, season: 24)
        let exact = try AnchorForecasts.parse(seasonalNaiveAnchors(histories, splits: splits, horizon: 3), file: "exact.csv")
        let b = try ForecastBenchmark.run(histories, testDays: 2, originStep: 6, options: options(horizon: 3),
                                          methods: ["SeasonalNaive24", "SeasonalNaive1", "other-naive"], anchors: [exact])
        #expect(b.reference == "other-naive")
        #expect(b.originCount == splits.reduce(0) { $0 + $1.origins.count })
        let naive = try #require(b.methods.first { $0.name == "SeasonalNaive24" })
        #expect(abs(naive.relativeMAE - 1) < 1e-12)
        #expect(abs(naive.relativeMAECI[0] - 1) < 1e-12 && abs(naive.relativeMAECI[1] - 1) < 1e-12)
        #expect(naive.perSeries.count == 3)
        let anchor = try #require(b.methods.first { $0.name == "other-naive" })
        #expect(anchor.anchor && anchor.fitSeconds == 0.5 * Double(b.originCount))
        #expect(b.methods.contains { $0.name == "SeasonalNaive1" && $0.relativeMAE != 1 })

        var high = seasonalNaiveAnchors(histories, splits: splits, horizon: 3, scale: 1.5)
        high = high.replacingOccurrences(of: "other-naive", with: "high-naive")
        let b2 = try ForecastBenchmark.run(histories, testDays: 2, originStep: 6, options: options(horizon: 3),
                                           methods: ["SeasonalNaive24", "high-naive"], anchors: [try AnchorForecasts.parse(high, file: "h.csv")],
                                           reference: "SeasonalNaive24")
        let worse = try #require(b2.methods.first { $0.name == "high-naive" })
        #expect(worse.relativeMAE > 1 && worse.relativeMAECI[0] > 1)
    }

    /// The benchmark's own forecasts, written in the anchors' format and read
    /// back as anchors (renamed), score exactly as the methods they came from.
    @Test func writtenForecastsReadBackAsAnchorsWindowForWindow() throws {
        let histories = [hourly("a", days: 8, seed: 3), hourly("b", days: 8, seed: 4, level: 1000, missing: [150]),
                         hourly("c", days: 8, seed: 5, level: 10)]
        let b = try ForecastBenchmark.run(histories, testDays: 2, originStep: 6, options: options(horizon: 3),
                                          methods: ["SeasonalNaive24", "DampedHolt", "Ensemble2"])
        let csv = b.forecastsCSV(histories: histories)
        #expect(csv.hasPrefix(AnchorForecasts.columns.joined(separator: ",") + "\n"))
        #expect(csv.split(separator: "\n").count == 1 + 3 * b.originCount * 3)
        let renamed = csv.replacingOccurrences(of: ",DampedHolt,", with: ",own-DampedHolt,")
            .replacingOccurrences(of: ",Ensemble2,", with: ",own-Ensemble2,").replacingOccurrences(of: ",SeasonalNaive24,", with: ",own-naive,")
        let again = try ForecastBenchmark.run(histories, testDays: 2, originStep: 6, options: options(horizon: 3),
                                              methods: ["SeasonalNaive24", "DampedHolt", "Ensemble2", "own-naive", "own-DampedHolt", "own-Ensemble2"],
                                              anchors: [try AnchorForecasts.parse(renamed, file: "own.csv")], reference: "SeasonalNaive24")
        for (name, copy) in [("DampedHolt", "own-DampedHolt"), ("Ensemble2", "own-Ensemble2"), ("SeasonalNaive24", "own-naive")] {
            let m = try #require(again.methods.first { $0.name == name }), c = try #require(again.methods.first { $0.name == copy })
            #expect(abs(m.relativeMAE - c.relativeMAE) < 1e-9 && abs(m.relativePinball90 - c.relativePinball90) < 1e-9, "\(name)")
            #expect(m.p90Coverage == c.p90Coverage && m.peakCoverage == c.peakCoverage, "\(name)")
            // The copy's fit seconds are the first run's (timings differ from run to run).
            let first = try #require(b.methods.first { $0.name == name })
            #expect(abs(first.fitSeconds - c.fitSeconds) < 1e-6 * max(1, first.fitSeconds), "\(name)")
        }
    }

    /// Anchors run on another protocol (a scored window absent) or other data (a different y) are refused, naming the window.
    @Test func anchorsThatDoNotMatchAreRefused() throws {
        let histories = [hourly("a", days: 8, seed: 3)]
        let splits = try ForecastBenchmark.splits(histories, horizon: 3, testDays: 2, step: 6, season: 24)
        let text = seasonalNaiveAnchors(histories, splits: splits, horizon: 3)
        var lines = text.split(separator: "\n").map(String.init)
        let dropped = lines.remove(at: 1)
        let short = try AnchorForecasts.parse(lines.joined(separator: "\n"), file: "short.csv")
        #expect(throws: ForecastingError.self) {
            _ = try ForecastBenchmark.run(histories, testDays: 2, originStep: 6, options: options(horizon: 3), anchors: [short])
        }
        var cells = dropped.split(separator: ",").map(String.init)
        cells[4] = "123456789"
        lines.insert(cells.joined(separator: ","), at: 1)
        let other = try AnchorForecasts.parse(lines.joined(separator: "\n"), file: "other.csv")
        do {
            _ = try ForecastBenchmark.run(histories, testDays: 2, originStep: 6, options: options(horizon: 3), anchors: [other])
            Issue.record("anchors on other data were accepted")
        } catch let error as ForecastingError {
            #expect(error.description.contains("other.csv:2"))
        }
        #expect(throws: ForecastingError.self) { _ = try AnchorForecasts.parse("series,method\na,b\n", file: "bad.csv") }
        #expect(throws: ForecastingError.self) {
            _ = try AnchorForecasts.parse(AnchorForecasts.columns.joined(separator: ",") + "\na,m,x,1,1,1,1,1,1,0\n", file: "bad.csv")
        }
    }

    /// `selected` is chosen on the data before the test days: the same whatever the test days hold.
    @Test func selectionIgnoresTheTestDays() throws {
        let histories = [hourly("a", days: 8, seed: 3), hourly("b", days: 8, seed: 4)]
        var changed = histories
        for k in changed.indices { for t in (8 * 24 - 48)..<(8 * 24) { changed[k].values[t] *= 5 } }
        let first = try ForecastBenchmark.run(histories, testDays: 2, originStep: 6, options: options(horizon: 3))
        let second = try ForecastBenchmark.run(changed, testDays: 2, originStep: 6, options: options(horizon: 3))
        #expect(first.selected == second.selected)
        #expect(first.selectionReason.contains("selected \(first.selected)"))
        #expect(first.methods.map(\.relativeMAE) != second.methods.map(\.relativeMAE))
    }
}
