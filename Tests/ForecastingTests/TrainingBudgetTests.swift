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
