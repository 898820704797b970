import Foundation
import SimulationCore
import Testing
@testable import Forecasting

@Suite struct BaselineTests {
    @Test func seasonalNaiveRepeatsTheLag() {
        let y: [Double] = [1, 2, 3, 4, 5, 6]
        #expect(SeasonalNaive(lag: 3).forecast(y[...], horizon: 5) == [4, 5, 6, 4, 5])
        #expect(SeasonalNaive(lag: 1).forecast(y[...], horizon: 3) == [6, 6, 6])
    }

    /// Each season is the pattern plus 3 × its index: the mean over the last k seasons at a phase is the
    /// pattern plus 3 × the mean of those seasons' indices; lags that would lie in the future are skipped.
    @Test func seasonalMeanAveragesTheSamePhaseOverPastSeasons() {
        let pattern: [Double] = [10, 40, 25]
        let y = (0..<12).map { pattern[$0 % 3] + 3 * Double($0 / 3) }   // seasons 0...3
        let f = SeasonalMean(season: 3, seasons: 2).forecast(y[...], horizon: 4)
        let expected: [Double] = [17.5, 47.5, 32.5, 19]   // pattern + 7.5 (seasons 2, 3); step 3: only season 3 lies in the past
        #expect(f == expected)
        // Fewer seasons than asked for: the mean of those there are (seasons 0...3).
        let all: [Double] = [14.5]
        #expect(SeasonalMean(season: 3, seasons: 7).forecast(y[...], horizon: 1) == all)
        // A slice is read from its own start, not from index 0 (seasons 2, 3).
        let tail: [Double] = [17.5]
        #expect(SeasonalMean(season: 3, seasons: 7).forecast(y[6...], horizon: 1) == tail)
    }

