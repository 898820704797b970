import Foundation
import Workload

/// What training did besides producing the model, for reports.
package struct ForecasterTrainingReport: Sendable {
    /// Wall seconds of the whole train-validate-select run.
    package var seconds: Double
    /// Wall seconds of the LSTM's validation run and final run.
    package var lstmSeconds: Double
    /// Methods left out and why (e.g. not enough history for a weekly lag).
    package var skipped: [String]
}

extension ForecasterModel {
    /// Trains every candidate on the histories, scores them on each
    /// history's last `validationHoldout` intervals (rolling origins, never
    /// later data), calibrates their quantiles on those windows, selects
    /// `Combination` (with ``ForecasterOptions/Selection/validation``: the
    /// lowest validation MASE), then retrains the LSTM on the full histories.
    ///
    /// Several histories make a global LSTM; baselines are fitted per history.
    /// `auxiliary` histories only add LSTM training windows (they are not
    /// scored); for the validation run only their intervals that end by the
    /// earliest validation start are used, so no run sees what follows. An
    /// auxiliary history on a finer interval that divides the histories'
    /// (10-minute counts for an hourly model) adds its sums at every phase
    /// (``Workload/LoadSeries/phaseAggregates(interval:)``).
    ///
    /// - Throws: ``ForecastingError`` for too short histories, mismatched
    ///   intervals or exogenous columns, or invalid options.
    /// `progress` is called at the start of each stage (a method's validation, an LSTM member's training run);
    /// `epochs` after each of an LSTM member's epochs, with the epochs run and the most it may run
    /// (early stopping may end it sooner).
    package static func train(histories: [LoadSeries], auxiliary finerOrEqual: [LoadSeries] = [], options: ForecasterOptions,
                             log: ((String) -> Void)? = nil,
                             progress: ((String) -> Void)? = nil,
                             epochs: ((Int, Int) -> Void)? = nil) throws -> (ForecasterModel, ForecasterTrainingReport) {
        let start = Clock.seconds()
        try options.validate()
        guard let first = histories.first else {
            throw ForecastingError.invalidSetting(name: "histories", value: "none", expected: "at least one history")
        }
        let auxiliary = finerOrEqual.flatMap { h -> [LoadSeries] in
            abs(h.interval - first.interval) > 1e-9 ? h.phaseAggregates(interval: first.interval) ?? [h] : [h]
        }
        for h in histories + auxiliary {
            if abs(h.interval - first.interval) > 1e-9 {
                throw ForecastingError.intervalMismatch(series: h.name, interval: h.interval, expected: first.interval)
            }
            if h.exogenousNames != first.exogenousNames {
                throw ForecastingError.exogenousMismatch(series: h.name, expected: first.exogenousNames, got: h.exogenousNames)
            }
        }
        let horizon = options.horizon
        let perDay = first.intervalsPerDay
        let season = options.season ?? perDay
        let step = options.step ?? RollingOrigin.defaultStep(perDay: perDay)
        guard horizon >= 1 else {
            throw ForecastingError.invalidSetting(name: "horizon", value: "\(horizon)", expected: "an integer >= 1")
        }
        guard season >= 2 else {
            throw ForecastingError.invalidSetting(name: "season", value: "\(season)", expected: "an integer >= 2")
        }
        guard step >= 1 else { throw ForecastingError.invalidSetting(name: "step", value: "\(step)", expected: "an integer >= 1") }
        guard options.levels.contains(0.5), options.levels == options.levels.sorted(),
              options.levels.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw ForecastingError.invalidSetting(name: "quantiles", value: options.levels.map { "\($0)" }.joined(separator: ","),
                                                  expected: "ascending levels in (0, 1) including 0.5")
        }

        // The validation split of every history.
        var cuts: [Int] = [], origins: [[Int]] = [], scales: [Double] = []
        for h in histories {
            let holdout = options.validationHoldout
                ?? RollingOrigin.defaultValidationHoldout(count: h.count, perDay: perDay, horizon: horizon)
            let cut = h.count - holdout
            let needed = 2 * season + 1
            let os = cut >= needed ? RollingOrigin.origins(missing: h.missing, start: cut, horizon: horizon, step: step) : []
            guard !os.isEmpty else {
                throw ForecastingError.tooFewPoints(
                    series: h.name, count: h.count, needed: needed + max(holdout, horizon),
                    purpose: "training with a \(holdout)-interval validation part, season \(season) and horizon \(horizon)")
            }
            cuts.append(cut)
            origins.append(os)
            scales.append(ForecastMetrics.seasonalScale(h.imputed(season: season), season: season, end: cut))
        }

