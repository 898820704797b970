import Foundation
import SimulationCore
import Workload

/// The forecasting benchmark over many series (protocol v2): every method on
/// every series, scored on rolling origins over the last days, and pooled as
/// paired ratios to a reference method with a two-way bootstrap interval.
///
/// One ``ForecasterModel`` is trained on all series cut at their test start
/// (a global LSTM; baselines fitted per series; selection on the validation
/// part before the test days only). Each method then forecasts `horizon`
/// steps from origins `t0, t0 + step, …` (`t0` = the start of the last
/// `testDays` days) from the values before the origin; an origin whose
/// targets hold a missing interval is not scored. Anchors (other tools'
/// forecasts of the same windows, ``AnchorForecasts``) are scored the same way.
///
/// Pooled figures: `relativeMAE` is the geometric mean over series of
/// `MAE(method) / MAE(reference)`; its 95% interval comes from a bootstrap that
/// resamples series and test days together (a replicate draws series with
/// replacement and test days with replacement, and recomputes every series'
/// MAE ratio on the drawn days). The same for the pinball loss at 0.9.
package struct ForecastBenchmark: Sendable {
    /// Quantile levels scored by the pinball loss.
    package static let levels: [Double] = [0.5, 0.9, 0.99]
    /// Bootstrap replicates of the pooled intervals.
    package static let replicates = 2000

    /// One method's forecasts of one series: `[origin index]`, aligned with the series' origins.
    package struct Forecasts: Sendable {
        /// Point forecast per origin and step.
        package var point: [[Double]]
        /// `quantiles[k][origin][step]` for ``ForecastBenchmark/levels`` `[k]`.
        package var quantiles: [[[Double]]]
    }

    /// One series' split.
    package struct Series: Sendable {
        /// The series' name (its file name without `.csv`).
        package var name: String
        /// Intervals.
        package var count: Int
        /// First test interval.
        package var t0: Int
        /// Scored origins.
        package var origins: [Int]
        /// MASE scale: mean |y(t) − y(t − season)| over `[season, t0)`.
        package var maseScale: Double
    }

    /// Sums of one method over the windows of one series on one test day.
    struct DayScore: Sendable {
        var absError = 0.0
        var pinball = [Double](repeating: 0, count: ForecastBenchmark.levels.count)
        var points = 0
        var p90Covered = 0
        var windows = 0
        var peaksCovered = 0

        mutating func add(_ other: DayScore) {
            absError += other.absError
            for k in pinball.indices { pinball[k] += other.pinball[k] }
            points += other.points
            p90Covered += other.p90Covered
            windows += other.windows
            peaksCovered += other.peaksCovered
        }
    }

    /// One method's scores on one series.
    package struct SeriesScore: Codable, Sendable, Equatable {
        /// Series name.
        package var series: String
        /// Mean absolute error.
        package var mae: Double
        /// MAE over the series' in-sample seasonal scale.
        package var mase: Double
        /// Mean pinball loss at 0.5, 0.9, 0.99.
        package var pinball: [Double]
        /// Share of scored points at or below the p90.
        package var p90Coverage: Double
        /// Share of windows whose p90 covers the window's maximum.
        package var peakCoverage: Double
    }

    /// One method, pooled over series.
    package struct MethodResult: Codable, Sendable, Equatable {
        /// Method name.
        package var name: String
        /// `true` for another tool's forecasts read from an anchors file.
        package var anchor: Bool
        /// Geometric mean over series of MAE / the reference's MAE.
        package var relativeMAE: Double
        /// Its bootstrap 95% interval.
        package var relativeMAECI: [Double]
        /// Geometric mean over series of pinball loss at 0.9 / the reference's.
        package var relativePinball90: Double
        /// Its bootstrap 95% interval.
        package var relativePinball90CI: [Double]
        /// Share of all scored points at or below the p90.
        package var p90Coverage: Double
        /// Share of all windows whose p90 covers the window's maximum.
        package var peakCoverage: Double
        /// Mean over series of MASE.
        package var meanMASE: Double
        /// Seconds fitting: refits at every origin of every series, or the LSTM's training runs.
        package var fitSeconds: Double
        /// Per-series scores, in series order.
        package var perSeries: [SeriesScore]
    }

    /// The series and their splits.
    package var series: [Series]
    /// Horizon in intervals.
    package var horizon: Int
    /// Test days.
    package var testDays: Int
    /// Origin step in intervals.
    package var originStep: Int
    /// Season length in intervals.
    package var season: Int
    /// The reference method of the relative figures.
    package var reference: String
    /// What `forecast train` would select on the data before the test days.
    package var selected: String
    /// Why it was selected (the validation ranking).
    package var selectionReason: String
    /// Every method, Headroom's in report order, then the anchors.
    package var methods: [MethodResult]
    /// Every method's forecasts, in the order of ``methods``: `[method][series]`.
    package var forecasts: [[Forecasts]] = []

    /// Scored origins over all series.
    package var originCount: Int { series.reduce(0) { $0 + $1.origins.count } }

    /// The test split of every history: `t0` = count − `testDays` days; origins every `step`.
    ///
    /// - Throws: ``ForecastingError`` when the histories differ in interval, or one is too short.
    package static func splits(_ histories: [LoadSeries], horizon: Int, testDays: Int, step: Int, season: Int) throws -> [Series] {
        guard let first = histories.first else {
            throw ForecastingError.invalidSetting(name: "histories", value: "none", expected: "at least one series")
        }
        for h in histories where abs(h.interval - first.interval) > 1e-6 * first.interval {
            throw ForecastingError.invalidSetting(
                name: "series interval", value: "\(h.name): \(h.interval) s",
                expected: "every series on one interval (\(first.name): \(first.interval) s)")
        }
        let perDay = first.intervalsPerDay
        return try histories.map { h in
            let t0 = h.count - testDays * perDay
            guard t0 > 2 * season else {
                throw ForecastingError.tooFewPoints(series: h.name, count: h.count, needed: testDays * perDay + 2 * season + 1,
                                                    purpose: "\(testDays) test days after two seasons")
            }
            let origins = RollingOrigin.origins(missing: h.missing, start: t0, horizon: horizon, step: step)
            let scale = ForecastMetrics.seasonalScale(h.imputed(season: season), season: season, end: t0)
            return Series(name: h.name, count: h.count, t0: t0, origins: origins, maseScale: scale)
        }
    }

    /// Runs the benchmark.
    ///
    /// - Parameters:
    ///   - histories: the series, all on one interval.
    ///   - options: training options; `options.horizon` is the horizon, `options.step` the validation step
    ///     (default: the origin step).
    ///   - methods: Headroom methods to score on the test days (default: all).
    ///   - anchors: other tools' forecasts of the same windows.
    ///   - reference: the method ratios are taken against (default: the anchor with the lowest
    ///     geometric mean MAE, else the seasonal naive of one season).
    /// - Throws: ``ForecastingError`` on a bad split, an unknown method, or anchors that miss a window.
    package static func run(_ histories: [LoadSeries], testDays: Int, originStep: Int, options: ForecasterOptions,
                           methods: [String]? = nil, anchors: [AnchorForecasts] = [], reference: String? = nil,
                           log: ((String) -> Void)? = nil) throws -> ForecastBenchmark {
        guard testDays >= 1 else { throw ForecastingError.invalidSetting(name: "--test-days", value: "\(testDays)", expected: "an integer >= 1") }
        guard originStep >= 1 else { throw ForecastingError.invalidSetting(name: "--origin-step", value: "\(originStep)", expected: "an integer >= 1") }
        try options.validate()
        let horizon = options.horizon
        let perDay = histories.first?.intervalsPerDay ?? 1
        let season = options.season ?? perDay
        let splits = try Self.splits(histories, horizon: horizon, testDays: testDays, step: originStep, season: season)
        guard splits.contains(where: { !$0.origins.isEmpty }) else {
            throw ForecastingError.invalidSetting(name: "--test-days", value: "\(testDays)", expected: "a test part with at least one scored origin")
        }
        var trainingOptions = options
        trainingOptions.season = season
        if trainingOptions.step == nil { trainingOptions.step = originStep }
        let (model, _) = try ForecasterModel.train(histories: zip(histories, splits).map { $0.prefix($1.t0) },
                                                   options: trainingOptions, log: log)
        let wanted = methods ?? model.methods.map(\.name)
        for name in wanted where model.method(named: name) == nil && !anchors.contains(where: { $0.methods.contains(name) }) {
            throw ForecastingError.invalidSetting(
                name: "--methods", value: name,
                expected: "some of " + (model.methods.map(\.name) + anchors.flatMap(\.methods)).joined(separator: ", "))
        }
        var names: [String] = [], isAnchor: [Bool] = [], fitSeconds: [Double] = []
        var forecasts: [[Forecasts]] = []  // [method][series]
        let lstmSeconds = model.lstm?.summary.seconds ?? 0
        for record in model.methods where wanted.contains(record.name) {
            log?("forecasting the test days with \(record.name)")
            var perSeries: [Forecasts] = [], fit = 0.0
            for (h, s) in zip(histories, splits) {
                let (f, seconds, _) = model.forecasts(record, history: h, origins: s.origins)
                fit += seconds
                perSeries.append(Forecasts(point: f.map(\.point),
                                           quantiles: levels.map { level in f.map { $0.quantile(level) ?? $0.point } }))
            }
            if record.name == "LSTM" || Self.members(record.method).contains("LSTM") { fit += lstmSeconds }
            names.append(record.name); isAnchor.append(false); fitSeconds.append(fit); forecasts.append(perSeries)
        }
        for file in anchors {
            for name in file.methods where methods == nil || wanted.contains(name) {
                guard !names.contains(name) else {
                    throw ForecastingError.invalidSetting(name: "--anchors", value: "\(file.file): method \(name)",
                                                          expected: "method names that appear once")
                }
                let (perSeries, fit) = try file.forecasts(method: name, histories: histories, splits: splits, horizon: horizon)
                names.append(name); isAnchor.append(true); fitSeconds.append(fit); forecasts.append(perSeries)
            }
        }
        // Per method, series and test day.
        let scores = forecasts.map { perSeries in
            zip(zip(histories, splits), perSeries).map { pair, f in
                dayScores(pair.0, split: pair.1, forecasts: f, horizon: horizon, perDay: perDay, testDays: testDays)
            }
        }
        let referenceName: String
        if let reference {
            guard names.contains(reference) else {
                throw ForecastingError.invalidSetting(name: "--reference", value: reference, expected: "one of " + names.joined(separator: ", "))
            }
            referenceName = reference
        } else {
            let candidates = names.indices.filter { isAnchor[$0] }
            let pool = candidates.isEmpty ? names.indices.filter { names[$0] == "SeasonalNaive\(season)" } : candidates
            guard let best = pool.min(by: { logMeanMAE(scores[$0]) < logMeanMAE(scores[$1]) }) else {
                throw ForecastingError.invalidSetting(name: "--reference", value: "none",
                                                      expected: "a reference method (anchors, or SeasonalNaive\(season) in --methods)")
            }
            referenceName = names[best]
        }
        let ref = names.firstIndex(of: referenceName)!
        let draws = bootstrapDraws(series: splits.count, days: testDays)
        var results: [MethodResult] = []
        for m in names.indices {
            let mae = relative(scores[m], scores[ref], draws: draws) { $0.absError }
            let pin = relative(scores[m], scores[ref], draws: draws) { $0.pinball[1] }
            var total = DayScore()
            var perSeries: [SeriesScore] = []
            for (s, split) in splits.enumerated() {
                var t = DayScore()
                for d in scores[m][s] { t.add(d) }
                total.add(t)
                guard t.points > 0 else { continue }
                let n = Double(t.points)
                perSeries.append(SeriesScore(series: split.name, mae: t.absError / n,
                                             mase: split.maseScale > 0 ? t.absError / n / split.maseScale : .infinity,
                                             pinball: t.pinball.map { $0 / n }, p90Coverage: Double(t.p90Covered) / n,
                                             peakCoverage: Double(t.peaksCovered) / Double(max(t.windows, 1))))
            }
            results.append(MethodResult(
                name: names[m], anchor: isAnchor[m], relativeMAE: mae.value, relativeMAECI: mae.interval,
                relativePinball90: pin.value, relativePinball90CI: pin.interval,
                p90Coverage: Double(total.p90Covered) / Double(max(total.points, 1)),
                peakCoverage: Double(total.peaksCovered) / Double(max(total.windows, 1)),
                meanMASE: perSeries.isEmpty ? .infinity : perSeries.reduce(0) { $0 + $1.mase } / Double(perSeries.count),
                fitSeconds: fitSeconds[m], perSeries: perSeries))
        }
        return ForecastBenchmark(series: splits, horizon: horizon, testDays: testDays, originStep: originStep, season: season,
                                 reference: referenceName, selected: model.selected, selectionReason: model.selectionReason,
                                 methods: results, forecasts: forecasts)
    }

    /// Every method's forecast of every scored window of `histories` (the
    /// histories benchmarked), in the anchors' CSV format
    /// (``AnchorForecasts/columns``): `--anchors` reads it back, and any
    /// tool can score other rules on exactly these windows. A method's fit
    /// seconds are spread evenly over its windows.
    package func forecastsCSV(histories: [LoadSeries]) -> String {
        var out = AnchorForecasts.columns.joined(separator: ",") + "\n"
        let windows = max(1, originCount)
        for (m, method) in methods.enumerated() where m < forecasts.count {
            let fit = method.fitSeconds / Double(windows)
            for ((history, split), f) in zip(zip(histories, series), forecasts[m]) {
                for (w, origin) in split.origins.enumerated() {
                    for h in 0..<horizon {
                        let cells = [f.point[w][h], f.quantiles[0][w][h], f.quantiles[1][w][h], f.quantiles[2][w][h]].map { "\($0)" }
                        out += "\(split.name),\(method.name),\(origin),\(h + 1),\(history.values[origin + h]),"
                            + cells.joined(separator: ",") + ",\(fit)\n"
                    }
                }
            }
        }
        return out
    }

    static func members(_ method: ForecastMethod) -> [String] {
        switch method {
        case let .ensemble(members), let .combination(members, _): return members
        default: return []
        }
    }

    /// Sums per test day (`[day]`) of one method's forecasts of one series.
    static func dayScores(_ history: LoadSeries, split: Series, forecasts f: Forecasts, horizon: Int, perDay: Int,
                          testDays: Int) -> [DayScore] {
        var days = [DayScore](repeating: DayScore(), count: testDays)
        for (i, o) in split.origins.enumerated() {
            let d = min(testDays - 1, (o - split.t0) / perDay)
            var s = DayScore()
            var peak = -Double.infinity, peakP90 = -Double.infinity
            for h in 0..<horizon {
                let y = history.values[o + h]
                s.absError += abs(y - f.point[i][h])
                for k in levels.indices {
                    s.pinball[k] += PinballLoss.loss(actual: y, quantile: f.quantiles[k][i][h], level: levels[k])
                }
                if y <= f.quantiles[1][i][h] { s.p90Covered += 1 }
                peak = max(peak, y)
                peakP90 = max(peakP90, f.quantiles[1][i][h])
            }
            s.points = horizon
            s.windows = 1
            s.peaksCovered = peakP90 >= peak ? 1 : 0
            days[d].add(s)
        }
        return days
    }

    /// Mean over series of log MAE (series without scored windows or with MAE 0 left out).
    static func logMeanMAE(_ scores: [[DayScore]]) -> Double {
        var total = 0.0, n = 0
        for days in scores {
            let e = days.reduce(0) { $0 + $1.absError }, p = days.reduce(0) { $0 + $1.points }
            if p > 0 && e > 0 { total += log(e / Double(p)); n += 1 }
        }
        return n > 0 ? total / Double(n) : .infinity
    }

    /// The bootstrap's draws, the same for every method (paired): per replicate, series and days with replacement.
    static func bootstrapDraws(series: Int, days: Int) -> [(series: [Int], days: [Int])] {
        var rng = RandomStream(seed: 0).stream("forecast-benchmark/bootstrap")
        return (0..<replicates).map { _ in
            ((0..<series).map { _ in Int.random(in: 0..<series, using: &rng) },
             (0..<days).map { _ in Int.random(in: 0..<days, using: &rng) })
        }
    }

    /// The geometric mean over series of `loss(method) / loss(reference)` (series where either is 0 left out),
    /// and its 2.5% and 97.5% bootstrap percentiles.
    static func relative(_ method: [[DayScore]], _ reference: [[DayScore]], draws: [(series: [Int], days: [Int])],
                         loss: (DayScore) -> Double) -> (value: Double, interval: [Double]) {
        func geometricMean(series: [Int], days: [Int]) -> Double {
            var total = 0.0, n = 0
            for s in series {
                var a = 0.0, b = 0.0
                for d in days { a += loss(method[s][d]); b += loss(reference[s][d]) }
                if a > 0 && b > 0 { total += log(a / b); n += 1 }
            }
            return n > 0 ? exp(total / Double(n)) : .nan
        }
        let all = Array(method.indices), allDays = Array((method.first ?? []).indices)
        let value = geometricMean(series: all, days: allDays)
        let replicates = draws.map { geometricMean(series: $0.series, days: $0.days) }.filter { !$0.isNaN }.sorted()
        guard !replicates.isEmpty else { return (value, [.nan, .nan]) }
        func percentile(_ p: Double) -> Double {
            replicates[min(replicates.count - 1, max(0, Int((p * Double(replicates.count - 1)).rounded())))]
        }
        return (value, [percentile(0.025), percentile(0.975)])
    }
}