    @Test func holtWintersReproducesAPeriodicSeries() {
        let pattern: [Double] = [10, 30, 20, 5, 15, 25]
        let y = (0..<60).map { 100 + pattern[$0 % 6] }
        for seasonality in HoltWinters.Seasonality.allCases {
            let f = HoltWinters(season: 6, seasonality: seasonality).forecast(y[...], horizon: 12)
            for h in 0..<12 { #expect(abs(f[h] - (100 + pattern[(60 + h) % 6])) < 1e-6, "\(seasonality) step \(h)") }
        }
    }

    @Test func holtWintersFollowsATrendAndMultiplicativeSeason() {
        let pattern: [Double] = [0.6, 1.4, 1.2, 0.8]
        let truth = (0..<100).map { (200 + 2 * Double($0)) * pattern[$0 % 4] }
        let f = HoltWinters(season: 4, seasonality: .multiplicative).forecast(truth[..<88], horizon: 8)
        for h in 0..<8 { #expect(abs(f[h] - truth[88 + h]) / truth[88 + h] < 0.03, "step \(h): \(f[h]) vs \(truth[88 + h])") }
        let naive = SeasonalNaive(lag: 4).forecast(truth[..<88], horizon: 8)
        let hwError = (0..<8).map { abs(f[$0] - truth[88 + $0]) }.reduce(0, +)
        let naiveError = (0..<8).map { abs(naive[$0] - truth[88 + $0]) }.reduce(0, +)
        #expect(hwError < naiveError / 2)
    }

    @Test func dampedHoltContinuesLevelsAndTrends() {
        let flat = Array(repeating: 42.0, count: 30)
        for v in DampedHolt(maxHistory: 24).forecast(flat[...], horizon: 4) { #expect(abs(v - 42) < 1e-9) }
        let line = (0..<40).map { 10 + 3 * Double($0) }
        let f = DampedHolt(maxHistory: 40).forecast(line[...], horizon: 3)
        // A damped trend (φ <= 0.98) undershoots a straight line a little, never by much.
        for h in 0..<3 {
            let truth = 10 + 3 * Double(40 + h)
            #expect(f[h] <= truth + 1e-9)
            #expect(truth - f[h] < 0.2 * Double(h + 1))
        }
    }

    @Test func seasonalRegressionRecoversTrendAndSeasons() {
        // log(1 + y) is exactly a trend plus one daily and one weekly harmonic: the fit extrapolates it.
        let day = 6, week = 42
        func truth(_ t: Int) -> Double {
            let trend: Double = 5 + 0.01 * Double(t)
            let daily: Double = 0.3 * sin(2 * Double.pi * Double(t % day) / Double(day))
            let weekly: Double = 0.2 * cos(2 * Double.pi * Double(t % week) / Double(week))
            return expm1(trend + daily + weekly)
        }
        var regression = SeasonalRegression(day: day, week: week)
        regression.ridge = 1e-9
        let y = (0..<126).map(truth)
        var missing = Array(repeating: false, count: 126)
        missing[50] = true                    // a missing interval is skipped, whatever its value
        var corrupted = y
        corrupted[50] = 1e9
        let f = regression.forecast(corrupted[...], missing: missing[...], horizon: 6)
        for h in 0..<6 { #expect(abs(f[h] - truth(126 + h)) / truth(126 + h) < 1e-6, "step \(h)") }
    }

    @Test func calibrationCentresQuantilesOnValidationErrors() {
        // Base forecast 99 (so base + 1 = 100); actuals spread 50...149 + 1.
        let actual = (0..<101).map { [Double(49 + $0)] }
        let base = actual.map { _ in [[99.0], [99.0]] }
        let c = QuantileCalibration.fit(levels: [0.5, 0.9], actual: actual, base: base, coverPeaks: true)
        #expect(abs(c.corrections[0][0] - log(100.0 / 100)) < 1e-12)   // median of 50...150 (y + 1)
        // The p90 at split conformal's finite-sample level ⌈0.9 · 102⌉ / 101 over 101 windows:
        // between 141 and 142 (the plain 90th percentile is 140).
        let p90 = log(141.0 / 100) + (9_200.0 / 101 - 91) * log(142.0 / 141)
        #expect(abs(c.corrections[1][0] - p90) < 1e-12)
        // One step per window: the window's peak is that step, already covered at the same level.
        #expect(abs(c.peakCorrection) < 1e-12)
        let q = c.apply(base: [[99], [99]], scale: 0)
        #expect(abs(q[0][0] - 99) < 1e-9)
        #expect(abs(q[1][0] - (100 * exp(p90) - 1)) < 1e-9)
        // With three independent windows a p90 is the largest error; a p10 the smallest.
        #expect(QuantileCalibration.conformalLevel(0.9, windows: 3) == 1)
        #expect(QuantileCalibration.conformalLevel(0.1, windows: 3) == 0)
        #expect(QuantileCalibration.conformalLevel(0.5, windows: 3) == 0.5)
        #expect(QuantileCalibration.conformalLevel(0.9, windows: 1_000) == 901.0 / 1_000)
    }

    /// Every step alone is covered by the p90 in 92 % of windows, but the window's peak much less often
    /// (the misses fall on different steps): the peak correction lifts the p90 until the peaks are covered.
    @Test func peakCorrectionMakesTheP90CoverWindowPeaks() {
        // 300 windows of 3 steps, base 99; window w misses at step w % 3 when w < 72 (actual 200), else actual 90.
        var actual: [[Double]] = []
        for w in 0..<300 { actual.append((0..<3).map { s in w < 72 && w % 3 == s ? 199 : 89 }) }
        let base = actual.map { _ in [[99.0, 99, 99], [99.0, 99, 99]] }
        let c = QuantileCalibration.fit(levels: [0.5, 0.9], actual: actual, base: base, coverPeaks: true)
        let perStep = QuantileCalibration(levels: c.levels, corrections: c.corrections)
        func peaksCovered(_ cal: QuantileCalibration) -> Int {
            actual.indices.filter { w in (cal.apply(base: base[w], scale: 0)[1].max() ?? 0) >= (actual[w].max() ?? 0) }.count
        }
        #expect(peaksCovered(perStep) == 228)               // each step is covered in 276 of 300 windows, peaks in only 228
        // Without coverPeaks (the default) the p90 stays the per-step one.
        #expect(QuantileCalibration.fit(levels: [0.5, 0.9], actual: actual, base: base) == perStep)
        #expect(c.peakCorrection > 0)
        #expect(peaksCovered(c) >= 270)
        #expect(c.apply(base: base[0], scale: 0)[0] == perStep.apply(base: base[0], scale: 0)[0])   // the median is left alone
        // With 3 independent windows the level is 1: each step's p90 is its largest error, and every
        // validation peak is covered.
        let strict = QuantileCalibration.fit(levels: [0.5, 0.9], actual: actual, base: base, coverPeaks: true, independentWindows: 3)
        #expect(zip(strict.corrections[1], c.corrections[1]).allSatisfy { $0 > $1 })
        #expect(peaksCovered(strict) == 300)
    }

    /// Additive calibration in units of each history's recent seasonal scale: one pooled correction
    /// per step serves quiet and noisy histories alike, where one log-scale correction cannot.
    @Test func additiveCalibrationScalesWithEachHistorysNoise() {
        // Two histories with the same base forecast 50 and errors e · scale, scale 1 and 20, e spread
        // evenly over -1.0 ... 1.0 (101 windows each).
        var actual: [[Double]] = [], base: [[[Double]]] = [], scales: [Double] = []
        for scale in [1.0, 20.0] {
            for i in 0...100 {
                actual.append([50 + (-1 + Double(i) / 50) * scale])
                base.append([[50], [50]])
                scales.append(scale)
            }
        }
        func covered(_ c: QuantileCalibration, scale: Double) -> Int {
            let p90 = c.apply(base: [[50], [50]], scale: scale)[1][0]
            return actual.indices.filter { scales[$0] == scale && actual[$0][0] <= p90 }.count
        }
        let c = QuantileCalibration.fit(levels: [0.5, 0.9], actual: actual, base: base, scales: scales)
        #expect(c.errorScale == .recentSeasonalScale)
        // The quantile of e at the finite-sample level ⌈0.9 · 203⌉ / 202 over the 202 windows: 0.82.
        #expect(abs(c.corrections[1][0] - 0.82) < 1e-12)
        #expect(abs(c.apply(base: [[50], [50]], scale: 20)[1][0] - 66.4) < 1e-9)
        #expect(covered(c, scale: 1) == 92 && covered(c, scale: 20) == 92)
        #expect(c.apply(base: [[50], [50]], scale: 0)[1][0] == 50)   // no scale: the base as it is
        // On the log scale one correction serves both: far too wide for the quiet history, too narrow for the noisy one.
        let onLog = QuantileCalibration.fit(levels: [0.5, 0.9], actual: actual, base: base)
        #expect(onLog.errorScale == .log)
        #expect(covered(onLog, scale: 1) == 101 && covered(onLog, scale: 20) < 85)
        // The recent scale: mean |y(t) − y(t − season)| over the last 7 seasons.
        let values = (0..<40).map { Double($0 % 4 == 0 ? 10 + $0 : 0) }
        #expect(QuantileCalibration.recentScale(values, season: 4, end: 40) == 1)
        #expect(QuantileCalibration.recentScale(values, season: 4, end: 4) == 0)
    }

    /// Split conformal on exchangeable data: with log-normal errors around a base forecast, corrections
    /// fitted on 500 validation windows give fresh windows their nominal coverage. The coverage of a
    /// fitted quantile is Beta-distributed around its level (sd √(τ(1−τ)/n) ≈ 0.013 at τ = 0.9, n = 500),
    /// plus the test sample's own sd (≈ 0.004 over 5,000 points): the bounds are four of those sds.
    @Test func conformalCalibrationReachesNominalCoverageOnSyntheticData() {
        var rng = RandomStream(seed: 11)
        func normal() -> Double { sqrt(-2 * log(rng.nextOpenUniform())) * cos(2 * Double.pi * rng.nextUniform()) }
        let levels = [0.5, 0.9, 0.99]
        func windows(_ count: Int, steps: Int) -> (actual: [[Double]], base: [[[Double]]]) {
            var actual: [[Double]] = [], base: [[[Double]]] = []
            for _ in 0..<count {
                let b = (0..<steps).map { _ in 1_000 * (1 + rng.nextUniform()) }
                actual.append(b.map { ($0 + 1) * exp(0.1 + 0.3 * normal()) - 1 })
                base.append(levels.map { _ in b })
            }
            return (actual, base)
        }
        let fit = windows(500, steps: 1)
        let c = QuantileCalibration.fit(levels: levels, actual: fit.actual, base: fit.base)
        let test = windows(5_000, steps: 1)
        for (k, level) in levels.enumerated() {
            let covered = test.actual.indices.filter { w in test.actual[w][0] <= c.apply(base: test.base[w], scale: 0)[k][0] }.count
            let share = Double(covered) / 5_000
            let variance = level * (1 - level)
            let sd: Double = (variance / 500).squareRoot() + (variance / 5_000).squareRoot()
            let bound: Double = 4 * sd + 2.0 / 500
            #expect(abs(share - level) < bound, "level \(level): coverage \(share)")
        }
        // Windows of 4 steps: the peak correction makes the p90 cover the window's peak at the nominal 90 %.
        let fit4 = windows(500, steps: 4)
        let c4 = QuantileCalibration.fit(levels: levels, actual: fit4.actual, base: fit4.base, coverPeaks: true)
        let test4 = windows(5_000, steps: 4)
        let peaks = test4.actual.indices.filter { w in
            (c4.apply(base: test4.base[w], scale: 0)[1].max() ?? 0) >= (test4.actual[w].max() ?? 0)
        }.count
        let share = Double(peaks) / 5_000
        let sd: Double = (0.09 / 500).squareRoot() + (0.09 / 5_000).squareRoot()
        let bound: Double = 4 * sd + 2.0 / 500
        #expect(abs(share - 0.9) < bound, "peaks: \(share)")
    }

    @Test func peakCorrectionDecodesAsZeroFromOlderFiles() throws {
        let json = #"{"levels": [0.5, 0.9], "corrections": [[0.1], [0.2]]}"#
        let c = try JSONDecoder().decode(QuantileCalibration.self, from: Data(json.utf8))
        #expect(c.peakCorrection == 0 && c.corrections == [[0.1], [0.2]])
    }
}