        // Candidates.
        let week = 7 * perDay
        var candidates: [ForecastMethod] = [.seasonalNaive(lag: 1), .seasonalNaive(lag: season)]
        if week != season { candidates.append(.seasonalNaive(lag: week)) }
        candidates.append(.seasonalMean(seasons: ForecastMethod.seasonalMeanSeasons))
        candidates += [.holtWinters(.additive), .holtWinters(.multiplicative), .dampedHolt, .seasonalRegression]
        var skipped: [String] = []
        var settings = LSTMSettings(window: options.window ?? LSTMSettings.defaultWindow(season: season), horizon: horizon)
        settings.hiddenSize = options.hiddenSize
        settings.quantiles = options.levels
        settings.maxEpochs = options.maxEpochs
        settings.learningRate = options.learningRate
        settings.scaling = options.scaling
        settings.seed = options.seed
        settings.members = options.members
        settings.seasonalProfile = options.seasonalProfile
        settings.maxTrainingWindows = options.maxTrainingWindows ?? LSTMSettings.defaultMaxTrainingWindows(window: settings.window)
        try settings.validate()

        var model = ForecasterModel(
            format: formatName, version: currentVersion, intervalSeconds: first.interval, season: season, horizon: horizon,
            levels: options.levels, exogenousNames: first.exogenousNames, methods: [], selected: "", lstm: nil,
            trainedOn: zip(histories, cuts).map { HistoryRecord(name: $0.name, intervals: $0.count, missing: $0.missingCount,
                                                                validationIntervals: $0.count - $1, auxiliary: false) }
                + auxiliary.map { HistoryRecord(name: $0.name, intervals: $0.count, missing: $0.missingCount,
                                                validationIntervals: 0, auxiliary: true) })
        let validationStart = zip(histories, cuts).map { $0.timestamp($1) }.min()!
        let auxiliaryBeforeValidation = auxiliary.map { $0.ending(atOrBefore: validationStart) }
        var lstmSeconds = 0.0
        if options.useLSTM {
            do {
                let (lstm, summary) = try LSTMForecaster.train(
                    series: zip(histories, cuts).map { $0.prefix($1) } + auxiliaryBeforeValidation, season: season, settings: settings,
                    epochLog: { e, _, _ in epochs?(e, settings.maxEpochs) },
                    memberStart: { progress?("LSTM validation run, member \($0 + 1) of \(settings.members)") })
                lstmSeconds += summary.seconds
                log?("LSTM (validation run): epochs \(summary.epochs), best \(summary.bestEpochs), "
                     + "\(summary.trainingWindows) windows, \(String(format: "%.2f", summary.seconds)) s")
                model.lstm = LSTMRecord(settings: settings, inputSize: lstm.networks[0].inputSize,
                                        parameters: lstm.networks.map(\.parameters), summary: summary)
                candidates.append(.lstm)
            } catch let error as ForecastingError {
                skipped.append("LSTM: \(error.description)")
            }
        }

        // Validation forecasts of every candidate (uncalibrated).
        struct Validation { var actual: [[Double]] = [], base: [QuantileForecast] = [], mase: [Double] = [] }
        var results: [ForecastMethod: Validation] = [:]
        for method in candidates {
            let needed = model.historyNeeded(method)
            guard cuts.allSatisfy({ $0 >= needed }) else {
                skipped.append("\(method.name): needs \(needed) intervals before the first validation origin")
                continue
            }
            progress?("validating \(method.name)")
            var v = Validation()
            for (k, h) in histories.enumerated() {
                let f = model.baseForecasts(method, history: h, origins: origins[k]).forecasts
                let actual = origins[k].map { Array(h.values[$0..<($0 + horizon)]) }
                v.mase.append(ForecastMetrics(actual: actual, point: f.map(\.point), p90: f.map(\.point), scale: scales[k]).mase)
                v.actual += actual
                v.base += f
            }
            results[method] = v
        }
        // Validation MASE pooled over histories as the benchmark pools them: the geometric mean over the
        // histories every candidate scores (a MASE finite and above 0), so ranks do not hang on the few
        // histories with the largest MASE, and the ratio of two methods' pooled MASE is the geometric mean
        // of their per-history MAE ratios.
        let comparable = histories.indices.filter { k in candidates.allSatisfy { m in results[m].map { $0.mase[k].isFinite && $0.mase[k] > 0 } ?? true } }
        func pooled(_ v: Validation) -> Double { Self.geometricPool(v.mase, comparable: comparable) }
        let ranked = candidates.filter { results[$0] != nil }.sorted { pooled(results[$0]!) < pooled(results[$1]!) }
        var ensembles: [ForecastMethod] = []

