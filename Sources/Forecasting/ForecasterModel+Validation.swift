import Foundation
import Workload

/// The ranges a model file's fields must lie in. ``ForecasterModel/load(path:)``
/// checks every one, as the scenario loader checks a scenario, so a
/// hand-edited or damaged file is refused with the key at fault instead of
/// crashing or allocating without bound when it is used.
package enum ModelLimits {
    /// Longest horizon, in intervals (10,000: a week of minutes, 69 days of 10-minute intervals).
    package static let maxHorizon = 10_000
    /// Longest season, in intervals (a year of minutes).
    package static let maxSeason = 527_040
    /// Largest seasonal-naive lag and seasonal-mean season count.
    package static let maxLag = LoadSeriesCSV.maxIntervals
    /// Largest LSTM hidden size: the network holds 4·hidden² recurrent weights.
    package static let maxHidden = 1_024
    /// Longest LSTM input window, in intervals.
    package static let maxWindow = 2_016
    /// Most LSTM member networks.
    package static let maxMembers = 64
    /// Most quantile levels.
    package static let maxLevels = 99
    /// Most methods in a model file.
    package static let maxMethods = 1_000
}

extension ForecasterModel {
    /// Checks every field's range and the references between methods.
    ///
    /// - Throws: ``ForecastingError/invalidModelFile(file:reason:)`` naming
    ///   the JSON key path (`methods[3].method.combination.weights[1]`) and
    ///   what was expected.
    package func validate(file: String) throws {
        func fail(_ key: String, _ message: String) -> ForecastingError {
            .invalidModelFile(file: file, reason: "key '\(key)': \(message)")
        }
        guard intervalSeconds.isFinite, intervalSeconds >= LoadSeriesCSV.minInterval, intervalSeconds <= LoadSeriesCSV.maxInterval else {
            throw fail("interval_seconds", "expected seconds from 1 to 366 days, got \(intervalSeconds)")
        }
        guard (1...ModelLimits.maxSeason).contains(season) else {
            throw fail("season", "expected an integer from 1 to \(ModelLimits.maxSeason), got \(season)")
        }
        guard (1...ModelLimits.maxHorizon).contains(horizon) else {
            throw fail("horizon", "expected an integer from 1 to \(ModelLimits.maxHorizon), got \(horizon)")
        }
        try Self.checkLevels(levels, key: "levels", fail: fail)
        guard !methods.isEmpty, methods.count <= ModelLimits.maxMethods else {
            throw fail("methods", "expected 1 to \(ModelLimits.maxMethods) methods, got \(methods.count)")
        }
        var seen: Set<String> = []
        for (i, record) in methods.enumerated() {
            let key = "methods[\(i)]"
            guard seen.insert(record.name).inserted else { throw fail("\(key).name", "'\(record.name)' names two methods; expected unique names") }
            switch record.method {
            case let .seasonalNaive(lag):
                guard (1...ModelLimits.maxLag).contains(lag) else {
                    throw fail("\(key).method.seasonal_naive.lag", "expected an integer from 1 to \(ModelLimits.maxLag), got \(lag)")
                }
            case let .seasonalMean(seasons):
                guard seasons >= 1, seasons <= ModelLimits.maxLag / season else {
                    throw fail("\(key).method.seasonal_mean.seasons", "expected an integer from 1 to \(ModelLimits.maxLag / season), got \(seasons)")
                }
            case let .ensemble(members):
                guard !members.isEmpty else { throw fail("\(key).method.ensemble.members", "expected at least one method name") }
                for (j, m) in members.enumerated() where method(named: m) == nil {
                    throw fail("\(key).method.ensemble.members[\(j)]", "'\(m)' is not among methods")
                }
            case let .combination(members, weights):
                guard !members.isEmpty else { throw fail("\(key).method.combination.members", "expected at least one method name") }
                for (j, m) in members.enumerated() where method(named: m) == nil {
                    throw fail("\(key).method.combination.members[\(j)]", "'\(m)' is not among methods")
                }
                guard weights.count == members.count else {
                    throw fail("\(key).method.combination.weights", "expected one weight per member (\(members.count)), got \(weights.count)")
                }
                for (j, w) in weights.enumerated() where !(w.isFinite && w >= 0) {
                    throw fail("\(key).method.combination.weights[\(j)]", "expected a finite number >= 0, got \(w)")
                }
            case .lstm:
                guard lstm != nil else { throw fail("\(key).method", "method LSTM is listed but the file has no lstm weights") }
            case .holtWinters, .dampedHolt, .seasonalRegression:
                break
            }
            let c = record.calibration
            guard c.levels == levels else {
                throw fail("\(key).calibration.levels", "expected the model's levels \(levels), got \(c.levels)")
            }
            guard c.corrections.count == levels.count else {
                throw fail("\(key).calibration.corrections", "expected one row per level (\(levels.count)), got \(c.corrections.count)")
            }
            for (k, row) in c.corrections.enumerated() {
                guard row.count == horizon else {
                    throw fail("\(key).calibration.corrections[\(k)]", "expected one value per step (\(horizon)), got \(row.count)")
                }
                if let h = row.firstIndex(where: { !$0.isFinite || abs($0) > 700 }) {
                    throw fail("\(key).calibration.corrections[\(k)][\(h)]", "expected a finite correction within ±700, got \(row[h])")
                }
            }
            guard c.peakCorrection.isFinite, abs(c.peakCorrection) <= 700 else {
                throw fail("\(key).calibration.peak_correction", "expected a finite correction within ±700, got \(c.peakCorrection)")
            }
        }
        if let cycle = methodCycle() {
            throw ForecastingError.invalidModelFile(
                file: file, reason: "methods refer to each other in a cycle (\(cycle.joined(separator: " → "))); expected each "
                    + "ensemble or combination to average other, non-averaging-back methods")
        }
        guard method(named: selected) != nil else {
            throw fail("selected", "'\(selected)' is not among methods")
        }
        if let lstm {
            try lstm.settings.validate(prefix: "lstm.settings.", file: file)
            guard lstm.settings.horizon == horizon else {
                throw fail("lstm.settings.horizon", "expected the model's horizon \(horizon), got \(lstm.settings.horizon)")
            }
            guard lstm.settings.quantiles == levels else {
                throw fail("lstm.settings.quantiles", "expected the model's levels \(levels), got \(lstm.settings.quantiles)")
            }
            let profile = lstm.settings.seasonalProfile == true ? 1 : 0
            let width = 1 + FeatureEncoder.calendarWidth + exogenousNames.count + profile
            guard lstm.inputSize == width else {
                throw fail("lstm.input_size", "expected \(width) (1 count + \(FeatureEncoder.calendarWidth) calendar + \(exogenousNames.count) exogenous + \(profile) profile features), got \(lstm.inputSize)")
            }
            guard !lstm.parameters.isEmpty, lstm.parameters.count <= ModelLimits.maxMembers else {
                throw fail("lstm.parameters", "expected 1 to \(ModelLimits.maxMembers) networks, got \(lstm.parameters.count)")
            }
            let expected = LSTMNetwork.parameterCount(inputSize: lstm.inputSize, hiddenSize: lstm.settings.hiddenSize,
                                                      outputSize: lstm.settings.horizon * lstm.settings.quantiles.count)
            for (k, member) in lstm.parameters.enumerated() {
                guard member.count == expected else {
                    throw fail("lstm.parameters[\(k)]", "has \(member.count) values, its shape needs \(expected)")
                }
                if let j = member.firstIndex(where: { !$0.isFinite }) {
                    throw fail("lstm.parameters[\(k)][\(j)]", "expected a finite weight, got \(member[j])")
                }
            }
        }
    }

