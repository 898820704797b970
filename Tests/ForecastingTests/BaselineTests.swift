import Foundation
import Testing
@testable import Forecasting

@Suite struct BaselineTests {
    @Test func seasonalNaiveRepeatsTheLag() {
        let y: [Double] = [1, 2, 3, 4, 5, 6]
        #expect(SeasonalNaive(lag: 3).forecast(y[...], horizon: 5) == [4, 5, 6, 4, 5])
        #expect(SeasonalNaive(lag: 1).forecast(y[...], horizon: 3) == [6, 6, 6])
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
        let c = QuantileCalibration.fit(levels: [0.5, 0.9], actual: actual, base: base)
        let q = c.apply(base: [[99], [99]])
        #expect(abs(q[0][0] - 99) < 1e-9)          // median of 49...149
        #expect(abs(q[1][0] - 139) < 1e-9)         // 90th percentile
    }
}
