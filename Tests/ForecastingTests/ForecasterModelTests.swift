import Foundation
import SimulationCore
import Testing
@testable import Forecasting
@testable import Workload

@Suite struct ForecasterModelTests {
    /// A small daily-seasonal series on a 6-hour grid with noise.
    func series(days: Int, seed: UInt64) -> LoadSeries {
        var rng = RandomStream(seed: seed)
        let pattern: [Double] = [40, 90, 120, 70]
        let n = days * 4
        return LoadSeries(name: "toy", timestamps: (0..<n).map { 1_704_067_200 + Double($0) * 21_600 }, interval: 21_600,
                          values: (0..<n).map { pattern[$0 % 4] * (0.9 + 0.2 * rng.nextUniform()) })
    }

    func tinyOptions() -> ForecasterOptions {
        var o = ForecasterOptions(horizon: 2)
        o.hiddenSize = 8
        o.window = 8
        o.maxEpochs = 4
        o.seed = 3
        o.members = 2
        return o
    }

    @Test func trainingIsDeterministicForASeed() throws {
        let s = series(days: 40, seed: 1)
        var settings = LSTMSettings(window: 8, horizon: 2)
        settings.hiddenSize = 8
        settings.maxEpochs = 3
        settings.seed = 9
        settings.members = 2
        let a = try LSTMForecaster.train(series: [s], season: 4, settings: settings).0
        let b = try LSTMForecaster.train(series: [s], season: 4, settings: settings).0
        #expect(a.networks.map(\.parameters) == b.networks.map(\.parameters))
        settings.seed = 10
        let c = try LSTMForecaster.train(series: [s], season: 4, settings: settings).0
        #expect(a.networks.map(\.parameters) != c.networks.map(\.parameters))
    }