    /// A cycle of methods that average each other (`["A", "B", "A"]`), or `nil`.
    func methodCycle() -> [String]? {
        var state: [String: Int] = [:]  // 1: on the path, 2: done
        var path: [String] = []
        func members(_ name: String) -> [String] {
            switch method(named: name)?.method {
            case let .ensemble(m)?, let .combination(m, _)?: return m
            default: return []
            }
        }
        func visit(_ name: String) -> [String]? {
            if state[name] == 2 { return nil }
            if state[name] == 1 { return Array(path[path.firstIndex(of: name)!...]) + [name] }
            state[name] = 1
            path.append(name)
            for m in members(name) { if let cycle = visit(m) { return cycle } }
            path.removeLast()
            state[name] = 2
            return nil
        }
        for record in methods { if let cycle = visit(record.name) { return cycle } }
        return nil
    }

    /// Quantile levels: 1 to ``ModelLimits/maxLevels`` ascending levels in (0, 1) including 0.5.
    static func checkLevels(_ levels: [Double], key: String, fail: (String, String) -> ForecastingError) throws {
        guard !levels.isEmpty, levels.count <= ModelLimits.maxLevels else {
            throw fail(key, "expected 1 to \(ModelLimits.maxLevels) levels, got \(levels.count)")
        }
        for (k, l) in levels.enumerated() where !(l > 0 && l < 1) {
            throw fail("\(key)[\(k)]", "expected a level in (0, 1), got \(l)")
        }
        for k in levels.indices.dropFirst() where levels[k] <= levels[k - 1] {
            throw fail("\(key)[\(k)]", "expected levels in ascending order, got \(levels[k]) after \(levels[k - 1])")
        }
        guard levels.contains(0.5) else { throw fail(key, "expected the levels to include 0.5 (the median), got \(levels)") }
    }
}