        /// The validation record of a weighted average of members' forecasts.
        func averagedValidation(_ members: [ForecastMethod], weights: [Double]) -> Validation {
            var v = Validation()
            var offset = 0
            for k in histories.indices {
                let count = origins[k].count
                var points: [[Double]] = []
                for w in offset..<(offset + count) {
                    var p = [Double](repeating: 0, count: horizon)
                    for (m, weight) in zip(members, weights) { for s in 0..<horizon { p[s] += weight * results[m]!.base[w].point[s] } }
                    points.append(p)
                    v.base.append(QuantileForecast(point: p, levels: options.levels, values: options.levels.map { _ in p }))
                }
                let actual = Array(results[members[0]]!.actual[offset..<(offset + count)])
                v.actual += actual
                v.mase.append(ForecastMetrics(actual: actual, point: points, p90: points, scale: scales[k]).mase)
                offset += count
            }
            return v
        }
        if options.ensembleSize >= 2 {
            for size in 2...max(2, min(options.ensembleSize, ranked.count)) where size <= ranked.count {
                let members = Array(ranked.prefix(size))
                let ensemble = ForecastMethod.ensemble(members: members.map(\.name))
                results[ensemble] = averagedValidation(members, weights: Array(repeating: 1 / Double(size), count: size))
                ensembles.append(ensemble)
            }
        }

        // The fixed combination: its members come from a rule, not from validation ranks.
        let rule = ForecastMethod.combinationRule(horizon: horizon, season: season)
        let combined = rule.members.compactMap { name in candidates.first { $0.name == name && results[$0] != nil } }
        if !combined.isEmpty {
            let weights = ForecastMethod.combinationWeights(validationMase: combined.map { pooled(results[$0]!) },
                                                            inverseSquared: rule.inverseSquaredWeights)
            let combination = ForecastMethod.combination(members: combined.map(\.name), weights: weights)
            results[combination] = averagedValidation(combined, weights: weights)
            ensembles.append(combination)
        }

