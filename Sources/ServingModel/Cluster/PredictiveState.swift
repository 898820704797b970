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
