import Foundation
@testable import Forecasting
import SimulationCore
import Testing
import Workload

/// Dense histories: the LSTM trains on an even subsample of its windows; selection says why it chose.
@Suite struct TrainingBudgetTests {
    func series(days: Int, perDay: Int, seed: UInt64) -> LoadSeries {
        var rng = RandomStream(seed: seed)
        let n = days * perDay
        let interval = 86_400 / Double(perDay)
        return LoadSeries(name: "dense", timestamps: (0..<n).map { 1_704_067_200 + Double($0) * interval }, interval: interval,
                          values: (0..<n).map { 100 * (1.5 + sin(2 * Double.pi * Double($0 % perDay) / Double(perDay))) * (0.9 + 0.2 * rng.nextUniform()) })
    }

    /// With a cap, training uses exactly that many windows spread over the whole history, and
    /// validation windows in the same proportion; without one, every window.
    @Test func theLSTMTrainsOnAnEvenSubsampleOfItsWindows() throws {
        let s = series(days: 12, perDay: 24, seed: 1)
        var settings = LSTMSettings(window: 24, horizon: 3)
        settings.hiddenSize = 8
        settings.maxEpochs = 1
        settings.members = 1
        let all = try LSTMForecaster.train(series: [s], season: 24, settings: settings).1
        settings.maxTrainingWindows = 40
        let capped = try LSTMForecaster.train(series: [s], season: 24, settings: settings).1
        #expect(all.trainingWindows > 200)
        #expect(capped.trainingWindows == 40)
        let expected = Int((Double(all.validationWindows) * 40 / Double(all.trainingWindows)).rounded())
        #expect(capped.validationWindows == max(1, expected))
        let picked = LSTMForecaster.evenSubsample(Array(0..<100), count: 8)
        #expect(picked == [0, 12, 25, 37, 50, 62, 75, 87])
        #expect(LSTMForecaster.evenSubsample(Array(0..<5), count: 8) == Array(0..<5))
    }

    /// The default cap is 1,024 windows of 168 steps, or as many window-steps.
    @Test func theDefaultCapKeepsWindowStepsConstant() {
        #expect(LSTMSettings.defaultMaxTrainingWindows(window: 168) == 1024)
        #expect(LSTMSettings.defaultMaxTrainingWindows(window: 24) == 7168)
        #expect(LSTMSettings.defaultMaxTrainingWindows(window: 288) == 1024)
    }

    /// By default `selected` is the lowest validation MASE, and the reason names it and the runners-up;
    /// with the fixed rule the reason says which method validation preferred.
    @Test func selectionIsByValidationAndSaysWhy() throws {
        let s = series(days: 14, perDay: 24, seed: 2)
        var options = ForecasterOptions(horizon: 6)
        options.useLSTM = false
        let (model, _) = try ForecasterModel.train(histories: [s], options: options)
        let best = model.methods.min { $0.validationMase < $1.validationMase }!
        #expect(model.selected == best.name)
        #expect(model.selectionReason.hasPrefix("selected \(best.name): lowest validation MASE"))
        #expect(model.selectionReason.contains("next: "))
        options.selection = .combination
        let (rule, _) = try ForecasterModel.train(histories: [s], options: options)
        if rule.selected != best.name {
            #expect(rule.selectionReason.contains("the lowest was \(best.name)"))
        }
    }
}

/// The global model's series-level input: each series' own seasonal profile ahead of each step.
@Suite struct SeasonalProfileFeatureTests {
    /// The profile at step t is the mean of the same phase `lead` steps ahead over the last 7 seasons,
    /// from values at or before t only, and it is scaled like the count.
    @Test func theProfileIsTheCausalSeasonalMeanAhead() {
        let season = 4, lead = 2
        let values = (0..<40).map { Double(($0 % season) * 10 + $0) }
        let s = LoadSeries(name: "p", timestamps: (0..<40).map { Double($0) * 21_600 }, interval: 21_600, values: values)
        var settings = LSTMSettings(window: 8, horizon: lead)
        settings.seasonalProfile = true
        let encoder = FeatureEncoder(settings: settings, exogenousCount: 0)
        #expect(encoder.width == 1 + FeatureEncoder.calendarWidth + 1)
        let p = encoder.prepare(s, season: season)
        for t in [5, 20, 39] {
            let back = (1...7).map { t + lead - $0 * season }.filter { $0 >= 0 }
            #expect(back.allSatisfy { $0 <= t })
            let expected = back.map { values[$0] }.reduce(0, +) / Double(back.count)
            #expect(abs(p.profile[t] - expected) < 1e-9)
        }
        settings.seasonalProfile = nil
        #expect(FeatureEncoder(settings: settings, exogenousCount: 0).width == 1 + FeatureEncoder.calendarWidth)
    }
}
