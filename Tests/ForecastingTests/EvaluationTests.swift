import Testing
@testable import Forecasting
@testable import Workload

@Suite struct EvaluationTests {
    @Test func metricsMatchHandComputation() {
        let m = ForecastMetrics(actual: [[1, 2], [3, 4]], point: [[2, 2], [3, 2]], p90: [[2, 3], [4, 4]], scale: 2)
        #expect(m.mae == 0.75)
        #expect(abs(m.smape - (200.0 / 3 + 200.0 * 2 / 6) / 4) < 1e-12)
        #expect(m.mase == 0.375)
        #expect(m.peakRatioMean == 0.875)
        #expect(m.peakRatioMin == 0.75)
        #expect(m.peakCovered == 0.5)
        #expect(m.peakCoveredP90 == 1)
        #expect(m.peakRatioP90Mean == 1.25)
        #expect(m.quantileCoverageP90 == 1)
    }

    @Test func originsSkipWindowsWithMissingIntervals() {
        var missing = Array(repeating: false, count: 12)
        missing[7] = true
        #expect(RollingOrigin.origins(missing: missing, start: 4, horizon: 2, step: 1) == [4, 5, 8, 9, 10])
        #expect(RollingOrigin.origins(missing: missing, start: 4, horizon: 2, step: 3) == [4, 10])
    }

    @Test func defaultHoldoutFollowsTheProtocol() {
        #expect(RollingOrigin.defaultHoldout(count: 336, perDay: 24) == 72)
        #expect(RollingOrigin.defaultHoldout(count: 2016, perDay: 144) == 432)
        #expect(RollingOrigin.defaultHoldout(count: 35 * 24, perDay: 24) == 168)
        #expect(RollingOrigin.defaultValidationHoldout(count: 264, perDay: 24, horizon: 24) == 72)
        #expect(RollingOrigin.defaultValidationHoldout(count: 108, perDay: 144, horizon: 2) == 22)
    }

    /// y = t on a 6-hour grid (4 intervals a day): seasonal naive errors are known in closed form.
    @Test func evaluationOfALinearSeriesMatchesHandComputedMetrics() throws {
        let n = 20
        let series = LoadSeries(name: "linear", timestamps: (0..<n).map { 1_704_067_200 + Double($0) * 21_600 }, interval: 21_600,
                                values: (0..<n).map(Double.init))
        var options = ForecasterOptions(horizon: 2)
        options.useLSTM = false
        let e = try RollingOriginEvaluation.run(series, holdout: 4, step: 1, options: options)
        #expect(e.t0 == 16)
        #expect(e.origins == [16, 17, 18])
        #expect(e.season == 4)
        #expect(e.maseScale == 4)                              // |y(t) − y(t − 4)| = 4
        let sn4 = e.methods.first { $0.name == "SeasonalNaive4" }!.metrics
        #expect(sn4.mae == 4)
        #expect(sn4.mase == 1)
        let sn1 = e.methods.first { $0.name == "SeasonalNaive1" }!.metrics
        #expect(sn1.mae == 1.5)                                // errors 1 and 2 at every origin
        #expect(sn1.mase == 0.375)
        var smape = 0.0
        for o in [16.0, 17, 18] {
            let first: Double = 200 / (2 * o - 1)      // actual o, forecast o − 1
            let second: Double = 400 / (2 * o)         // actual o + 1, forecast o − 1
            smape += (first + second) / 6
        }
        #expect(abs(sn1.smape - smape) < 1e-12)
        #expect(sn1.peakRatioMean < 1)
        #expect(sn1.peakCovered == 0)
        #expect(!e.methods.contains { $0.name == "SeasonalNaive28" })   // a week needs more history than exists
        #expect(e.methods.contains { $0.name == e.selected })
    }

    @Test func theIntervalAfterAGapIsMaskedForModelsOnly() {
        var missing = Array(repeating: false, count: 12)
        missing[5] = true
        missing[6] = true
        let values: [Double] = [10, 11, 12, 13, 14, 0, 0, 1, 18, 19, 20, 21]
        let s = LoadSeries(name: "gap", timestamps: (0..<12).map { Double($0) * 3_600 }, interval: 3_600,
                           values: values, missing: missing)
        #expect(s.inputMask == (0..<12).map { $0 == 5 || $0 == 6 || $0 == 7 })
        let y = s.modelInputs(season: 4)
        #expect(y[5] == 11 && y[6] == 12 && y[7] == 13)      // one season back, edge included
        #expect(s.imputed(season: 4)[7] == 1)                // the protocol's imputation keeps the edge value
        #expect(y[8] == 18)
    }

    /// A history that ends with a gap and a partial window after it: the model-based methods forecast
    /// from the imputed level, the last-value baseline from the raw partial count.
    @Test func aPartialWindowAfterAGapDoesNotSetTheLevel() throws {
        let n = 48
        var values = (0..<n).map { 1_000 + 100 * Double($0 % 4) }
        var missing = Array(repeating: false, count: n)
        missing[n - 3] = true
        missing[n - 2] = true
        values[n - 3] = 0
        values[n - 2] = 0
        values[n - 1] = 8                                    // the outage's partial edge
        let s = LoadSeries(name: "edge", timestamps: (0..<n).map { 1_704_067_200 + Double($0) * 21_600 }, interval: 21_600,
                           values: values, missing: missing)
        var options = ForecasterOptions(horizon: 2)
        options.useLSTM = false
        let (model, _) = try ForecasterModel.train(histories: [s.prefix(40)], options: options)
        let holt = try model.forecast(s, horizon: 2, method: "DampedHolt")
        #expect(holt.point.allSatisfy { $0 > 800 })
        let naive = try model.forecast(s, horizon: 2, method: "SeasonalNaive1")
        #expect(naive.point == [8, 8])
    }
    /// Ten-minute counts summed to hours at each of the six phases: sums, timestamps, missing parts and
    /// averaged exogenous columns; an interval that is not a whole multiple gives nil.
    @Test func phaseAggregatesSumFinerIntervalsAtEveryPhase() throws {
        let values = (0..<13).map { Double($0) }
        var missing = Array(repeating: false, count: 13)
        missing[7] = true
        let s = LoadSeries(name: "f", timestamps: (0..<13).map { Double($0) * 600 }, interval: 600, values: values,
                           missing: missing, exogenousNames: ["event"], exogenous: [(0..<13).map { $0 == 2 ? 6 : 0 }])
        let hourly = try #require(s.phaseAggregates(interval: 3600))
        #expect(hourly.count == 6)
        #expect(hourly.map(\.count) == [2, 2, 1, 1, 1, 1])
        #expect(hourly.allSatisfy { $0.interval == 3600 })
        #expect(hourly[0].values == [15, 51] && hourly[0].timestamps == [0, 3600])       // 0+…+5, 6+…+11
        #expect(hourly[0].missing == [false, true])                                      // interval 7 lies in the second hour
        #expect(hourly[1].values == [21, 57] && hourly[1].timestamps == [600, 4200])
        #expect(hourly[1].missing == [false, true])                                      // 1…6, then 7…12
        #expect(hourly[2].values == [27] && hourly[2].missing == [true])                 // 2…7
        #expect(hourly[3].missing == [true])                                             // 3…8
        #expect(hourly[0].exogenous == [[1, 0]] && hourly[3].exogenous == [[0]])         // mean of the parts
        #expect(hourly[2].name == "f@2/6")
        #expect(s.phaseAggregates(interval: 900) == nil)
        #expect(s.phaseAggregates(interval: 600) == nil)
    }
}
