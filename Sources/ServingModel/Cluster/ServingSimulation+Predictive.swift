import SimulationCore
import Workload

/// Predictive scaling's running state.
struct PredictiveState: Sendable {
    /// The forecaster's interval (s).
    let interval: Double
    /// Open-loop arrivals per forecaster interval since the start.
    var observed: TimeBinnedCounter
    /// Planned replicas per interval since the start (nil: no forecast covers it).
    var plan: [Int?] = []
    /// The forecast (requests per interval) behind each plan entry.
    var forecast: [Double?] = []
    /// The floor in force (0 until the first planned interval).
    var floor = 0
    /// Forecasts made.
    var refreshes = 0
    /// Refreshes skipped: too little history, or the forecaster failed.
    var skipped = 0
    /// Why the last skipped refresh was skipped.
    var lastSkip: String?

    /// Nothing observed yet.
    init(interval: Double) {
        self.interval = interval
        observed = TimeBinnedCounter(width: interval)
    }

    /// The forecast rate (requests/s) for the interval holding `now` (0 without one).
    func forecastRate(at now: Double) -> Double {
        let j = Int(now / interval)
        guard j < forecast.count, let f = forecast[j] else { return 0 }
        return f / interval
    }
}

/// AWS-style predictive scaling (see ``PredictiveScaling``).
extension ServingSimulation {
    /// Where the run's clock starts on the calendar without a history:
    /// Monday 2024-01-01 00:00 UTC (as docs/forecasting.md maps ServeGen).
    static var predictiveEpoch: Double { 1_704_067_200 }

    /// Schedules the first forecast at 0 and one capacity step per
    /// interval, `buffer` seconds before it starts.
    mutating func startPredictive(_ p: PredictiveScaling, scheduler: inout Scheduler<Event>) {
        cluster.predictive = PredictiveState(interval: p.forecaster.interval)
        scheduler.schedule(.forecastRefresh, at: 0)
        var j = 0
        while Double(j) * p.forecaster.interval - p.buffer < duration {
            scheduler.schedule(.predictiveStep(interval: Int32(j)), at: max(0, Double(j) * p.forecaster.interval - p.buffer))
            j += 1
        }
    }

    /// The history plus the intervals the run has fully observed by `now`.
    func observedSeries(_ p: PredictiveScaling, now: Double) -> LoadSeries {
        let width = p.forecaster.interval
        let done = Int((now / width + 1e-9).rounded(.down))
        let counts = (0..<done).map { cluster.predictive!.observed.value(inBin: $0) }
        let h = p.history
        let start = h.count > 0 ? h.timestamp(h.count) : Self.predictiveEpoch
        return LoadSeries(name: h.name, timestamps: h.timestamps + (0..<done).map { start + Double($0) * width },
                          interval: width, values: h.values + counts, missing: h.missing + Array(repeating: false, count: done))
    }

    /// Remakes the forecast and the capacity plan from the intervals after
    /// the last fully observed one.
    mutating func refreshForecast(_ scheduler: inout Scheduler<Event>) {
        guard let p = dynamics?.predictive, let d = dynamics else { return }
        let now = scheduler.now
        let width = p.forecaster.interval
        let series = observedSeries(p, now: now)
        if Double(series.count) * width < p.minimumHistory - 1e-9 || series.count < p.forecaster.minimumHistory {
            cluster.predictive!.skipped += 1
            cluster.predictive!.lastSkip = "\(series.count) intervals of history, below the \(max(Int((p.minimumHistory / width).rounded(.up)), p.forecaster.minimumHistory)) needed"
        } else {
            do {
                let f = try p.forecaster.forecast(series, horizon: Int((p.horizon / width).rounded(.up)))
                let first = series.count - p.history.count
                let needed = first + f.count
                if cluster.predictive!.plan.count < needed {
                    cluster.predictive!.plan += Array(repeating: nil, count: needed - cluster.predictive!.plan.count)
                    cluster.predictive!.forecast += Array(repeating: nil, count: needed - cluster.predictive!.forecast.count)
                }
                for (i, v) in f.enumerated() {
                    let replicas = ServingLimits.saturatingInt((v / width / p.targetPerReplica - 1e-9).rounded(.up))
                    cluster.predictive!.plan[first + i] = min(d.maxReplicas, max(d.minReplicas, replicas))
                    cluster.predictive!.forecast[first + i] = v
                }
                cluster.predictive!.refreshes += 1
            } catch {
                cluster.predictive!.skipped += 1
                cluster.predictive!.lastSkip = "\(error)"
            }
        }
        if now + p.refresh < duration { scheduler.schedule(.forecastRefresh, after: p.refresh) }
    }

    /// Interval `j`'s planned capacity takes effect: alone it sets the
    /// desired count; beside a reactive autoscaler it is a floor.
    mutating func predictiveStep(interval j: Int, scheduler: inout Scheduler<Event>) {
        guard j < cluster.predictive!.plan.count, let n = cluster.predictive!.plan[j] else { return }
        cluster.predictive!.floor = n
        let target = dynamics?.scaler == nil ? n : max(cluster.desired, n)
        if target != cluster.desired { scale(to: target, scheduler: &scheduler) }
    }
}
