import SimulationCore
import Workload

/// AWS-style predictive scaling (see ``PredictiveScaling``).
extension ClusterControl {
    /// Where the run's clock starts on the calendar without a history:
    /// Monday 2024-01-01 00:00 UTC (as docs/forecasting.md maps ServeGen).
    static var predictiveEpoch: Double { 1_704_067_200 }

    /// Schedules the first forecast at 0 and one capacity step per
    /// interval, `buffer` seconds before it starts.
    mutating func startPredictive(_ p: PredictiveScaling, scheduler: inout Scheduler<Event>) {
        predictive = PredictiveState(interval: p.forecaster.interval)
        scheduler.schedule(.forecastRefresh, at: 0)
        var j = 0
        while Double(j) * p.forecaster.interval - p.buffer < duration {
            scheduler.schedule(.predictiveStep(interval: Int32(j)), at: max(0, Double(j) * p.forecaster.interval - p.buffer))
            j += 1
        }
    }

    /// The history plus the intervals the run has fully observed by `now`.
    static func observedSeries(_ p: PredictiveScaling, observed: TimeBinnedCounter, now: Double) -> LoadSeries {
        let width = p.forecaster.interval
        let done = Int((now / width + 1e-9).rounded(.down))
        let counts = (0..<done).map { observed.value(inBin: $0) }
        let h = p.history
        let start = h.count > 0 ? h.timestamp(h.count) : Self.predictiveEpoch
        return LoadSeries(name: h.name, timestamps: h.timestamps + (0..<done).map { start + Double($0) * width },
                          interval: width, values: h.values + counts, missing: h.missing + Array(repeating: false, count: done))
    }

    /// Remakes the forecast and the capacity plan from the intervals after
    /// the last fully observed one.
    mutating func refreshForecast(_ scheduler: inout Scheduler<Event>) {
        guard let p = dynamics?.predictive, let d = dynamics, var state = predictive else { return }
        predictive = nil
        defer { predictive = state }
        let now = scheduler.now
        let width = p.forecaster.interval
        let series = Self.observedSeries(p, observed: state.observed, now: now)
        if Double(series.count) * width < p.minimumHistory - 1e-9 || series.count < p.forecaster.minimumHistory {
            state.skipped += 1
            state.lastSkip = "\(series.count) intervals of history, below the \(max(Int((p.minimumHistory / width).rounded(.up)), p.forecaster.minimumHistory)) needed"
        } else {
            do {
                let f = try p.forecaster.forecast(series, horizon: Int((p.horizon / width).rounded(.up)))
                let first = series.count - p.history.count
                let needed = first + f.count
                if state.plan.count < needed {
                    state.plan += Array(repeating: nil, count: needed - state.plan.count)
                    state.forecast += Array(repeating: nil, count: needed - state.forecast.count)
                }
                for (i, v) in f.enumerated() {
                    let replicas = ServingLimits.saturatingInt((v / width / p.targetPerReplica - 1e-9).rounded(.up))
                    state.plan[first + i] = min(d.maxReplicas, max(d.minReplicas, replicas))
                    state.forecast[first + i] = v
                }
                state.refreshes += 1
            } catch {
                state.skipped += 1
                state.lastSkip = "\(error)"
            }
        }
        if now + p.refresh < duration { scheduler.schedule(.forecastRefresh, after: p.refresh) }
    }

    /// Interval `j`'s planned capacity takes effect: alone it sets the
    /// desired count; beside a reactive autoscaler it is a floor.
    /// (nil: no change of the desired count).
    mutating func predictiveStep(interval j: Int) -> Int? {
        guard let p = predictive, j < p.plan.count, let n = p.plan[j] else { return nil }
        predictive?.floor = n
        let target = dynamics?.scaler == nil ? n : max(desired, n)
        return target != desired ? target : nil
    }
}