        // Calibrate, score, and select. Each method's quantiles are calibrated on the log scale and
        // additively in units of each history's recent seasonal scale; the one whose p90 has the lower
        // validation pinball loss (pooled over histories as the MASE is) is kept.
        let windowHistory = histories.indices.flatMap { k in origins[k].map { _ in k } }
        let windowScales = histories.indices.flatMap { k -> [Double] in
            let values = histories[k].imputed(season: season)
            return origins[k].map { QuantileCalibration.recentScale(values, season: season, end: $0) }
        }
        let k90 = options.levels.firstIndex { abs($0 - 0.9) < 1e-9 } ?? (options.levels.count - 1)
        // Windows that do not overlap: one per `horizon` intervals of origins, at most one per origin.
        let independent = origins.reduce(0) { $0 + max(1, ($1.count * min(step, horizon) + horizon - 1) / horizon) }
        /// `memberCalibrated`: for a day-ahead `Combination`, its members' calibrated validation quantiles, which its own cover.
        func calibrated(_ v: Validation, scales: [Double]?, memberCalibrated: [[[[Double]]]])
            -> (calibration: QuantileCalibration, p90: [[Double]], pinball: [Double]) {
            let calibration = QuantileCalibration.fit(levels: options.levels, actual: v.actual, base: v.base.map(\.values),
                                                      coverPeaks: options.coverPeaks, independentWindows: independent,
                                                      scales: scales)
            var out = v.base.indices.map { calibration.apply(base: v.base[$0].values, scale: windowScales[$0]) }
            if !memberCalibrated.isEmpty {
                out = out.indices.map { w in model.coverMembers(out[w], members: memberCalibrated.map { $0[w] }) }
            }
            let p90 = out.map { $0[k90] }
            var pinball = [Double](repeating: 0, count: histories.count)
            for w in v.actual.indices {
                for h in 0..<horizon {
                    pinball[windowHistory[w]] += PinballLoss.loss(actual: v.actual[w][h], quantile: p90[w][h], level: 0.9)
                }
            }
            return (calibration, p90, pinball)
        }
        for method in candidates + ensembles {
            guard let v = results[method] else { continue }
            var memberCalibrated: [[[[Double]]]] = []
            if case let .combination(members, _) = method, rule.coverMembers {
                memberCalibrated = members.compactMap { name -> [[[Double]]]? in
                    guard let m = candidates.first(where: { $0.name == name }), let record = model.method(named: name) else { return nil }
                    return results[m]!.base.indices.map { record.calibration.apply(base: results[m]!.base[$0].values, scale: windowScales[$0]) }
                }
            }
            let onLog = calibrated(v, scales: nil, memberCalibrated: memberCalibrated)
            let additive = calibrated(v, scales: windowScales, memberCalibrated: memberCalibrated)
            let both = histories.indices.filter { k in [onLog.pinball[k], additive.pinball[k]].allSatisfy { $0.isFinite && $0 > 0 } }
            let chosen = Self.geometricPool(additive.pinball, comparable: both) < Self.geometricPool(onLog.pinball, comparable: both)
                ? additive : onLog
            var metrics = ForecastMetrics(actual: v.actual, point: v.base.map(\.point), p90: chosen.p90, scale: 1)
            metrics.mase = pooled(v)
            model.methods.append(MethodRecord(name: method.name, method: method, validationMase: pooled(v),
                                              validation: metrics, calibration: chosen.calibration))
        }
        if options.selection == .combination, model.method(named: "Combination") != nil {
            model.selected = "Combination"
        } else {
            model.selected = model.methods.min { $0.validationMase < $1.validationMase }!.name
        }
        log?(model.selectionReason)

        // The LSTM used for forecasting learns from the full histories.
        if let record = model.lstm {
            let (lstm, summary) = try LSTMForecaster.train(
                series: histories + auxiliary, season: season, settings: record.settings,
                epochLog: { e, _, _ in epochs?(e, record.settings.maxEpochs) },
                memberStart: { progress?("LSTM final run, member \($0 + 1) of \(record.settings.members)") })
            lstmSeconds += summary.seconds
            log?("LSTM (final run): epochs \(summary.epochs), best \(summary.bestEpochs), "
                 + "\(summary.trainingWindows) windows, \(String(format: "%.2f", summary.seconds)) s")
            model.lstm = LSTMRecord(settings: record.settings, inputSize: lstm.networks[0].inputSize,
                                    parameters: lstm.networks.map(\.parameters), summary: summary)
        }
        return (model, ForecasterTrainingReport(seconds: Clock.seconds() - start, lstmSeconds: lstmSeconds, skipped: skipped))
    }
}

extension ForecasterModel {
    /// A per-history validation score (MASE, pinball loss) pooled into one figure: the geometric
    /// mean over the `comparable` histories (those every compared method scores finite and above 0);
    /// the arithmetic mean when there are none (one history whose in-sample scale is 0, say), which
    /// is infinite when any score is. On one history both are its score.
    package static func geometricPool(_ perHistory: [Double], comparable: [Int]) -> Double {
        if comparable.count == 1, comparable[0] < perHistory.count { return perHistory[comparable[0]] }
        let logs = comparable.map { perHistory[$0] }.filter { $0.isFinite && $0 > 0 }.map { log($0) }
        guard !logs.isEmpty, logs.count == comparable.count else { return mean(perHistory) }
        return exp(logs.reduce(0, +) / Double(logs.count))
    }
}

/// The mean of `values`, or infinity when there are none (so an unscored method never wins).
func mean(_ values: [Double]) -> Double {
    values.isEmpty ? .infinity : values.reduce(0, +) / Double(values.count)
}
