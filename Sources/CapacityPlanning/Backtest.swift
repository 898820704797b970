import Forecasting
import Foundation
import ServingModel
import Workload

/// Plans a schedule from the first days of a history and replays the days
/// after them against it.
///
/// The schedule is planned from the forecast (at a quantile, times the
/// headroom) of the test days given only the training days, verified and
/// corrected on that forecast as `headroom plan` does, then simulated with
/// the test days' actual load. The oracle follows the same rule with
/// perfect knowledge: per interval, the fewest replicas of the same
/// capacity curve for the actual load times the headroom, no pre-launch.
package struct Backtest: Sendable {
    /// One test interval.
    package struct Row: Sendable, Encodable, Equatable {
        /// Start, ISO 8601 on the back-test's zone clock (``Backtest/zone``).
        package var start: String
        /// Actual load × scale (requests/s), as replayed.
        package var actualRate: Double
        /// Forecast quantile × scale × headroom (requests/s).
        package var plannedRate: Double
        /// Largest replica count the schedule holds in the interval.
        package var replicas: Int
        /// The oracle's replicas.
        package var oracleReplicas: Int
        /// Whether every target held in the replay.
        package var slaMet: Bool
    }

    /// The outcome.
    package struct Result: Sendable, Encodable {
        /// Per test interval.
        package var rows: [Row]
        /// Intervals where every target held in the replay.
        package var intervalsMet: Int
        /// GPU-hours of the schedule.
        package var scheduleGpuHours: Double
        /// GPU-hours of the oracle.
        package var oracleGpuHours: Double
        /// Schedule ÷ oracle.
        package var gpuHoursRatio: Double
        /// Correction rounds the plan needed on its forecast.
        package var corrections: Int
        /// The capacity curve.
        package var curve: CapacityCurve
        /// Forecast method and level.
        package var method: String
        /// See ``method``.
        package var quantile: Double
        /// The schedule.
        package var schedule: [ScheduleEntry]
        /// The replay's per-interval outcomes.
        package var replay: HorizonVerification
        /// What the reader must know to trust it (a model that has seen the test days).
        package var notes: [String] = []
    }

    /// The scenario.
    package var base: ServingConfiguration
    /// The targets.
    package var sla: SLA
    /// Factor on the load (forecast and actual alike).
    package var headroom: Double
    /// Factor from the history's counts to the simulated cluster's.
    package var scale: Double
    /// Capacity-curve confidence and replications.
    package var confidence: Double
    /// See ``confidence``.
    package var replications: Int
    /// The zone the rows' times are written in and the days are named in.
    package var zone: HistoryTimeZone = .utc
    /// Told the name of each stage as it starts (for progress on a terminal).
    package var progress: (@Sendable (String) -> Void)?
    /// Told, within a stage, how many of its simulations have finished and how many there are.
    package var finished: (@Sendable (Int, Int) -> Void)?

    /// A back-test.
    package init(base: ServingConfiguration, sla: SLA, headroom: Double, scale: Double, confidence: Double = 0.95, replications: Int = 4) throws {
        guard headroom > 0, headroom.isFinite else { throw PlanningError("--headroom", "expected a multiplier > 0 such as 3x, got \(headroom)") }
        guard scale > 0, scale.isFinite else { throw PlanningError("--load-scale", "expected a factor > 0, got \(scale)") }
        self.base = base
        self.sla = sla
        self.headroom = headroom
        self.scale = scale
        self.confidence = confidence
        self.replications = replications
    }

    /// Runs the back-test on `series`: train on the first `trainDays`, replay the next `testDays`.
    package func run(series: LoadSeries, model: ForecasterModel, trainDays: Int, testDays: Int, quantile: Double,
                    method: String? = nil) throws -> Result {
        let perDay = series.intervalsPerDay
        // At most ten years each, so that days × intervals cannot overflow.
        guard (1...3650).contains(trainDays), (1...3650).contains(testDays) else {
            throw PlanningError("--train-days", "expected from 1 to 3650 training and test days, got \(trainDays) and \(testDays)")
        }
        guard series.count >= (trainDays + testDays) * perDay else {
            throw PlanningError("history", "\(series.name) has \(series.count) intervals; \(trainDays) + \(testDays) days need \((trainDays + testDays) * perDay)")
        }
        let train = series.prefix(trainDays * perDay)
        let n = testDays * perDay
        progress?("forecasting \(testDays) test day\(testDays == 1 ? "" : "s") from \(trainDays) training day\(trainDays == 1 ? "" : "s")")
        let forecast = try LoadForecast(model: model, history: train, horizon: n, level: quantile, method: method)
        let factor = scale * headroom / series.interval
        let actualCounts = series.imputed(season: perDay)[train.count..<(train.count + n)]
        let actual = actualCounts.map { max(0, $0) * scale / series.interval }
        let planned = forecast.planned.map { $0 * factor }
        var planner = try HorizonPlanner(base: base, sla: sla, interval: series.interval, confidence: confidence,
                                         replications: replications, plans: [.schedule])
        planner.progress = progress
        planner.finished = finished
        progress?("measuring the capacity curve")
        let curve = try CapacityCurve.measure(base: base, sla: sla, covering: max(planned.max()!, actual.max()! * headroom),
                                              confidence: confidence, replications: replications)
        let plan = try planner.plan(rates: planned, curve: curve)
        let schedule = plan.schedule!
        let verifier = try HorizonVerifier(base: base, sla: sla, interval: series.interval)
        progress?("replaying the test days against the schedule")
        let replay = try verifier.verify(.schedule(schedule.plan), rates: actual)
        let gpus = base.replicas.hardware?.gpusPerReplica ?? 1
        let oracle = actual.map { curve.replicas(for: $0 * headroom) }
        var rows: [Row] = []
        for i in 0..<n {
            let s = Double(i) * series.interval, e = s + series.interval
            let held = schedule.plan.filter { $0.start < e && $0.end > s }.map(\.replicas).max() ?? 0
            rows.append(Row(start: zone.format(forecast.origin + s), actualRate: actual[i], plannedRate: planned[i], replicas: held,
                            oracleReplicas: oracle[i], slaMet: replay.intervals[i].slaMet))
        }
        let scheduleHours = ScheduleBuilder.gpuHours(schedule.plan, gpusPerReplica: gpus)
        let oracleHours = oracle.reduce(0) { $0 + Double($1) } * Double(gpus) * series.interval / 3600
        var result = Result(rows: rows, intervalsMet: rows.filter(\.slaMet).count, scheduleGpuHours: scheduleHours,
                            oracleGpuHours: oracleHours, gpuHoursRatio: scheduleHours / oracleHours, corrections: schedule.corrections,
                            curve: curve, method: forecast.method, quantile: quantile, schedule: schedule.plan, replay: replay)
        if model.trainedOn.contains(where: { $0.name == series.name || $0.name.hasPrefix(series.name + "@") }) {
            result.notes.append("the model was trained on \(series.name), test days included: what it learned (LSTM weights, quantile "
                                + "calibration) has seen them, so this back-test of \(forecast.method) is optimistic; "
                                + "--method SeasonalRegression refits on the training days only")
        }
        return result
    }
}