    @Test func modelFileRoundTripsAndPredicts() throws {
        let s = series(days: 40, seed: 2)
        let (model, _) = try ForecasterModel.train(histories: [s], options: tinyOptions())
        #expect(model.methods.map(\.name).contains("LSTM"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fc-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(path: path)
        let loaded = try ForecasterModel.load(path: path)
        #expect(loaded == model)
        let f = try loaded.forecast(s, horizon: 2)
        #expect(f.point.count == 2 && f.values.count == 3)
        for h in 0..<2 { #expect(f.values[0][h] <= f.values[1][h] && f.values[1][h] <= f.values[2][h]) }
        let lstm = try loaded.forecast(s, horizon: 1, method: "LSTM")
        #expect(lstm.point.count == 1)
    }

    /// Beyond the model's horizon the forecast goes on in blocks from its own
    /// points: seasonal naive (lag 4, horizon 2) repeats the last season, so
    /// 6 steps are the last 4 values and then the first 2 of them again; the
    /// adapter for the simulation takes the same points (or a quantile).
    @Test func recursiveForecastsContinueFromTheirOwnPoints() throws {
        let s = series(days: 40, seed: 6)
        let (model, _) = try ForecasterModel.train(histories: [s], options: tinyOptions())
        let f = try model.forecastRecursively(s, horizon: 6, method: "SeasonalNaive4")
        let last = Array(s.values.suffix(4))
        #expect(f.point == last + last.prefix(2))
        #expect(f.values.allSatisfy { $0.count == 6 })
        let adapter = try ModelLoadForecaster(model: model, method: "SeasonalNaive4")
        #expect(try adapter.forecast(s, horizon: 6) == f.point)
        #expect(adapter.interval == 21_600 && adapter.minimumHistory == 4)
        let p90 = try ModelLoadForecaster(model: model, level: 0.9, method: "SeasonalNaive4")
        #expect(try p90.forecast(s, horizon: 6) == f.quantile(0.9)!.map { max(0, $0) })
        #expect(throws: ForecastingError.self) { try ModelLoadForecaster(model: model, level: 0.8) }
        #expect(throws: ForecastingError.self) { try ModelLoadForecaster(model: model, method: "Prophet") }
    }

    @Test func badRequestsGetPreciseErrors() throws {
        let s = series(days: 40, seed: 4)
        var options = tinyOptions()
        options.useLSTM = false
        let (model, _) = try ForecasterModel.train(histories: [s], options: options)
        #expect(throws: ForecastingError.horizonTooLong(requested: 3, supported: 2)) {
            try model.forecast(s, horizon: 3)
        }
        #expect(throws: ForecastingError.self) { try model.forecast(s.prefix(2), horizon: 2, method: "HoltWintersAdditive") }
        #expect(throws: ForecastingError.self) {
            try ForecasterModel.train(histories: [s.prefix(6)], options: options)
        }
        let message = ForecastingError.horizonTooLong(requested: 48, supported: 24).description
        #expect(message == "horizon 48 is longer than the model supports (at most 24 intervals; train with --horizon 48 for more)")
    }

    /// An auxiliary history on a finer interval adds its phase sums to the LSTM's training windows;
    /// one whose interval does not divide the model's is rejected with the file named.
    @Test func finerAuxiliaryHistoriesAddPhaseAggregates() throws {
        let s = series(days: 40, seed: 8)
        // The same load on a 3-hour grid: each 6-hour value split in two halves.
        let fine = LoadSeries(name: "fine", timestamps: (0..<(2 * s.count)).map { s.timestamps[0] + Double($0) * 10_800 },
                              interval: 10_800, values: (0..<(2 * s.count)).map { s.values[$0 / 2] / 2 })
        let (model, _) = try ForecasterModel.train(histories: [s], auxiliary: [fine], options: tinyOptions())
        let auxiliary = model.trainedOn.filter(\.auxiliary)
        #expect(auxiliary.map(\.name) == ["fine@0/2", "fine@1/2"])
        let (plain, _) = try ForecasterModel.train(histories: [s], options: tinyOptions())
        #expect(model.lstm!.summary.trainingWindows > plain.lstm!.summary.trainingWindows)
        let odd = LoadSeries(name: "odd.csv", timestamps: [0, 14_400, 28_800], interval: 14_400, values: [1, 2, 3])
        #expect(throws: ForecastingError.intervalMismatch(series: "odd.csv", interval: 14_400, expected: 21_600)) {
            try ForecasterModel.train(histories: [s], auxiliary: [odd], options: tinyOptions())
        }
    }

    @Test func exogenousColumnsFeedTheLSTMAndMustMatch() throws {
        var s = series(days: 30, seed: 5)
        s.exogenousNames = ["holiday"]
        s.exogenous = [(0..<s.count).map { $0 % 28 < 4 ? 1 : 0 }]
        var settings = LSTMSettings(window: 8, horizon: 2)
        settings.hiddenSize = 8
        settings.maxEpochs = 2
        settings.members = 1
        let (lstm, _) = try LSTMForecaster.train(series: [s], season: 4, settings: settings)
        #expect(lstm.networks[0].inputSize == 11)          // count, 9 calendar, 1 exogenous
        var options = tinyOptions()
        options.useLSTM = false
        let (model, _) = try ForecasterModel.train(histories: [s], options: options)
        let plain = series(days: 30, seed: 5)
        #expect(throws: ForecastingError.exogenousMismatch(series: "toy", expected: ["holiday"], got: [])) {
            try model.forecast(plain, horizon: 2)
        }
    }

    @Test func aModelFileOfAnotherVersionIsRejected() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fc-v-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"format": "headroom-forecaster", "version": 99}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ForecastingError.invalidModelFile(file: path, reason: "version 99, this headroom reads version 1")) {
            try ForecasterModel.load(path: path)
        }
    }

    @Test func combinationRuleDependsOnHorizonAgainstSeason() {
        let dayAhead = ForecastMethod.combinationRule(horizon: 24, season: 24)
        #expect(dayAhead.members == ["SeasonalRegression", "LSTM", "SeasonalMean7"] && !dayAhead.inverseSquaredWeights)
        #expect(dayAhead.coverMembers)
        #expect(ForecastMethod.combinationRule(horizon: 6, season: 24).members == dayAhead.members)
        let short = ForecastMethod.combinationRule(horizon: 2, season: 144)
        #expect(short.members == ["HoltWintersAdditive", "HoltWintersMultiplicative", "DampedHolt", "SeasonalRegression", "LSTM"])
        #expect(short.inverseSquaredWeights && !short.coverMembers)
        #expect(ForecastMethod.combinationWeights(validationMase: [1, 2], inverseSquared: true) == [0.8, 0.2])
        #expect(ForecastMethod.combinationWeights(validationMase: [1, 2], inverseSquared: false) == [0.5, 0.5])
        #expect(ForecastMethod.combinationWeights(validationMase: [1, .infinity], inverseSquared: true) == [0.5, 0.5])
    }

    /// Day-ahead (horizon 2 of a 4-interval season): `Combination` is the mean of SeasonalRegression,
    /// the LSTM and SeasonalMean7, its upper quantiles at least each member's, and it is selected
    /// whatever validation says with `--selection combination`; by default selection is by validation.
    @Test func theCombinationIsSelectedAndAveragesItsMembers() throws {
        let s = series(days: 40, seed: 6)
        var byRule = tinyOptions()
        byRule.selection = .combination
        let (model, _) = try ForecasterModel.train(histories: [s], options: byRule)
        #expect(model.selected == "Combination")
        let record = try #require(model.method(named: "Combination"))
        let third: Double = 1.0 / 3
        let expected = ForecastMethod.combination(members: ["SeasonalRegression", "LSTM", "SeasonalMean7"], weights: [third, third, third])
        #expect(record.method == expected)
        let c = try model.forecast(s, horizon: 2)
        let parts = try ["SeasonalRegression", "LSTM", "SeasonalMean7"].map { try model.forecast(s, horizon: 2, method: $0) }
        for h in 0..<2 {
            let mean = parts.map { $0.point[h] }.reduce(0, +) / 3
            #expect(abs(c.point[h] - mean) < 1e-9 * max(1, c.point[h]))
            for level in [0.9, 0.99] {
                for p in parts { #expect(c.quantile(level)![h] >= p.quantile(level)![h]) }
            }
        }
        // Without the members' bounds its p90 is its own calibration of the mean; with them it is at least that.
        let own = record.calibration.apply(base: c.levels.map { _ in c.point }, scale: 0)
        for h in 0..<2 { #expect(c.quantile(0.9)![h] >= own[1][h]) }
        // Its validation MASE is that of its own validation forecasts, not a copy of a member's.
        #expect(record.validationMase != model.method(named: "LSTM")!.validationMase)

        let (other, _) = try ForecasterModel.train(histories: [s], options: tinyOptions())
        let best = other.methods.min { $0.validationMase < $1.validationMase }!
        #expect(other.selected == best.name)
    }

    /// A short horizon (1 of an 8-interval season): every model-based method, weighted by 1 / validation MASE².
    @Test func shortHorizonCombinationWeightsByValidationError() throws {
        let s = series(days: 40, seed: 7)
        var options = tinyOptions()
        options.horizon = 1
        options.season = 8
        options.useLSTM = false
        options.selection = .combination
        let (model, _) = try ForecasterModel.train(histories: [s], options: options)
        guard case let .combination(members, weights)? = model.method(named: "Combination")?.method else {
            Issue.record("no Combination")
            return
        }
        #expect(members == ["HoltWintersAdditive", "HoltWintersMultiplicative", "DampedHolt", "SeasonalRegression"])
        let mase = members.map { model.method(named: $0)!.validationMase }
        let expected = mase.map { 1 / ($0 * $0) }
        let total = expected.reduce(0, +)
        for (w, e) in zip(weights, expected) { #expect(abs(w - e / total) < 1e-12) }
        #expect(model.selected == "Combination")
    }

    /// Over several histories a method's validation MASE is the geometric mean of its per-history
    /// MASE (each history scored alone gives its own), as the benchmark pools paired ratios; the
    /// arithmetic mean would let the history with the largest errors rank the methods.
    @Test func validationMasePoolsHistoriesGeometrically() throws {
        var options = tinyOptions()
        options.useLSTM = false
        let a = series(days: 40, seed: 11)
        // A second history whose level rises by half in its last 6 days (the validation part): its
        // MASE differs from the first's.
        var b = series(days: 40, seed: 12)
        b.name = "toy-shifted"
        b.values = b.values.enumerated().map { $0.offset >= 34 * 4 ? 1.5 * $0.element : $0.element }
        let (both, _) = try ForecasterModel.train(histories: [a, b], options: options)
        let (alone, _) = try ForecasterModel.train(histories: [a], options: options)
        let (other, _) = try ForecasterModel.train(histories: [b], options: options)
        for name in ["SeasonalNaive1", "SeasonalNaive4", "SeasonalMean7", "DampedHolt", "HoltWintersAdditive"] {
            let m1 = alone.method(named: name)!.validationMase, m2 = other.method(named: name)!.validationMase
            #expect(abs(m1 - m2) > 0.2 * max(m1, m2))
            #expect(abs(both.method(named: name)!.validationMase - (m1 * m2).squareRoot()) < 1e-9 * m1)
        }
        #expect(both.selectionReason.contains("geometric mean over 2 series"))
    }

    /// A quiet and a noisy history: one log-scale p90 cannot fit both, so validation keeps the
    /// additive calibration (in units of each history's recent noise) for at least one method; the
    /// choice is written to the model file and read back.
    @Test func calibrationInUnitsOfEachHistorysNoiseIsChosenAndSaved() throws {
        var options = tinyOptions()
        options.useLSTM = false
        var rng = RandomStream(seed: 21)
        let pattern: [Double] = [40, 90, 120, 70]
        func history(_ name: String, noise: Double) -> LoadSeries {
            LoadSeries(name: name, timestamps: (0..<160).map { 1_704_067_200 + Double($0) * 21_600 }, interval: 21_600,
                       values: (0..<160).map { pattern[$0 % 4] * (1 + noise * (2 * rng.nextUniform() - 1)) })
        }
        let (model, _) = try ForecasterModel.train(histories: [history("quiet", noise: 0.01), history("noisy", noise: 0.6)],
                                                   options: options)
        let additive = model.methods.filter { $0.calibration.errorScale == .recentSeasonalScale }
        #expect(!additive.isEmpty)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fc-additive-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(path: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("recent_seasonal_scale"))
        #expect(try ForecasterModel.load(path: path) == model)
    }

    @Test func geometricPoolLeavesOutHistoriesNoMethodCanCompare() {
        #expect(ForecasterModel.geometricPool([0.5, 2], comparable: [0, 1]) == 1)
        #expect(ForecasterModel.geometricPool([0.5, .infinity, 2], comparable: [0, 2]) == 1)
        #expect(ForecasterModel.geometricPool([0.7], comparable: [0]) == 0.7)
        // No history every method scores (one constant in-sample history): the plain mean, infinite here.
        #expect(ForecasterModel.geometricPool([.infinity], comparable: []) == .infinity)
    }
}
